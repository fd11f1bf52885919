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

    void changeParameterReportsOldValue() {
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "change report",
            "load": {"phases": [{"rate": 50, "duration_s": 3600}]},
            "limiters": [{"type": "token_bucket", "rate": 20, "burst": 4}],
            "pool": {"workers": 2, "queue_capacity": 10,
                     "service_time": {"distribution": "constant", "mean_ms": 1}},
            "stages": [{"name": "write", "concurrency": 3, "queue_capacity": 5,
                        "service_time": {"distribution": "constant", "mean_ms": 1}}]})");
        QVERIFY(scenario.ok());
        LiveRunner runner(*scenario, {.speed = 1});
        QVERIFY(!runner.change_parameter("pool.workers", 3).ok());  // not started
        runner.start();

        QCOMPARE(runner.parameter("pool.workers").value(), 2.0);
        QCOMPARE(runner.parameter("stages[0].concurrency").value(), 3.0);
        QCOMPARE(runner.parameter("limiters[0].rate").value(), 20.0);
        QCOMPARE(runner.parameter("classes[0].limiters[0].burst").value(), 4.0);
        QVERIFY(!runner.parameter("limiters[0].slack").ok());
        QVERIFY(!runner.parameter("stages[1].concurrency").ok());
        QVERIFY(!runner.parameter("pool.nonsense").ok());

        const auto before = runner.clock().now().time_since_epoch();
        auto workers = runner.change_parameter("pool.workers", 5);
        QVERIFY(workers.ok());
        QCOMPARE(workers.value().old_value, 2.0);
        QCOMPARE(workers.value().new_value, 5.0);
        QVERIFY(workers.value().at >= before);
        QCOMPARE(runner.parameter("pool.workers").value(), 5.0);

        auto stage = runner.change_parameter("stages[0].concurrency", 1);
        QVERIFY(stage.ok());
        QCOMPARE(stage.value().old_value, 3.0);
        QCOMPARE(runner.parameter("stages[0].concurrency").value(), 1.0);

        auto burst = runner.change_parameter("limiters[0].burst", 9);
        QVERIFY(burst.ok());
        QCOMPARE(burst.value().old_value, 4.0);

        auto rejected = runner.change_parameter("pool.workers", 0);
        QVERIFY(!rejected.ok());
        QCOMPARE(runner.parameter("pool.workers").value(), 5.0);

        // The totals report the latency of completed requests before the run finishes.
        QTRY_VERIFY(runner.summary().completed > 0);
        QVERIFY(!runner.finished());
        QVERIFY(runner.summary().latency_p50_ms >= 1.0);  // service alone takes 1 ms
        runner.stop();
    }

    void samplesCarryQueueWait() {
        // One worker of 50 ms and a request every 25 ms: request k waits about 25k ms, so the
        // last of the 40 waits close to a second.
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "wait", "sample_interval_ms": 100,
            "load": {"arrivals": "even", "phases": [{"rate": 40, "duration_s": 1}]},
            "pool": {"workers": 1, "queue_capacity": 100,
                     "service_time": {"distribution": "constant", "mean_ms": 50}}})");
        QVERIFY(scenario.ok());
        LiveRunner runner(*scenario, {.speed = 10});
        runner.start();
        QVERIFY(runner.wait(60s));
        double longest = 0;
        for (const auto& sample : runner.samples()) {
            QVERIFY(sample.stations[0].wait_mean_ms >= 0);
            longest = std::max(longest, sample.stations[0].wait_mean_ms);
        }
        QVERIFY2(longest > 300 && longest < 1500, qPrintable(QString::number(longest)));
    }

    void samplesFromReturnsTheTail() {
        auto scenario = goflow::sim::load_scenario(R"({
            "version": 1, "name": "tail", "sample_interval_ms": 100,
            "load": {"arrivals": "even", "phases": [{"rate": 20, "duration_s": 1}]},
            "pool": {"workers": 2, "queue_capacity": 10,
                     "service_time": {"distribution": "constant", "mean_ms": 1}}})");
        QVERIFY(scenario.ok());
        LiveRunner runner(*scenario, {.speed = 10});
        runner.start();
        QVERIFY(runner.wait(30s));
        const auto all = runner.samples();
        QVERIFY(all.size() >= 3);
        const auto tail = runner.samples_from(2);
        QCOMPARE(tail.size(), all.size() - 2);
        QCOMPARE(tail.front().time, all[2].time);
        QVERIFY(runner.samples_from(all.size()).empty());
        QVERIFY(runner.samples_from(all.size() + 7).empty());

        // Taking the samples hands over the same ones and leaves none behind.
        const auto takenSamples = runner.take_samples();
        QCOMPARE(takenSamples.size(), all.size());
        QCOMPARE(takenSamples.back().time, all.back().time);
        QVERIFY(runner.samples().empty());
        QVERIFY(runner.take_samples().empty());
        QVERIFY(runner.samples_from(0).empty());
    }

    // The real AsyncWriter under the fail policy. A 120 ms sink behind a 1000-byte buffer
    // writes at most 10 records of 100 bytes per flush, about 83 records/s, while 100 records/s
    // arrive, so some records are dropped. Every record is written or dropped by the end.
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
