#include <QTemporaryDir>
#include <QtTest>

#include "scenario_catalog.h"

class TestScenarioCatalog : public QObject {
    Q_OBJECT

  private slots:
    void listsShippedScenarios() {
        const auto entries = goflow::app::listScenarios(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR));
        QVERIFY(entries.size() >= 2);
        bool foundDefault = false;
        for (const auto& entry : entries) {
            QVERIFY2(entry.error.isEmpty(), qPrintable(entry.error));
            QVERIFY(!entry.description.isEmpty());
            QVERIFY(!entry.fileName.endsWith(QLatin1String(".schema.json")));
            foundDefault = foundDefault || entry.fileName == QLatin1String("api-burst.json");
        }
        QVERIFY(foundDefault);
    }

    void invalidFileIsListedWithItsError() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile broken(dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"version\": 1,\n  \"pool\": ");
        broken.close();

        const auto entries = goflow::app::listScenarios(dir.path());
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.front().name, QStringLiteral("broken"));
        QVERIFY2(entries.front().error.contains(QLatin1String("line 2")),
                 qPrintable(entries.front().error));
    }

    void loadErrorNamesTheFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("zero.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"version": 1, "load": {"phases": [{"rate": 1, "duration_s": 1}]},
                       "pool": {"workers": 0, "service_time": {"mean_ms": 1}}})");
        file.close();
        const auto scenario = goflow::app::loadScenarioFile(path);
        QVERIFY(!scenario.ok());
        const QString message = QString::fromStdString(scenario.error().message);
        QVERIFY2(message.startsWith(path), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("pool.workers")), qPrintable(message));
    }

    void environmentOverridesScenarioDirectory() {
        qputenv("GOFLOW_SCENARIO_DIR", "/somewhere/else");
        QCOMPARE(goflow::app::defaultScenarioDirectory(), QStringLiteral("/somewhere/else"));
        qunsetenv("GOFLOW_SCENARIO_DIR");
        QVERIFY(goflow::app::defaultScenarioDirectory() != QStringLiteral("/somewhere/else"));
    }
};

QTEST_GUILESS_MAIN(TestScenarioCatalog)
#include "tst_scenario_catalog.moc"
