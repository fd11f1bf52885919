#include <QSignalSpy>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <memory>

#include "live_session.h"

using goflow::app::LiveSession;

namespace {

// One second of load at speed 10: about 0.1 s of wall time.
const char* const kShort = R"({
    "version": 1, "name": "short live", "sample_interval_ms": 100,
    "load": {"arrivals": "even", "phases": [{"rate": 50, "duration_s": 1}]},
    "limiters": [{"type": "token_bucket", "rate": 100, "burst": 5}],
    "pool": {"workers": 2, "queue_capacity": 10,
             "service_time": {"distribution": "constant", "mean_ms": 2}}})";

// An hour of load that keeps two workers busy: it only ends when stopped.
const char* const kSaturated = R"({
    "version": 1, "name": "saturated live", "sample_interval_ms": 50,
    "load": {"arrivals": "even", "phases": [{"rate": 200, "duration_s": 3600}]},
    "limiters": [{"type": "token_bucket", "rate": 1000, "burst": 10}],
    "pool": {"workers": 2, "queue_capacity": 20,
             "service_time": {"distribution": "constant", "mean_ms": 100}},
    "stages": [{"name": "write", "concurrency": 8, "queue_capacity": 8,
                "service_time": {"distribution": "constant", "mean_ms": 1}}]})";

goflow::sim::Scenario scenario(const char* json) {
    auto loaded = goflow::sim::load_scenario(json);
    if (!loaded) {
        qFatal("test scenario is invalid: %s", loaded.error().describe().c_str());
    }
    return *loaded;
}

int latestBusyWorkers(const LiveSession& session) {
    return session.samples().empty() ? -1 : session.samples().back().busy_workers;
}

}  // namespace

class TestLiveSession : public QObject {
    Q_OBJECT

  private slots:
    void runsToFinished() {
        LiveSession session;
        QSignalSpy states(&session, &LiveSession::stateChanged);
        QVERIFY(session.start(scenario(kShort), 10));
        QCOMPARE(session.state(), LiveSession::State::Running);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), LiveSession::State::Finished, 20000);
        // A loaded machine delays the runner's sample events, so count only a few samples; the
        // last one comes after the 1 s of load.
        QVERIFY(session.samples().size() >= 2);
        QVERIFY(std::chrono::duration<double>(session.samples().back().time).count() >= 1.0);
        QCOMPARE(session.summary().offered, 50u);
        QVERIFY(session.summary().completed > 0);
        QVERIFY(session.elapsedSeconds() >= 1.0);
        QCOMPARE(states.count(), 2);  // Running, then Finished
    }

    void rejectsInvalidSpeed() {
        LiveSession session;
        QVERIFY(!session.start(scenario(kShort), 0));
        QVERIFY(session.errorString().contains(QLatin1String("speed")));
        QCOMPARE(session.state(), LiveSession::State::Idle);
        QVERIFY(!session.start(scenario(kShort), std::nan("")));
    }

    void stopDropsQueuedBatches() {
        LiveSession session;
        QVERIFY(session.start(scenario(kSaturated), 1));
        QTRY_VERIFY(session.samples().size() >= 2);
        session.stop();
        QCOMPARE(session.state(), LiveSession::State::Idle);
        const std::size_t kept = session.samples().size();
        // Deliveries the pump thread queued before stop() joined it run here and are dropped.
        QCoreApplication::sendPostedEvents();
        QCOMPARE(session.samples().size(), kept);
        session.stop();  // idempotent
        QCOMPARE(session.state(), LiveSession::State::Idle);
    }

    void restartDiscardsPreviousRun() {
        LiveSession session;
        QVERIFY(session.start(scenario(kShort), 1));
        QTRY_VERIFY(!session.samples().empty());
        QSignalSpy appended(&session, &LiveSession::samplesAppended);
        // The second run has a stage, so its samples have two stations and the first run's one.
        QVERIFY(session.start(scenario(kSaturated), 1));
        QCOMPARE(appended.count(), 1);
        QCOMPARE(appended.at(0).at(0).toInt(), 0);
        QVERIFY(session.samples().empty());
        QCoreApplication::sendPostedEvents();
        QTRY_VERIFY(session.samples().size() >= 2);
        for (const auto& sample : session.samples()) {
            QCOMPARE(sample.stations.size(), 2u);
        }
        session.stop();
    }

    void destroyWhileRunning() {
        auto session = std::make_unique<LiveSession>();
        QVERIFY(session->start(scenario(kSaturated), 1));
        QTRY_VERIFY(!session->samples().empty());
        session.reset();
        QCoreApplication::sendPostedEvents();
    }

    void parameterChangeAppliedAndRecorded() {
        LiveSession session;
        QSignalSpy markers(&session, &LiveSession::markersChanged);
        QVERIFY(!session.setParameter(QStringLiteral("pool.workers"), 4));  // not running
        QVERIFY(session.errorString().contains(QLatin1String("no live run")));

        QVERIFY(session.start(scenario(kSaturated), 1));
        QTRY_COMPARE(latestBusyWorkers(session), 2);
        QCOMPARE(session.parameter(QStringLiteral("pool.workers")), std::optional<double>(2));

        QVERIFY(session.setParameter(QStringLiteral("pool.workers"), 4));
        QCOMPARE(markers.count(), 1);
        QCOMPARE(session.markers().size(), 1);
        const LiveSession::Marker marker = session.markers().front();
        QCOMPARE(marker.parameter, QStringLiteral("pool.workers"));
        QCOMPARE(marker.oldValue, 2.0);
        QCOMPARE(marker.newValue, 4.0);
        QVERIFY(marker.timeSeconds > 0);
        QVERIFY(marker.timeSeconds <= session.elapsedSeconds());
        QCOMPARE(marker.label(), QStringLiteral("pool.workers 2 → 4"));
        QCOMPARE(session.parameter(QStringLiteral("pool.workers")), std::optional<double>(4));
        // The real pool grows: the queue is never empty, so all four workers get busy.
        QTRY_COMPARE_WITH_TIMEOUT(latestBusyWorkers(session), 4, 10000);

        QVERIFY(session.setParameter(QStringLiteral("limiters[0].rate"), 500));
        QVERIFY(session.setParameter(QStringLiteral("limiters[0].burst"), 3));
        QVERIFY(session.setParameter(QStringLiteral("stages[0].concurrency"), 2));
        QCOMPARE(session.markers().size(), 4);
        QCOMPARE(session.markers().at(1).oldValue, 1000.0);
        QCOMPARE(session.markers().at(2).oldValue, 10.0);
        QCOMPARE(session.markers().at(3).oldValue, 8.0);
        QCOMPARE(session.parameter(QStringLiteral("stages[0].concurrency")),
                 std::optional<double>(2));

        QVERIFY(!session.setParameter(QStringLiteral("pool.workers"), 0));
        QVERIFY(session.errorString().contains(QLatin1String("pool.workers")));
        QVERIFY(!session.setParameter(QStringLiteral("pool.queue_capacity"), 5));
        QCOMPARE(session.markers().size(), 4);
        session.stop();
        QCOMPARE(session.markers().size(), 4);  // kept after stop

        QVERIFY(session.start(scenario(kShort), 10));
        QVERIFY(session.markers().isEmpty());
        session.stop();
    }
};

QTEST_GUILESS_MAIN(TestLiveSession)
#include "tst_live_session.moc"
