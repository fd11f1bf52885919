// The simulator's writer model, checked against hand-calculated timelines: even arrivals and
// constant times make every flush and every drop predictable to the nanosecond.

#include <QtTest>

#include <algorithm>
#include <cmath>

#include "goflow/sim/engine.hpp"

using namespace std::chrono_literals;
using goflow::Duration;
using goflow::sim::ArrivalProcess;
using goflow::sim::Distribution;
using goflow::sim::LoadPhase;
using goflow::sim::Scenario;
using goflow::sim::WriterConfig;

namespace {

Distribution constant(Duration d) {
    Distribution dist;
    dist.kind = Distribution::Kind::constant;
    dist.mean = d;
    return dist;
}

// Even arrivals at 100 per second, one every 10 ms from t = 0, into a pool of 1000 workers that
// serve in 1 ms, so record k reaches the writer at 1 ms + k * 10 ms.
Scenario writer_scenario(Duration length, WriterConfig writer) {
    Scenario s;
    s.name = "writer test";
    s.seed = 1;
    s.classes.resize(1);
    s.classes[0].name = "default";
    s.classes[0].load.arrivals = ArrivalProcess::even;
    LoadPhase phase;
    phase.rate = 100;
    phase.duration = length;
    s.classes[0].load.phases.push_back(phase);
    s.pool.name = "pool";
    s.pool.servers = 1000;
    s.pool.queue_capacity = 0;
    s.pool.service_time = constant(1ms);
    s.writer = writer;
    return s;
}

WriterConfig writer_config(std::int64_t buffer, std::int64_t record, Duration interval,
                           Duration write_time, WriterConfig::FullPolicy policy) {
    WriterConfig w;
    w.buffer_bytes = buffer;
    w.record_bytes_min = record;
    w.record_bytes_max = record;
    w.flush_interval = interval;
    w.write_time = constant(write_time);
    w.full_policy = policy;
    return w;
}

void verify_accounting(const goflow::sim::Summary& s) {
    QCOMPARE(s.offered, s.completed + s.failed + s.dropped);
    QCOMPARE(s.admitted, s.stations.back().served);
    // Every record the writer took was written or failed once the run has drained.
    QCOMPARE(s.writer_records_written + s.writer_records_failed + s.writer_records_dropped,
             s.stations.back().served);
}

}  // namespace

class TestWriter : public QObject {
    Q_OBJECT

  private slots:
    // 100-byte records into a 1000-byte buffer: every fifth record brings the buffer to half
    // full, and a 1 ms write ends long before the next record, so 100 records make 20 flushes.
    void halfFullBufferFlushes() {
        const auto w = writer_config(1000, 100, 1s, 1ms, WriterConfig::FullPolicy::block);
        const auto result = goflow::sim::simulate(writer_scenario(1s, w));
        const auto& s = result.summary;
        QVERIFY(s.has_writer);
        QCOMPARE(s.completed, std::uint64_t{100});
        QCOMPARE(s.writer_flushes, std::uint64_t{20});
        QCOMPARE(s.writer_records_written, std::uint64_t{100});
        QCOMPARE(s.writer_bytes_written, std::uint64_t{10000});
        QCOMPARE(s.writer_records_dropped, std::uint64_t{0});
        QCOMPARE(s.writer_max_buffered_bytes, std::int64_t{500});
        QCOMPARE(s.writer_mean_flush_ms, 1.0);
        // Acceptance is immediate, so latency is the pool's 1 ms.
        QCOMPARE(s.latency_max_ms, 1.0);
        verify_accounting(s);
    }

    // 10-byte records never reach half of 1000 bytes. The oldest record of each batch waits the
    // 35 ms interval, which covers the records at +0, +10, +20 and +30 ms: 25 flushes of 4.
    void flushIntervalFlushes() {
        const auto w = writer_config(1000, 10, 35ms, 1ms, WriterConfig::FullPolicy::block);
        const auto result = goflow::sim::simulate(writer_scenario(1s, w));
        const auto& s = result.summary;
        QCOMPARE(s.writer_flushes, std::uint64_t{25});
        QCOMPARE(s.writer_records_written, std::uint64_t{100});
        QCOMPARE(s.writer_max_buffered_bytes, std::int64_t{40});
        std::uint64_t sampled_flushes = 0;
        for (const auto& sample : result.samples) {
            sampled_flushes += sample.writer_flushes;
        }
        QCOMPARE(sampled_flushes, std::uint64_t{25});
        // The run ends only after the last batch (records at 961..991 ms, flushed at 996 ms).
        QVERIFY(s.simulated >= 997ms);
        verify_accounting(s);
    }

    // A 300-byte buffer, 100-byte records and a 37.3 ms write, times relative to the first
    // record: the first flush takes 2 records at 10 ms and ends at 47.3; the next flushes take 3
    // records each at 47.3, 84.6, 121.9, 159.2 and 196.5. The buffer is full when the records at
    // 80, 120 and 190 ms arrive, so the fail policy drops those 3 and 6 flushes write 17.
    void failPolicyDropsRecords() {
        const auto w =
            writer_config(300, 100, 1s, Duration(37'300'000), WriterConfig::FullPolicy::fail);
        const auto result = goflow::sim::simulate(writer_scenario(200ms, w));
        const auto& s = result.summary;
        QCOMPARE(s.offered, std::uint64_t{20});
        QCOMPARE(s.writer_records_dropped, std::uint64_t{3});
        QCOMPARE(s.writer_records_written, std::uint64_t{17});
        QCOMPARE(s.writer_flushes, std::uint64_t{6});
        QCOMPARE(s.completed, std::uint64_t{17});
        QCOMPARE(s.failed, std::uint64_t{3});
        QCOMPARE(s.writer_max_buffered_bytes, std::int64_t{600});
        std::uint64_t sampled_drops = 0;
        for (const auto& sample : result.samples) {
            sampled_drops += sample.writer_dropped;
        }
        QCOMPARE(sampled_drops, std::uint64_t{3});
        verify_accounting(s);
    }

    // The same timeline under the block policy. The record at 80 ms keeps its pool worker until
    // the flush at 84.6 empties the buffer. The records at 170, 180 and 190 ms wait for the flush
    // at 196.5, the longest wait (26.5 ms plus 1 ms of service). Nothing is dropped, and 7
    // flushes write all 20 records.
    void blockPolicyHoldsTheLastStation() {
        const auto w =
            writer_config(300, 100, 1s, Duration(37'300'000), WriterConfig::FullPolicy::block);
        Scenario scenario = writer_scenario(200ms, w);
        scenario.sample_interval = 5ms;
        const auto result = goflow::sim::simulate(scenario);
        const auto& s = result.summary;
        QCOMPARE(s.completed, std::uint64_t{20});
        QCOMPARE(s.writer_records_dropped, std::uint64_t{0});
        QCOMPARE(s.writer_records_written, std::uint64_t{20});
        QCOMPARE(s.writer_flushes, std::uint64_t{7});
        QCOMPARE(s.latency_max_ms, 27.5);
        int max_blocked = 0;
        for (const auto& sample : result.samples) {
            max_blocked = std::max(max_blocked, sample.stations[0].blocked);
        }
        QCOMPARE(max_blocked, 3);
        verify_accounting(s);
    }

    // Every sink call fails: each batch is tried once and retried once, 2 ms apart, and then
    // its records count as failed. The requests still completed when their records were
    // accepted.
    void sinkErrorsAreRetriedThenCounted() {
        auto w = writer_config(1000, 100, 1s, 1ms, WriterConfig::FullPolicy::block);
        w.error_rate = 1;
        w.max_retries = 1;
        w.retry_backoff = 2ms;
        const auto s = goflow::sim::simulate(writer_scenario(1s, w)).summary;
        QCOMPARE(s.completed, std::uint64_t{100});
        QCOMPARE(s.writer_flushes, std::uint64_t{40});
        QCOMPARE(s.writer_sink_errors, std::uint64_t{40});
        QCOMPARE(s.writer_records_written, std::uint64_t{0});
        QCOMPARE(s.writer_records_failed, std::uint64_t{100});
        QCOMPARE(s.writer_bytes_failed, std::uint64_t{10000});
        verify_accounting(s);
    }

    // Time per KiB adds to the write time: 5 records of 1024 bytes at 2 ms per KiB plus 1 ms.
    void writeTimeGrowsWithBatchSize() {
        auto w = writer_config(10240, 1024, 1s, 1ms, WriterConfig::FullPolicy::block);
        w.write_ms_per_kib = 2;
        const auto s = goflow::sim::simulate(writer_scenario(1s, w)).summary;
        QCOMPARE(s.writer_flushes, std::uint64_t{20});
        QCOMPARE(s.writer_mean_flush_ms, 11.0);
    }

    // A record larger than the buffer waits for an empty buffer and forms a batch alone.
    void oversizeRecordIsWrittenAlone() {
        const auto w = writer_config(50, 100, 1s, 1ms, WriterConfig::FullPolicy::block);
        const auto s = goflow::sim::simulate(writer_scenario(100ms, w)).summary;
        QCOMPARE(s.completed, std::uint64_t{10});
        QCOMPARE(s.writer_flushes, std::uint64_t{10});
        QCOMPARE(s.writer_max_buffered_bytes, std::int64_t{100});
    }

    // A scripted change to the write time takes effect at the next sink call.
    void writerChangeTakesEffect() {
        auto scenario =
            writer_scenario(1s, writer_config(1000, 100, 1s, 1ms, WriterConfig::FullPolicy::block));
        scenario.changes.push_back({500ms, "writer.write_time_ms", 3});
        const auto s = goflow::sim::simulate(scenario).summary;
        QCOMPARE(s.writer_flushes, std::uint64_t{20});
        QCOMPARE(s.writer_mean_flush_ms, 2.0);
    }

    // A longer flush interval set during the run still flushes the last records, so the run
    // ends with every record written, and a shorter one flushes smaller batches.
    void flushIntervalChangeStillDrains() {
        auto scenario = writer_scenario(
            1s, writer_config(1000, 10, 35ms, 1ms, WriterConfig::FullPolicy::block));
        scenario.changes.push_back({Duration(505'000'000), "writer.flush_interval_ms", 500});
        const auto longer = goflow::sim::simulate(scenario).summary;
        QCOMPARE(longer.writer_records_written, std::uint64_t{100});
        QVERIFY(longer.writer_flushes < 25);
        QVERIFY(longer.writer_max_buffered_bytes > 40);

        scenario.changes.back().value = 15;
        const auto shorter = goflow::sim::simulate(scenario).summary;
        QCOMPARE(shorter.writer_records_written, std::uint64_t{100});
        QVERIFY(shorter.writer_flushes > 25);
    }

    // Random record sizes and write times: the same seed gives the same numbers, the records
    // stay within their bounds, and Little's law still holds with blocked records in the system.
    void randomWriterIsDeterministic() {
        auto w = writer_config(4096, 0, 20ms, 0ms, WriterConfig::FullPolicy::block);
        w.record_bytes_min = 100;
        w.record_bytes_max = 300;
        w.write_time.kind = Distribution::Kind::exponential;
        w.write_time.mean = 15ms;
        w.write_ms_per_kib = 3;
        w.error_rate = 0.1;
        auto scenario = writer_scenario(5s, w);
        scenario.classes[0].load.arrivals = ArrivalProcess::poisson;
        scenario.classes[0].load.phases[0].rate = 300;
        scenario.pool.servers = 4;
        scenario.pool.queue_capacity = 20;
        const auto first = goflow::sim::simulate(scenario).summary;
        const auto second = goflow::sim::simulate(scenario).summary;
        QCOMPARE(first.writer_bytes_written, second.writer_bytes_written);
        QCOMPARE(first.writer_flushes, second.writer_flushes);
        QCOMPARE(first.completed, second.completed);
        QVERIFY(first.writer_records_written > 0);
        const double mean_record =
            static_cast<double>(first.writer_bytes_written + first.writer_bytes_failed) /
            static_cast<double>(first.writer_records_written + first.writer_records_failed);
        QVERIFY2(mean_record > 180 && mean_record < 220, qPrintable(QString::number(mean_record)));
        QVERIFY(first.writer_max_buffered_bytes <= 2 * 4096);
        verify_accounting(first);
        const double product = first.throughput_per_s * first.mean_time_in_system_ms / 1000;
        QVERIFY2(std::abs(first.mean_in_system - product) < first.mean_in_system * 0.01,
                 qPrintable(QString("L %1, X*W %2").arg(first.mean_in_system).arg(product)));
    }

    // The shipped slow-writer scenario: its backpressure reaches the pool's queue, and
    // L = X * W holds.
    void slowWriterScenarioBacksUpThePool() {
        auto scenario = goflow::sim::load_scenario_file(GOFLOW_SCENARIO_DIR "/slow-writer.json");
        QVERIFY(scenario.ok());
        const auto result = goflow::sim::simulate(*scenario);
        const auto& s = result.summary;
        QVERIFY(s.rejected_by_queue > 0);
        QCOMPARE(s.max_queue_depth, scenario->pool.queue_capacity);
        QCOMPARE(s.writer_records_dropped, std::uint64_t{0});
        QCOMPARE(s.writer_max_buffered_bytes, 2 * scenario->writer->buffer_bytes);
        int stage_blocked = 0;
        for (const auto& sample : result.samples) {
            stage_blocked = std::max(stage_blocked, sample.stations[1].blocked);
        }
        QCOMPARE(stage_blocked, scenario->stages[0].servers);
        verify_accounting(s);
        const double product = s.throughput_per_s * s.mean_time_in_system_ms / 1000;
        QVERIFY2(std::abs(s.mean_in_system - product) < s.mean_in_system * 0.01,
                 qPrintable(QString("L %1, X*W %2").arg(s.mean_in_system).arg(product)));
    }
};

QTEST_GUILESS_MAIN(TestWriter)
#include "tst_sim_writer.moc"
