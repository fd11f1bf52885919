#include <QtTest>

#include <cmath>

#include "goflow/sim/engine.hpp"

using namespace std::chrono_literals;
using goflow::Duration;
using goflow::sim::ArrivalProcess;
using goflow::sim::Engine;
using goflow::sim::Scenario;
using goflow::sim::ServiceDistribution;

namespace {

Scenario make_scenario(double arrival_rate, Duration length, ArrivalProcess arrivals) {
    Scenario s;
    s.name = "test";
    s.seed = 1;
    s.load.arrivals = arrivals;
    s.load.phases.push_back({"only", arrival_rate, length});
    s.pool.workers = 1000;
    s.pool.queue_capacity = 0;
    s.pool.service_time = {ServiceDistribution::constant, 1ms, {}, {}};
    return s;
}

Scenario burst_scenario(std::uint64_t seed) {
    Scenario s = make_scenario(60, 10s, ArrivalProcess::poisson);
    s.load.phases.push_back({"spike", 400, 5s});
    s.load.phases.push_back({"after", 60, 15s});
    s.token_bucket = goflow::sim::TokenBucketConfig{100, 200};
    s.pool.workers = 8;
    s.pool.queue_capacity = 64;
    s.pool.service_time = {ServiceDistribution::exponential, 50ms, {}, {}};
    s.seed = seed;
    return s;
}

bool same_samples(const std::vector<goflow::sim::Sample>& a,
                  const std::vector<goflow::sim::Sample>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto& x = a[i];
        const auto& y = b[i];
        if (x.time != y.time || x.tokens != y.tokens || x.queue_depth != y.queue_depth ||
            x.busy_workers != y.busy_workers || x.offered != y.offered ||
            x.admitted != y.admitted || x.rejected_by_limiter != y.rejected_by_limiter ||
            x.rejected_by_queue != y.rejected_by_queue || x.completed != y.completed ||
            x.latency_p99_ms != y.latency_p99_ms) {
            return false;
        }
    }
    return true;
}

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT

private slots:
    // Arrivals every 25 ms for 10 s (400 requests, the last at 9.975 s). A bucket that never
    // refills to its cap admits burst + rate * t_last tokens' worth, rounded down, unless the
    // arrivals run out first.
    void evenArrivalsMatchBucketArithmetic_data() {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("burst");
        QTest::newRow("rate 10 burst 10") << 10.0 << qint64(10);
        QTest::newRow("rate 20 burst 10") << 20.0 << qint64(10);
        QTest::newRow("rate 20 burst 1") << 20.0 << qint64(1);
        QTest::newRow("rate 10 burst 100") << 10.0 << qint64(100);
        QTest::newRow("rate above arrivals") << 100.0 << qint64(5);
    }

    void evenArrivalsMatchBucketArithmetic() {
        QFETCH(double, rate);
        QFETCH(qint64, burst);
        Scenario s = make_scenario(40, 10s, ArrivalProcess::even);
        s.token_bucket = goflow::sim::TokenBucketConfig{rate, burst};
        const auto result = goflow::sim::simulate(s);

        const double last_arrival_s = 9.975;
        const auto expected = static_cast<std::uint64_t>(
            std::min(400.0, std::floor(static_cast<double>(burst) + rate * last_arrival_s)));
        QCOMPARE(result.summary.offered, std::uint64_t{400});
        QCOMPARE(result.summary.admitted, expected);
        QCOMPARE(result.summary.rejected_by_limiter, 400 - expected);
        QCOMPARE(result.summary.rejected_by_queue, std::uint64_t{0});
    }

    void fullQueueRejects() {
        Scenario s = make_scenario(100, 100ms, ArrivalProcess::even);
        s.pool.workers = 1;
        s.pool.queue_capacity = 2;
        s.pool.service_time = {ServiceDistribution::constant, 1s, {}, {}};
        const auto result = goflow::sim::simulate(s);
        QCOMPARE(result.summary.offered, std::uint64_t{10});
        QCOMPARE(result.summary.admitted, std::uint64_t{3});
        QCOMPARE(result.summary.rejected_by_queue, std::uint64_t{7});
        QCOMPARE(result.summary.completed, std::uint64_t{3});
        QCOMPARE(result.summary.max_queue_depth, 2);
        // The third request waits for two full services before its own completes.
        QVERIFY(std::abs(result.summary.latency_max_ms - 2980.0) < 2980.0 * 0.01);
    }

    void constantServiceGivesConstantLatency() {
        Scenario s = make_scenario(10, 5s, ArrivalProcess::even);
        s.pool.service_time = {ServiceDistribution::constant, 50ms, {}, {}};
        const auto summary = goflow::sim::simulate(s).summary;
        // Tolerance: the histogram reports bucket midpoints, within 0.8 % of the value.
        QVERIFY2(std::abs(summary.latency_p50_ms - 50.0) < 0.4,
                 qPrintable(QString::number(summary.latency_p50_ms)));
        QVERIFY2(std::abs(summary.latency_p99_ms - 50.0) < 0.4,
                 qPrintable(QString::number(summary.latency_p99_ms)));
    }

    void sameSeedSameNumbers() {
        const auto a = goflow::sim::simulate(burst_scenario(42));
        const auto b = goflow::sim::simulate(burst_scenario(42));
        QVERIFY(same_samples(a.samples, b.samples));
        QCOMPARE(a.summary.admitted, b.summary.admitted);
        QCOMPARE(a.summary.latency_p99_ms, b.summary.latency_p99_ms);
    }

    void otherSeedOtherNumbers() {
        const auto a = goflow::sim::simulate(burst_scenario(42));
        const auto b = goflow::sim::simulate(burst_scenario(43));
        QVERIFY(!same_samples(a.samples, b.samples));
    }

    void steppedRunEqualsOneShot() {
        const auto one_shot = goflow::sim::simulate(burst_scenario(5));
        Engine engine(burst_scenario(5));
        for (Duration t = 0ms; !engine.finished(); t += 37ms) {
            engine.run_until(t);
        }
        QVERIFY(same_samples(engine.samples(), one_shot.samples));
        QCOMPARE(engine.summary().completed, one_shot.summary.completed);
    }

    void everyRequestIsAccountedFor() {
        const Scenario s = burst_scenario(9);
        const auto result = goflow::sim::simulate(s);
        const auto& total = result.summary;
        QCOMPARE(total.offered,
                 total.admitted + total.rejected_by_limiter + total.rejected_by_queue);
        QCOMPARE(total.completed, total.admitted);

        std::uint64_t offered = 0;
        std::uint64_t admitted = 0;
        std::uint64_t completed = 0;
        for (std::size_t i = 0; i < result.samples.size(); ++i) {
            const auto& sample = result.samples[i];
            QCOMPARE(sample.time, Duration(s.sample_interval * static_cast<int>(i + 1)));
            QVERIFY(sample.queue_depth <= s.pool.queue_capacity);
            QVERIFY(sample.busy_workers <= s.pool.workers);
            QVERIFY(sample.tokens <= 200.0);
            offered += sample.offered;
            admitted += sample.admitted;
            completed += sample.completed;
        }
        QCOMPARE(offered, total.offered);
        QCOMPARE(admitted, total.admitted);
        QCOMPARE(completed, total.completed);
        QVERIFY(result.samples.back().time >= s.load_duration());
    }

    void spikeDrainsTheBucket() {
        const auto result = goflow::sim::simulate(burst_scenario(42));
        double lowest_before_spike = 1e9;
        double lowest_in_spike = 1e9;
        std::uint64_t rejected_before_spike = 0;
        for (const auto& sample : result.samples) {
            if (sample.time <= 10s) {
                lowest_before_spike = std::min(lowest_before_spike, sample.tokens);
                rejected_before_spike += sample.rejected_by_limiter;
            } else if (sample.time <= 15s) {
                lowest_in_spike = std::min(lowest_in_spike, sample.tokens);
            }
        }
        QVERIFY2(lowest_before_spike > 150, qPrintable(QString::number(lowest_before_spike)));
        QVERIFY2(lowest_in_spike < 5, qPrintable(QString::number(lowest_in_spike)));
        QCOMPARE(rejected_before_spike, std::uint64_t{0});
        QVERIFY(result.summary.rejected_by_limiter > 1000);
    }

    void noLimiterReportsNanTokens() {
        const auto result = goflow::sim::simulate(make_scenario(10, 1s, ArrivalProcess::even));
        QVERIFY(std::isnan(result.samples.front().tokens));
        QCOMPARE(result.summary.admitted, std::uint64_t{10});
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
