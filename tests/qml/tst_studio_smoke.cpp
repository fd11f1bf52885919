// Starts the Studio's main window offscreen on each shipped scenario, runs it, and checks that
// both charts received points, that a screenshot can be taken, and that QML printed nothing.

#include <QtQml/qqmlextensionplugin.h>
#include <QApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QtCharts/QXYSeries>
#include <QtTest>

#include "scenario_catalog.h"
#include "studio_controller.h"

Q_IMPORT_QML_PLUGIN(Goflow_StudioPlugin)

namespace {

QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

// Records every warning and error; Qt Test's own output still goes through.
void recordMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type != QtDebugMsg && type != QtInfoMsg &&
        !message.startsWith(QLatin1String("QStandardPaths:"))) {
        g_messages.append(message);
    }
    g_previousHandler(type, context, message);
}

}  // namespace

class TestStudioSmoke : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() { g_previousHandler = qInstallMessageHandler(recordMessage); }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void scenarioRunsAndCharts_data() {
        QTest::addColumn<QString>("path");
        for (const auto& entry :
             goflow::app::listScenarios(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR))) {
            QTest::newRow(qPrintable(entry.fileName)) << entry.path;
        }
    }

    void scenarioRunsAndCharts() {
        QFETCH(QString, path);
        g_messages.clear();

        QQmlApplicationEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine.setInitialProperties({
            {QStringLiteral("scenarioDirectory"), QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR)},
            {QStringLiteral("initialScenario"), path},
            {QStringLiteral("autoRun"), true},
            {QStringLiteral("initialSpeed"), QStringLiteral("max")},
        });
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Goflow/Studio/Main.qml")));
        QCOMPARE(engine.rootObjects().size(), 1);
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().front());
        QVERIFY(window != nullptr);

        auto* controller = window->findChild<StudioController*>(QStringLiteral("controller"));
        QVERIFY(controller != nullptr);
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        for (const char* chartName : {"tokenChart", "queueChart"}) {
            QObject* chart = window->findChild<QObject*>(QString::fromLatin1(chartName));
            QVERIFY2(chart != nullptr, chartName);
            if (QLatin1String(chartName) == QLatin1String("tokenChart") &&
                !controller->hasLimiter()) {
                continue;  // the chart shows its "no limiter" text instead
            }
            for (const char* seriesName : {"dataSeries", "referenceSeries"}) {
                auto* series =
                    qobject_cast<QXYSeries*>(chart->property(seriesName).value<QObject*>());
                QVERIFY2(series != nullptr, seriesName);
                QVERIFY2(series->count() >= 2, qPrintable(QString("%1.%2 has %3 points")
                                                              .arg(chartName, seriesName)
                                                              .arg(series->count())));
            }
        }
        QObject* queueChart = window->findChild<QObject*>(QStringLiteral("queueChart"));
        auto* queue =
            qobject_cast<QXYSeries*>(queueChart->property("dataSeries").value<QObject*>());
        QCOMPARE(static_cast<std::size_t>(queue->count()), controller->samples().size());

        const QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        const QString shot = QDir(QStringLiteral(GOFLOW_SCREENSHOT_DIR))
                                 .filePath(QFileInfo(path).completeBaseName() + ".png");
        QVERIFY(image.save(shot));

        QVERIFY2(g_messages.isEmpty(), qPrintable(g_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestStudioSmoke)
#include "tst_studio_smoke.moc"
