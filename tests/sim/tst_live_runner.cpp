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

    // The real AsyncWriter under the fail policy. A 120 ms sink behind a 1000-byte buffer writes
    // at most 10 records of 100 bytes per flush, about 83 records/s, while 100 records/s arrive,
    // so some records are dropped. Every record is written or dropped by the end.
    void liveWriterDropsAndWrites() {
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "live writer",
            "load": {"arrivals": "even", "phases": [{"rate": 100, "duration_s": 1}]},
            "pool": {"workers": 4, "service_time": {"distribution": "constant", "mean_ms": 1}},
            "writer": {"buffer_bytes": 1000, "record_bytes": 100, "flush_interval_ms": 1000,
                       "full_policy": "fail",
                       "write_time": {"distribution": "constant", "mean_ms": 120}}})");
        QVERIFY(scenario.ok());
        const auto result = goflow::sim::run_live(*scenario, 2);
        const auto& s = result.summary;
        QVERIFY(s.has_writer);
        QCOMPARE(s.offered, std::uint64_t{100});
        QCOMPARE(s.writer_records_written + s.writer_records_dropped, std::uint64_t{100});
        QCOMPARE(s.writer_bytes_written, s.writer_records_written * 100);
        QCOMPARE(s.completed, s.writer_records_written);
        QCOMPARE(s.failed, s.writer_records_dropped);
        QVERIFY2(s.writer_records_dropped > 0,
                 qPrintable(QString::number(s.writer_records_dropped)));
        QVERIFY(s.writer_flushes > 0);
        QVERIFY(s.writer_mean_flush_ms >= 119);
        QVERIFY(s.writer_max_buffered_bytes <= 2000);
        std::uint64_t dropped = 0;
        std::uint64_t flushes = 0;
        for (const auto& sample : result.samples) {
            dropped += sample.writer_dropped;
            flushes += sample.writer_flushes;
        }
        QCOMPARE(dropped, s.writer_records_dropped);
        QCOMPARE(flushes, s.writer_flushes);
    }

    // Every sink call fails: AsyncWriter retries each batch once, then counts its records as
    // failed, while the requests themselves completed when their records were accepted.
    void liveWriterCountsSinkErrors() {
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "failing sink",
            "load": {"arrivals": "even", "phases": [{"rate": 100, "duration_s": 0.5}]},
            "pool": {"workers": 4, "service_time": {"distribution": "constant", "mean_ms": 1}},
            "writer": {"buffer_bytes": 1000, "record_bytes": 100, "error_rate": 1,
                       "max_retries": 1, "retry_backoff_ms": 2,
                       "write_time": {"distribution": "constant", "mean_ms": 1}}})");
        QVERIFY(scenario.ok());
        const auto s = goflow::sim::run_live(*scenario, 2).summary;
        QCOMPARE(s.completed, std::uint64_t{50});
        QCOMPARE(s.writer_records_written, std::uint64_t{0});
        QCOMPARE(s.writer_records_failed, std::uint64_t{50});
        QCOMPARE(s.writer_bytes_failed, std::uint64_t{5000});
        QCOMPARE(s.writer_sink_errors, s.writer_flushes);
        QVERIFY(s.writer_flushes >= 2);
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
