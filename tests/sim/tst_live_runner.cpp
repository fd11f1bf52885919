#include <QtTest>

#include <thread>

#include "goflow/sim/live_runner.hpp"

using namespace std::chrono_literals;
using goflow::sim::LiveRunner;

class TestLiveRunner : public QObject {
    Q_OBJECT

  private slots:
    void scaledClockRunsFaster() {
        const goflow::sim::ScaledClock clock(50);
        const auto before = clock.now();
        std::this_thread::sleep_for(20ms);
        const auto elapsed = clock.now() - before;
        // 20 ms of wall time at speed 50 is one second; a loaded machine may oversleep.
        QVERIFY2(elapsed >= 1s && elapsed < 5s, qPrintable(QString::number(elapsed.count() / 1e9)));
        QCOMPARE(clock.to_real(1s), goflow::Duration(20ms));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, goflow::sim::ScaledClock(0));
    }

    void scaledClockWaitEndsAtDeadline() {
        const goflow::sim::ScaledClock clock(100);
        const auto deadline = clock.now() + 2s;  // 20 ms of wall time
        QVERIFY(clock.sleep_until(deadline));
        QVERIFY(clock.now() >= deadline);
    }

    void parameterChangeTakesEffectLive() {
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "live change",
            "load": {"arrivals": "even", "phases": [{"rate": 100, "duration_s": 4}]},
            "limiters": [{"type": "token_bucket", "rate": 10, "burst": 1}],
            "pool": {"workers": 2, "queue_capacity": 10,
                     "service_time": {"distribution": "constant", "mean_ms": 1}}})");
        QVERIFY(scenario.ok());
        LiveRunner runner(*scenario, {.speed = 4});
        runner.start();
        std::this_thread::sleep_for(500ms);  // 2 s of scenario time at 10/s
        QVERIFY(runner.set_parameter("limiters[0].rate", 100).ok());
        QVERIFY(runner.set_parameter("pool.workers", 3).ok());
        auto rejected = runner.set_parameter("pool.queue_capacity", 5);
        QVERIFY(!rejected.ok());
        QVERIFY2(
            rejected.error().message.find("cannot change during a live run") != std::string::npos,
            rejected.error().message.c_str());
        QVERIFY(!runner.set_parameter("pool.workers", 0).ok());
        QVERIFY(runner.wait(30s));
        const auto summary = runner.summary();
        // About 20 admitted in the first 2 s, then nearly all 200 of the last 2 s. Generous
        // bounds: the change lands when the wall-clock sleep ends.
        QVERIFY2(summary.admitted > 120 && summary.admitted < 260,
                 qPrintable(QString::number(summary.admitted)));
    }

    void stopEndsARunEarly() {
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "long",
            "load": {"phases": [{"rate": 50, "duration_s": 3600}]},
            "pool": {"workers": 2, "queue_capacity": 10,
                     "service_time": {"distribution": "exponential", "mean_ms": 10}}})");
        QVERIFY(scenario.ok());
        LiveRunner runner(*scenario, {.speed = 1});
        runner.start();
        std::this_thread::sleep_for(100ms);
        runner.stop();
        runner.stop();
        QVERIFY(!runner.finished());
        QVERIFY(runner.summary().offered > 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveRunner)
#include "tst_live_runner.moc"
