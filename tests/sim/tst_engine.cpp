#include <QtTest>

#include <cmath>

#include "goflow/sim/engine.hpp"
#include "queueing_theory.h"

using namespace std::chrono_literals;
using goflow::Duration;
using goflow::sim::ArrivalProcess;
using goflow::sim::Distribution;
using goflow::sim::Engine;
using goflow::sim::LimiterConfig;
using goflow::sim::LoadPhase;
using goflow::sim::Scenario;
using goflow::sim::StationConfig;

namespace {

Distribution constant(Duration d) {
    Distribution dist;
    dist.kind = Distribution::Kind::constant;
    dist.mean = d;
    return dist;
}

Distribution exponential(Duration mean) {
    Distribution dist;
    dist.kind = Distribution::Kind::exponential;
    dist.mean = mean;
    return dist;
}

LoadPhase constant_phase(double rate, Duration length) {
    LoadPhase p;
    p.shape = LoadPhase::Shape::constant;
    p.rate = rate;
    p.duration = length;
    return p;
}

LimiterConfig token_bucket(double rate, std::int64_t burst) {
    LimiterConfig l;
    l.type = LimiterConfig::Type::token_bucket;
    l.rate = rate;
    l.burst = burst;
    return l;
}

// One class, open load, a pool of 1000 workers that never queues.
Scenario make_scenario(double arrival_rate, Duration length, ArrivalProcess arrivals) {
    Scenario s;
    s.name = "test";
    s.seed = 1;
    s.classes.resize(1);
    s.classes[0].name = "default";
    s.classes[0].load.arrivals = arrivals;
    s.classes[0].load.phases.push_back(constant_phase(arrival_rate, length));
    s.pool.name = "pool";
    s.pool.servers = 1000;
    s.pool.queue_capacity = 0;
    s.pool.service_time = constant(1ms);
    return s;
}

Scenario burst_scenario(std::uint64_t seed) {
    Scenario s = make_scenario(60, 10s, ArrivalProcess::poisson);
    s.classes[0].load.phases.push_back(constant_phase(400, 5s));
    s.classes[0].load.phases.push_back(constant_phase(60, 15s));
    s.classes[0].limiters.push_back(token_bucket(100, 200));
    s.pool.servers = 8;
    s.pool.queue_capacity = 64;
    s.pool.service_time = exponential(50ms);
    s.seed = seed;
    return s;
}

// An M/M/c/K queue: Poisson arrivals at `lambda`, exponential service at `mu` per server.
Scenario queueing_scenario(double lambda, double mu, int servers, int queue, double requests) {
    Scenario s =
        make_scenario(lambda, Duration(static_cast<Duration::rep>(requests / lambda * 1e9)),
                      ArrivalProcess::poisson);
    s.pool.servers = servers;
    s.pool.queue_capacity = queue;
    s.pool.service_time = exponential(Duration(static_cast<Duration::rep>(1e9 / mu)));
    s.sample_interval = 10s;
    s.seed = 2024;
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

void verify_accounting(const goflow::sim::Summary& s) {
    QCOMPARE(s.offered, s.completed + s.failed + s.dropped);
    QCOMPARE(s.attempts, s.offered + s.retried);
    QCOMPARE(s.attempts, s.admitted + s.rejected_by_limiter + s.rejected_by_queue);
    std::uint64_t errors = 0;
    for (const auto& station : s.stations) {
        errors += station.errors;
    }
    QCOMPARE(s.admitted, s.stations.back().served + errors);
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
        s.classes[0].limiters.push_back(token_bucket(rate, burst));
        const auto result = goflow::sim::simulate(s);

        const double last_arrival_s = 9.975;
        const auto expected = static_cast<std::uint64_t>(
            std::min(400.0, std::floor(static_cast<double>(burst) + rate * last_arrival_s)));
        QCOMPARE(result.summary.offered, std::uint64_t{400});
        QCOMPARE(result.summary.admitted, expected);
        QCOMPARE(result.summary.rejected_by_limiter, 400 - expected);
        QCOMPARE(result.summary.rejected_by_queue, std::uint64_t{0});
    }

    void rampAndSineOfferTheirIntegral() {
        Scenario s = make_scenario(1, 1s, ArrivalProcess::even);
        LoadPhase ramp;
        ramp.shape = LoadPhase::Shape::ramp;
        ramp.from = 0;
        ramp.to = 100;
        ramp.duration = 10s;  // integral 500
        LoadPhase sine;
        sine.shape = LoadPhase::Shape::sine;
        sine.mean = 50;
        sine.amplitude = 50;
        sine.period = 4s;
        sine.duration = 8s;  // two whole cycles: integral 400
        s.classes[0].load.phases = {ramp, sine};
        const auto summary = goflow::sim::simulate(s).summary;
        // Even spacing puts one arrival at each whole unit of the integral, from 0.
        QVERIFY2(summary.offered >= 899 && summary.offered <= 901,
                 qPrintable(QString::number(summary.offered)));
    }

    void fullQueueRejects() {
        Scenario s = make_scenario(100, 100ms, ArrivalProcess::even);
        s.pool.servers = 1;
        s.pool.queue_capacity = 2;
        s.pool.service_time = constant(1s);
        const auto result = goflow::sim::simulate(s);
        QCOMPARE(result.summary.offered, std::uint64_t{10});
        QCOMPARE(result.summary.admitted, std::uint64_t{3});
        QCOMPARE(result.summary.rejected_by_queue, std::uint64_t{7});
        QCOMPARE(result.summary.completed, std::uint64_t{3});
        QCOMPARE(result.summary.max_queue_depth, 2);
        // The third request waits for two full services before its own completes.
        QVERIFY(std::abs(result.summary.latency_max_ms - 2980.0) < 2980.0 * 0.01);
        verify_accounting(result.summary);
    }

    void blockPolicyWaitsInsteadOfRejecting() {
        Scenario s = make_scenario(100, 100ms, ArrivalProcess::even);
        s.pool.servers = 1;
        s.pool.queue_capacity = 2;
        s.pool.service_time = constant(100ms);
        s.pool.full_policy = goflow::sim::PoolConfig::FullPolicy::block;
        auto blocking = goflow::sim::simulate(s).summary;
        QCOMPARE(blocking.rejected_by_queue, std::uint64_t{0});
        QCOMPARE(blocking.completed, std::uint64_t{10});

        s.pool.block_timeout = 150ms;
        auto bounded = goflow::sim::simulate(s).summary;
        QVERIFY(bounded.rejected_by_queue > 0);
        QVERIFY(bounded.completed < 10);
        verify_accounting(bounded);
    }

    void constantServiceGivesConstantLatency() {
        Scenario s = make_scenario(10, 5s, ArrivalProcess::even);
        s.pool.service_time = constant(50ms);
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

    void takenSamplesAddUpToOneShot() {
        const auto one_shot = goflow::sim::simulate(burst_scenario(5));
        Engine engine(burst_scenario(5));
        std::vector<goflow::sim::Sample> takenSamples;
        for (Duration t = 0ms; !engine.finished(); t += 370ms) {
            engine.run_until(t);
            auto piece = engine.take_samples();
            QVERIFY(engine.samples().empty());
            takenSamples.insert(takenSamples.end(), piece.begin(), piece.end());
            QCOMPARE(engine.sample_count(), takenSamples.size());
        }
        QVERIFY(engine.take_samples().empty());
        QVERIFY(same_samples(takenSamples, one_shot.samples));
        QCOMPARE(engine.sample_count(), one_shot.samples.size());
        // Taking samples changes no total.
        QCOMPARE(engine.summary().completed, one_shot.summary.completed);
        QCOMPARE(engine.summary().latency_p99_ms, one_shot.summary.latency_p99_ms);
    }

    void intervalWaitFollowsHandCalculation() {
        // One worker, 150 ms of service, 30 requests 100 ms apart from t = 0: the worker never
        // idles, so request k starts at 150k ms after waiting 50k ms. A sample's mean wait is
        // the mean of 50k over the starts in its interval; the first interval includes t = 0.
        auto scenario = goflow::sim::load_scenario(R"({"version": 1, "name": "wait",
            "sample_interval_ms": 300,
            "load": {"arrivals": "even", "phases": [{"rate": 10, "duration_s": 3}]},
            "pool": {"workers": 1, "queue_capacity": 100,
                     "service_time": {"distribution": "constant", "mean_ms": 150}}})");
        QVERIFY(scenario.ok());
        const auto result = goflow::sim::simulate(*scenario);
        QCOMPARE(result.summary.offered, std::uint64_t{30});
        QCOMPARE(result.samples.size(), std::size_t{15});  // the last start is at 4,350 ms
        for (const auto& sample : result.samples) {
            const auto end = sample.time.count() / 1'000'000;
            double sum = 0;
            int starts = 0;
            for (int k = 0; k < 30; ++k) {
                const int start = 150 * k;
                if (start <= end && (start > end - 300 || end == 300)) {
                    sum += 50.0 * k;
                    ++starts;
                }
            }
            QVERIFY(starts > 0);
            QCOMPARE(sample.stations[0].wait_mean_ms, sum / starts);
        }
        // Over the whole run the mean wait is 50 * 29 / 2 ms.
        QCOMPARE(result.summary.stations[0].mean_wait_ms, 725.0);
    }

    void everyRequestIsAccountedFor() {
        const Scenario s = burst_scenario(9);
        const auto result = goflow::sim::simulate(s);
        verify_accounting(result.summary);

        std::uint64_t offered = 0;
        std::uint64_t admitted = 0;
        std::uint64_t completed = 0;
        for (std::size_t i = 0; i < result.samples.size(); ++i) {
            const auto& sample = result.samples[i];
            QCOMPARE(sample.time, Duration(s.sample_interval * static_cast<int>(i + 1)));
            QVERIFY(sample.queue_depth <= s.pool.queue_capacity);
            QVERIFY(sample.busy_workers <= s.pool.servers);
            QVERIFY(sample.tokens <= 200.0);
            offered += sample.offered;
            admitted += sample.admitted;
            completed += sample.completed;
        }
        QCOMPARE(offered, result.summary.offered);
        QCOMPARE(admitted, result.summary.admitted);
        QCOMPARE(completed, result.summary.completed);
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

    void leakyBucketSpacesAdmissions() {
        Scenario s = make_scenario(100, 10s, ArrivalProcess::even);
        LimiterConfig leaky;
        leaky.type = LimiterConfig::Type::leaky_bucket;
        leaky.rate = 10;
        leaky.slack = 0;
        s.classes[0].limiters.push_back(leaky);
        s.sample_interval = 50ms;
        const auto result = goflow::sim::simulate(s);
        // One admission per 100 ms slot over 10 s: the slot at 0 and every 100 ms after it.
        QCOMPARE(result.summary.admitted, std::uint64_t{100});
        for (const auto& sample : result.samples) {
            QVERIFY(sample.admitted <= 1);
        }
    }

    void concurrencyLimiterCapsRequestsInFlight() {
        Scenario s = make_scenario(100, 5s, ArrivalProcess::even);
        LimiterConfig limit;
        limit.type = LimiterConfig::Type::concurrency;
        limit.limit = 3;
        s.classes[0].limiters.push_back(limit);
        s.pool.service_time = constant(100ms);
        const auto result = goflow::sim::simulate(s);
        for (const auto& sample : result.samples) {
            QVERIFY(sample.busy_workers <= 3);
            QVERIFY(sample.limiter_levels.at(0) <= 3);
        }
        // 3 permits held 100 ms each admit 30 requests a second.
        QVERIFY2(result.summary.admitted >= 148 && result.summary.admitted <= 152,
                 qPrintable(QString::number(result.summary.admitted)));
        verify_accounting(result.summary);
    }

    void slowStageAppliesBackpressure() {
        Scenario s = make_scenario(50, 10s, ArrivalProcess::even);
        s.pool.servers = 4;
        s.pool.queue_capacity = 10;
        s.pool.service_time = constant(1ms);
        StationConfig parse{"parse", 2, 5, constant(1ms), {}, 0};
        StationConfig slow{"enrich", 1, 5, constant(50ms), {}, 0};  // serves 20/s
        StationConfig store{"store", 2, 5, constant(1ms), {}, 0};
        s.stages = {parse, slow, store};
        const auto result = goflow::sim::simulate(s);
        int most_blocked_before_slow = 0;
        int deepest_pool_queue = 0;
        for (const auto& sample : result.samples) {
            QCOMPARE(sample.stations.size(), std::size_t{4});
            most_blocked_before_slow =
                std::max(most_blocked_before_slow, sample.stations[1].blocked);
            deepest_pool_queue = std::max(deepest_pool_queue, sample.stations[0].queue_depth);
            QVERIFY(sample.stations[2].queue_depth <= 5);
        }
        QVERIFY(most_blocked_before_slow > 0);
        QCOMPARE(deepest_pool_queue, 10);
        QVERIFY(result.summary.rejected_by_queue > 0);
        // The slow stage sets the pace: about 20 items a second for the whole run and drain.
        const auto& enrich = result.summary.stations[2];
        QCOMPARE(enrich.served, result.summary.completed);
        verify_accounting(result.summary);
    }

    void timeoutsAndRetriesAreCounted() {
        Scenario s = make_scenario(40, 10s, ArrivalProcess::poisson);
        s.pool.servers = 2;
        s.pool.queue_capacity = 100;
        s.pool.service_time = exponential(60ms);  // capacity 33/s: overloaded
        s.classes[0].client.timeout = 500ms;
        s.classes[0].client.max_retries = 3;
        s.classes[0].client.backoff = 100ms;
        s.classes[0].client.jitter = 0.5;
        const auto summary = goflow::sim::simulate(s).summary;
        QVERIFY(summary.timed_out > 0);
        QVERIFY(summary.retried > 0);
        QVERIFY(summary.wasted > 0);
        QVERIFY(summary.dropped > 0);
        verify_accounting(summary);
    }

    void closedModelFollowsResponseTimeLaw() {
        Scenario s = make_scenario(1, 1s, ArrivalProcess::even);
        auto& load = s.classes[0].load;
        load.model = goflow::sim::LoadConfig::Model::closed;
        load.phases.clear();
        load.clients = 20;
        load.think_time = exponential(900ms);
        load.closed_duration = 600s;
        s.pool.servers = 1000;
        s.pool.service_time = constant(100ms);
        const auto summary = goflow::sim::simulate(s).summary;
        // N clients cycling through think time Z and response time R complete N / (Z + R)
        // requests per second: 20 / (0.9 + 0.1) = 20/s, so about 12000 in 600 s.
        QVERIFY2(std::abs(static_cast<double>(summary.completed) - 12000.0) < 12000 * 0.03,
                 qPrintable(QString::number(summary.completed)));
        verify_accounting(summary);
    }

    void classesShareThePool() {
        Scenario s = make_scenario(50, 10s, ArrivalProcess::even);
        s.classes.push_back(s.classes[0]);
        s.classes[1].name = "second";
        s.classes[1].limiters.push_back(token_bucket(10, 1));
        const auto summary = goflow::sim::simulate(s).summary;
        QCOMPARE(summary.classes.size(), std::size_t{2});
        QCOMPARE(summary.classes[0].offered + summary.classes[1].offered, summary.offered);
        QCOMPARE(summary.classes[0].completed, std::uint64_t{500});
        QVERIFY(summary.classes[1].completed < 110);
        verify_accounting(summary);
    }

    void scheduledChangeTakesEffect() {
        Scenario s = make_scenario(40, 20s, ArrivalProcess::even);
        s.classes[0].limiters.push_back(token_bucket(10, 1));
        s.changes.push_back({10s, "limiters[0].rate", 50});
        const auto result = goflow::sim::simulate(s);
        std::uint64_t before = 0;
        std::uint64_t after = 0;
        for (const auto& sample : result.samples) {
            (sample.time <= 10s ? before : after) += sample.admitted;
        }
        // 1 + 10/s up to 10 s, then every one of the 40 arrivals a second.
        QVERIFY2(before >= 100 && before <= 101, qPrintable(QString::number(before)));
        QVERIFY2(after >= 398 && after <= 401, qPrintable(QString::number(after)));
    }

    void workerChangeTakesEffect() {
        Scenario s = make_scenario(20, 20s, ArrivalProcess::even);
        s.pool.servers = 1;
        s.pool.queue_capacity = 1000;
        s.pool.service_time = constant(100ms);  // 10/s: the queue grows
        s.changes.push_back({10s, "pool.workers", 4});
        const auto result = goflow::sim::simulate(s);
        int peak = 0;
        Duration drained_at = Duration::max();
        for (const auto& sample : result.samples) {
            peak = std::max(peak, sample.queue_depth);
            if (sample.time > 10s && sample.queue_depth == 0 && drained_at == Duration::max()) {
                drained_at = sample.time;
            }
        }
        QVERIFY(peak >= 95);
        // From 10 s four workers serve 40/s against 20/s arriving: about 100 queued requests
        // drain in about 5 s.
        QVERIFY2(drained_at > 14s && drained_at < 16s,
                 qPrintable(QString::number(drained_at.count() / 1e9)));
    }

    // Queueing theory at one million requests. Tolerance 2 %, as the closed forms are exact in
    // the limit and a million requests keep the sampling error well under that.
    void mm1MatchesTheory() {
        const double lambda = 80;
        const double mu = 100;
        const auto summary =
            goflow::sim::simulate(queueing_scenario(lambda, mu, 1, 10'000'000, 1e6)).summary;
        const double wait_ms = goflow::app::queueing::mm1(lambda, mu).mean_wait * 1000;
        const double measured = summary.stations[0].mean_wait_ms;
        QVERIFY2(std::abs(measured - wait_ms) < wait_ms * 0.02,
                 qPrintable(QString("mean wait %1 ms, theory %2 ms").arg(measured).arg(wait_ms)));
    }

    void mmcMatchesErlangC() {
        const int c = 8;
        const double lambda = 140;
        const double mu = 20;
        const auto scenario = queueing_scenario(lambda, mu, c, 10'000'000, 1e6);
        const auto summary = goflow::sim::simulate(scenario).summary;
        const double wait_ms = goflow::app::queueing::mmc(lambda, mu, c).mean_wait * 1000;
        const double measured = summary.stations[0].mean_wait_ms;
        QVERIFY2(std::abs(measured - wait_ms) < wait_ms * 0.02,
                 qPrintable(QString("mean wait %1 ms, theory %2 ms").arg(measured).arg(wait_ms)));
    }

    void mmckMatchesBlockingProbability() {
        const int c = 4;
        const int queue = 6;  // K = c + queue = 10
        const double lambda = 90;
        const double mu = 25;
        const auto summary =
            goflow::sim::simulate(queueing_scenario(lambda, mu, c, queue, 1e6)).summary;
        const double blocking =
            goflow::app::queueing::mmck(lambda, mu, c, queue).blocking_probability;
        const double measured =
            static_cast<double>(summary.rejected_by_queue) / static_cast<double>(summary.offered);
        QVERIFY2(std::abs(measured - blocking) < blocking * 0.02,
                 qPrintable(QString("blocking %1, theory %2").arg(measured).arg(blocking)));
    }

    void littlesLawHoldsOnEveryRun() {
        for (std::uint64_t seed : {1, 2, 3}) {
            const auto summary = goflow::sim::simulate(burst_scenario(seed)).summary;
            const double product = summary.throughput_per_s * summary.mean_time_in_system_ms / 1000;
            QVERIFY2(std::abs(summary.mean_in_system - product) < summary.mean_in_system * 0.01,
                     qPrintable(QString("L %1, X*W %2").arg(summary.mean_in_system).arg(product)));
        }
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
