// Tests Exporter: path checks, the CSV time series, the JSON summary, PNG images of an offscreen
// window, and the libgoflow C++ snippet (the build compiles and runs the snippet of every shipped
// scenario as the snippet_* tests).

#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

#include "exporter.h"
#include "studio_controller.h"

namespace {

QString readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

}  // namespace

class TestExporter : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_controller.setSpeed(StudioController::Speed::AsFastAsPossible);
        QVERIFY(m_controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")));
    }

    void resolvePathChecks_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<QString>("expected");  // the resolved path, or empty
        QTest::addColumn<QString>("error");

        const QString dir = QDir(QDir::tempPath()).absolutePath();
        QTest::newRow("plain") << dir + "/a.csv"
                               << "csv" << dir + "/a.csv"
                               << "";
        QTest::newRow("url") << QUrl::fromLocalFile(dir + "/b.png").toString() << "png"
                             << dir + "/b.png"
                             << "";
        QTest::newRow("suffix added") << dir + "/c"
                                      << "json" << dir + "/c.json"
                                      << "";
        QTest::newRow("upper-case suffix") << dir + "/d.PNG"
                                           << "png" << dir + "/d.PNG"
                                           << "";
        QTest::newRow("empty") << "  "
                               << "csv"
                               << ""
                               << "no file name given: choose where to save the .csv file";
        QTest::newRow("wrong suffix")
            << dir + "/e.txt"
            << "csv"
            << "" << dir + "/e.txt does not end in .csv: use a .csv file name";
        QTest::newRow("remote") << "https://example.invalid/f.png"
                                << "png"
                                << ""
                                << "https://example.invalid/f.png is not a local file: choose a "
                                   "file on this computer";
        QTest::newRow("missing folder")
            << dir + "/no-such-folder-4711/g.csv"
            << "csv"
            << ""
            << "the folder " + dir + "/no-such-folder-4711 does not exist";
    }

    void resolvePathChecks() {
        QFETCH(QString, input);
        QFETCH(QString, suffix);
        QFETCH(QString, expected);
        QFETCH(QString, error);

        QString message;
        QCOMPARE(Exporter::resolvePath(input, suffix, message), expected);
        QCOMPARE(message, error);
    }

    void exportsNeedARun() {
        Exporter exporter;
        exporter.setController(&m_controller);
        QVERIFY(!exporter.hasRun());
        QVERIFY(!exporter.exportCsv(m_dir.filePath(QStringLiteral("early.csv"))));
        QCOMPARE(exporter.lastError(),
                 QStringLiteral("Cannot export the time series: run the scenario first."));
        QVERIFY(!exporter.exportJson(m_dir.filePath(QStringLiteral("early.json"))));
        QCOMPARE(exporter.lastError(),
                 QStringLiteral("Cannot export the summary: run the scenario first."));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("early.csv"))));

        Exporter unconnected;
        QVERIFY(!unconnected.exportSnippet(m_dir.filePath(QStringLiteral("early.cpp"))));
        QCOMPARE(unconnected.lastError(),
                 QStringLiteral("Cannot export the C++ configuration: load a scenario first."));
    }

    void csvHasEverySample() {
        runScenario();
        Exporter exporter;
        exporter.setController(&m_controller);
        QVERIFY(exporter.hasRun());
        const QString path = m_dir.filePath(QStringLiteral("series"));
        QVERIFY2(exporter.exportCsv(path), qPrintable(exporter.lastError()));
        QCOMPARE(exporter.lastSavedPath(), path + QStringLiteral(".csv"));

        const QStringList lines =
            readAll(path + QStringLiteral(".csv")).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const auto& samples = m_controller.samples();
        QCOMPARE(lines.size(), static_cast<qsizetype>(samples.size()) + 1);
        const QStringList header = lines.front().split(QLatin1Char(','));
        QCOMPARE(header.front(), QStringLiteral("time_s"));
        for (const char* column :
             {"queue_depth", "busy_workers", "offered", "admitted", "rejected_by_limiter",
              "rejected_by_queue", "timed_out", "retried", "completed", "failed", "dropped",
              "latency_p99_ms", "tokens", "pool_blocked", "pool_latency_p50_ms",
              "pool_latency_p95_ms", "pool_latency_p99_ms", "pool_wait_mean_ms",
              "limiter1_level"}) {
            QVERIFY2(header.contains(QLatin1String(column)), column);
        }
        const qsizetype limiterColumn = header.indexOf(QStringLiteral("limiter1_level"));
        const qsizetype queueColumn = header.indexOf(QStringLiteral("queue_depth"));
        const qsizetype waitColumn = header.indexOf(QStringLiteral("pool_wait_mean_ms"));
        for (qsizetype row = 1; row < lines.size(); ++row) {
            const QStringList fields = lines[row].split(QLatin1Char(','));
            QCOMPARE(fields.size(), header.size());
            const auto& sample = samples[samples.firstIndex() + static_cast<std::size_t>(row - 1)];
            QCOMPARE(fields[queueColumn].toInt(), sample.queue_depth);
            QCOMPARE(fields[waitColumn].toDouble(),
                     std::round(sample.stations.front().wait_mean_ms * 1000) / 1000);
            QCOMPARE(fields[limiterColumn].toDouble(),
                     std::round(sample.limiter_levels.front() * 1000) / 1000);
        }
    }

    void jsonParsesBack() {
        runScenario();
        Exporter exporter;
        exporter.setController(&m_controller);
        const QString path = m_dir.filePath(QStringLiteral("summary.json"));
        QVERIFY2(exporter.exportJson(QUrl::fromLocalFile(path).toString()),
                 qPrintable(exporter.lastError()));
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(readAll(path).toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(document.isObject());
        const QJsonObject summary = document.object();
        QCOMPARE(summary.value(QStringLiteral("offered")).toInteger(), m_controller.offered());
        QCOMPARE(summary.value(QStringLiteral("completed")).toInteger(), m_controller.completed());
        QVERIFY(summary.value(QStringLiteral("stations")).isArray());
    }

    void pngFromOffscreenWindow() {
        QQmlApplicationEngine engine;
        engine.loadData(
            "import QtQuick\n"
            "Window { width: 120; height: 80; visible: true; color: \"#2f6fde\"\n"
            "  Rectangle { objectName: \"box\"; x: 10; y: 10; width: 40; height: 30; "
            "color: \"#c23b3b\" } }\n");
        QCOMPARE(engine.rootObjects().size(), 1);
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().front());
        QVERIFY(window != nullptr);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        Exporter exporter;
        const QString path = m_dir.filePath(QStringLiteral("window.png"));
        QVERIFY2(exporter.saveWindow(window, path), qPrintable(exporter.lastError()));
        QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), static_cast<int>(120 * window->devicePixelRatio()));
        QCOMPARE(QColor(image.pixel(2, 2)), QColor(QStringLiteral("#2f6fde")));
        QCOMPARE(QColor(image.pixel(20, 20)), QColor(QStringLiteral("#c23b3b")));

        QVERIFY(exporter.findItem(window, QStringLiteral("box")) != nullptr);
        QVERIFY(exporter.findItem(window, QStringLiteral("chart")) == nullptr);
        QCOMPARE(exporter.lastError(),
                 QStringLiteral("Cannot save the image: the page has no item named chart."));

        QVERIFY(!exporter.saveImage(QImage(), m_dir.filePath(QStringLiteral("empty.png"))));
        QCOMPARE(exporter.lastError(),
                 QStringLiteral("Cannot save the image: nothing was captured."));
        QVERIFY(!exporter.saveWindow(window, m_dir.filePath(QStringLiteral("window.jpg"))));
        QVERIFY(exporter.lastError().contains(QStringLiteral("does not end in .png")));
        QVERIFY(!exporter.saveWindow(nullptr, path));
    }

    void snippetHasScenarioValues() {
        Exporter exporter;
        exporter.setController(&m_controller);
        const QString snippet = exporter.snippet();
        // api-burst: a token bucket of rate 100 and burst 200, 8 workers, 64 queue places.
        QVERIFY(snippet.contains(
            QStringLiteral("goflow::TokenBucketOptions class1_limiter1_options;")));
        QVERIFY(snippet.contains(QStringLiteral("class1_limiter1_options.burst = 200;")));
        QVERIFY(snippet.contains(QStringLiteral("pool_options.workers = 8;")));
        QVERIFY(snippet.contains(QStringLiteral("pool_options.queue_capacity = 64;")));
        QVERIFY(snippet.contains(QStringLiteral("int main() {")));

        const QString path = m_dir.filePath(QStringLiteral("config.cpp"));
        QVERIFY2(exporter.exportSnippet(path), qPrintable(exporter.lastError()));
        QCOMPARE(readAll(path), snippet);
    }

    void snippetCoversEveryLimiterKind() {
        goflow::sim::Scenario scenario;
        scenario.name = "quote \" and \\ back";
        scenario.description = "two\nlines";
        goflow::sim::RequestClass requestClass;
        requestClass.name = "tenant";
        goflow::sim::LimiterConfig leaky;
        leaky.type = goflow::sim::LimiterConfig::Type::leaky_bucket;
        leaky.rate = 12.5;
        leaky.slack = 3;
        goflow::sim::LimiterConfig concurrency;
        concurrency.type = goflow::sim::LimiterConfig::Type::concurrency;
        concurrency.limit = 4;
        requestClass.limiters = {leaky, concurrency};
        scenario.classes.push_back(requestClass);
        scenario.pool.name = "front \"a\"";
        scenario.pool.servers = 3;
        scenario.pool.queue_capacity = 0;
        scenario.pool.full_policy = goflow::sim::PoolConfig::FullPolicy::block;
        scenario.pool.block_timeout = std::chrono::milliseconds(250);
        scenario.pool.timeout = std::chrono::microseconds(1500);
        goflow::sim::StationConfig stage;
        stage.name = "encode";
        stage.servers = 2;
        stage.queue_capacity = 5;
        scenario.stages.push_back(stage);

        const QString snippet = QString::fromStdString(goflow::app::libgoflowSnippet(scenario));
        QVERIFY(snippet.contains(QStringLiteral("class1_limiter1_options.rate = 12.5;")));
        QVERIFY(snippet.contains(QStringLiteral("class1_limiter1_options.slack = 3;")));
        QVERIFY(snippet.contains(QStringLiteral("class1_limiter2_options.limit = 4;")));
        QVERIFY(snippet.contains(QStringLiteral("goflow::FullPolicy::block_for;")));
        QVERIFY(snippet.contains(
            QStringLiteral("pool_options.block_timeout = std::chrono::milliseconds(250);")));
        QVERIFY(snippet.contains(
            QStringLiteral("pool_options.task_timeout = std::chrono::nanoseconds(1500000);")));
        QVERIFY(snippet.contains(QStringLiteral("options.concurrency = 2;")));
        QVERIFY(snippet.contains(QStringLiteral("// two lines")));
        QVERIFY(snippet.contains(QStringLiteral("scenario \"quote \" and \\ back\"")));
        QVERIFY(snippet.contains(QStringLiteral("pool_options.name = \"front \\\"a\\\"\";")));
    }

  private:
    void runScenario() {
        if (m_controller.state() == StudioController::RunState::Finished) {
            return;
        }
        m_controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(m_controller.state(), StudioController::RunState::Finished,
                                  30000);
    }

    QTemporaryDir m_dir;
    StudioController m_controller;
};

QTEST_MAIN(TestExporter)
#include "tst_exporter.moc"
