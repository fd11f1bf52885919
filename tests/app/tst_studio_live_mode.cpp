#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

#include "studio_controller.h"

namespace {

// An hour of load on two busy workers, a token bucket, a leaky bucket and one stage.
const char* const kScenario = R"({
    "version": 1, "name": "live mode", "sample_interval_ms": 50,
    "load": {"arrivals": "even", "phases": [{"rate": 200, "duration_s": 3600}]},
    "limiters": [{"type": "token_bucket", "rate": 1000, "burst": 10},
                 {"type": "leaky_bucket", "rate": 500, "slack": 5}],
    "pool": {"workers": 2, "queue_capacity": 20,
             "service_time": {"distribution": "constant", "mean_ms": 50}},
    "stages": [{"name": "write", "concurrency": 3, "queue_capacity": 8,
                "service_time": {"distribution": "constant", "mean_ms": 1}}]})";

QVariantMap entry(const QVariantList& list, int index) {
    return list.at(index).toMap();
}

}  // namespace

class TestStudioLiveMode : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QFile file(m_dir.filePath(QStringLiteral("live.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kScenario);
    }

    void modeRoutesRunAndStop() {
        StudioController controller;
        QVERIFY(controller.load(m_dir.filePath(QStringLiteral("live.json"))));
        QCOMPARE(controller.runMode(), StudioController::RunMode::Replay);
        QSignalSpy modeChanged(&controller, &StudioController::runModeChanged);
        controller.setRunMode(StudioController::RunMode::Live);
        QCOMPARE(modeChanged.count(), 1);

        controller.run();
        QCOMPARE(controller.liveSession().state(), goflow::app::LiveSession::State::Running);
        QCOMPARE(controller.state(), StudioController::RunState::Running);
        QTRY_VERIFY(controller.sampleCount() >= 2);
        QCOMPARE(&controller.samples(), &controller.liveSession().samples());
        QVERIFY(controller.offered() > 0);

        controller.pause();  // a live run cannot pause
        QVERIFY(controller.errorMessage().contains(QLatin1String("cannot pause")));
        QCOMPARE(controller.state(), StudioController::RunState::Running);

        controller.stop();
        QCOMPARE(controller.state(), StudioController::RunState::Idle);
        QCOMPARE(controller.liveSession().state(), goflow::app::LiveSession::State::Idle);

        controller.run();
        QCOMPARE(controller.state(), StudioController::RunState::Running);
        // Leaving live mode stops the live run and shows the replay's (empty) samples.
        controller.setRunMode(StudioController::RunMode::Replay);
        QCOMPARE(controller.liveSession().state(), goflow::app::LiveSession::State::Idle);
        QCOMPARE(controller.state(), StudioController::RunState::Idle);
        QCOMPARE(controller.sampleCount(), 0);
        QVERIFY(controller.markers().isEmpty());
    }

    void settersRejectOutOfRangeValues() {
        StudioController controller;
        QVERIFY(controller.load(m_dir.filePath(QStringLiteral("live.json"))));
        controller.setRunMode(StudioController::RunMode::Live);
        QVERIFY(!controller.setLiveWorkers(4));  // no run yet
        QVERIFY(controller.errorMessage().contains(QLatin1String("start a run")));

        controller.run();
        QCOMPARE(controller.state(), StudioController::RunState::Running);
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        // Each rejection must name its cause in errorMessage.
        const auto expectRejected = [&](bool accepted, const char* message) {
            QVERIFY2(!accepted, message);
            QVERIFY2(controller.errorMessage().contains(QLatin1String(message)),
                     qPrintable(controller.errorMessage()));
        };
        expectRejected(controller.setLimiterRate(0, 0, 0), "greater than 0");
        expectRejected(controller.setLimiterRate(0, 0, -5), "greater than 0");
        expectRejected(controller.setLimiterRate(0, 0, nan), "greater than 0");
        expectRejected(controller.setLimiterRate(0, 0, inf), "greater than 0");
        expectRejected(controller.setLimiterRate(0, 7, 10), "no limiter 7");
        expectRejected(controller.setLimiterRate(3, 0, 10), "no request class 3");
        expectRejected(controller.setLimiterBurst(0, 0, 0), "at least 1");
        expectRejected(controller.setLimiterBurst(0, 0, 2.5), "whole number");
        expectRejected(controller.setLimiterBurst(0, 1, 3), "no burst");
        expectRejected(controller.setLiveWorkers(0), "at least 1");
        expectRejected(controller.setLiveWorkers(-2), "at least 1");
        expectRejected(controller.setLiveWorkers(1.5), "whole number");
        expectRejected(controller.setLiveWorkers(1e9), "pool.workers");
        expectRejected(controller.setStageConcurrency(0, 0), "at least 1");
        expectRejected(controller.setStageConcurrency(0, nan), "whole number");
        expectRejected(controller.setStageConcurrency(1, 2), "no pipeline stage 1");
        QVERIFY(controller.markers().isEmpty());
        QCOMPARE(controller.liveWorkers(), 2);  // nothing was clamped or applied

        QSignalSpy parametersChanged(&controller, &StudioController::liveParametersChanged);
        QVERIFY(controller.setLiveWorkers(5));
        QVERIFY(controller.errorMessage().isEmpty());
        QVERIFY(controller.setLimiterRate(0, 0, 250.5));
        QVERIFY(controller.setLimiterRate(0, 1, 40));
        QVERIFY(controller.setLimiterBurst(0, 0, 1));
        QVERIFY(controller.setStageConcurrency(0, 1));
        QCOMPARE(parametersChanged.count(), 5);

        QCOMPARE(controller.liveWorkers(), 5);
        const QVariantList limiters = controller.liveLimiters();
        QCOMPARE(limiters.size(), 2);
        QCOMPARE(entry(limiters, 0).value(QStringLiteral("rate")).toDouble(), 250.5);
        QCOMPARE(entry(limiters, 0).value(QStringLiteral("burst")).toDouble(), 1.0);
        QCOMPARE(entry(limiters, 0).value(QStringLiteral("hasBurst")).toBool(), true);
        QCOMPARE(entry(limiters, 1).value(QStringLiteral("rate")).toDouble(), 40.0);
        QCOMPARE(entry(limiters, 1).value(QStringLiteral("hasBurst")).toBool(), false);
        QCOMPARE(entry(controller.liveStages(), 0).value(QStringLiteral("concurrency")).toInt(), 1);

        const QVariantList markers = controller.markers();
        QCOMPARE(markers.size(), 5);
        QCOMPARE(entry(markers, 0).value(QStringLiteral("label")).toString(),
                 QStringLiteral("pool.workers 2 → 5"));
        QCOMPARE(entry(markers, 3).value(QStringLiteral("oldValue")).toDouble(), 10.0);
        const double burstAt = entry(markers, 3).value(QStringLiteral("time")).toDouble();
        QVERIFY(burstAt > 0);

        // The chart's burst line steps down where the live change happened.
        const QList<QPointF> steps = controller.limiterReferenceSteps(3600);
        const QList<QPointF> expected{QPointF(0, 10), QPointF(burstAt, 10), QPointF(burstAt, 1),
                                      QPointF(3600, 1)};
        QCOMPARE(steps, expected);

        controller.stop();
        // Stopped: the values shown are again those the next run starts with.
        QCOMPARE(controller.liveWorkers(), 2);
        QCOMPARE(controller.markers().size(), 5);
    }

  private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestStudioLiveMode)
#include "tst_studio_live_mode.moc"
