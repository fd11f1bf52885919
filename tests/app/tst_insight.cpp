// Tests of the Studio's insight column: the event log, the queueing theory overlay and the
// formulas behind it, and the column inside the main window.

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtCharts/QLineSeries>
#include <QtCharts/QXYSeries>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "event_log_model.h"
#include "goflow/sim/engine.hpp"
#include "queueing_theory.h"
#include "studio_controller.h"
#include "studio_window.h"
#include "theory_model.h"

using namespace std::chrono_literals;
using Kind = EventLogModel::Kind;
using goflow::test::StudioWindow;
namespace queueing = goflow::app::queueing;

namespace {

// The samples as the controller keeps them: a window of the newest, indexed from the first.
goflow::app::SampleWindow windowOf(const std::vector<goflow::sim::Sample>& samples) {
    goflow::app::SampleWindow window;
    for (const auto& sample : samples) {
        window.append(sample);
    }
    return window;
}

// Appends `samples` to `window` as the runner does, calling `scan` after each piece.
template <typename Scan>
void deliver(goflow::app::SampleWindow& window, std::vector<goflow::sim::Sample> samples,
             Scan&& scan) {
    window.appendAll(std::move(samples), [&](std::size_t, std::size_t) {
        scan(window);
        return true;
    });
}

goflow::sim::Scenario parse(const QByteArray& json) {
    auto scenario = goflow::sim::load_scenario(json.toStdString());
    if (!scenario) {
        qFatal("test scenario does not load: %s", scenario.error().describe().c_str());
    }
    return std::move(*scenario);
}

// One class behind a token bucket of burst 10, a pool of 2 workers with a queue of 4, and
// clients that time out after 300 ms and retry twice.
goflow::sim::Scenario eventScenario() {
    return parse(R"({"version": 1, "name": "events",
        "load": {"phases": [{"rate": 50, "duration_s": 10}]},
        "limiters": [{"type": "token_bucket", "rate": 5, "burst": 10}],
        "client": {"timeout_ms": 300, "retries": 2},
        "pool": {"workers": 2, "queue_capacity": 4,
                 "service_time": {"distribution": "exponential", "mean_ms": 40}},
        "changes": [{"at_s": 3, "set": "pool.queue_capacity", "value": 2}]})");
}

// A sample at `ms` with the given token level and pool queue depth; counts are zero.
goflow::sim::Sample sample(int ms, double tokens, int depth) {
    goflow::sim::Sample s;
    s.time = std::chrono::milliseconds(ms);
    s.tokens = tokens;
    s.queue_depth = depth;
    s.limiter_levels = {tokens};
    goflow::sim::StationSample pool;
    pool.queue_depth = depth;
    s.stations = {pool};
    s.offered = 10;
    return s;
}

// A run of 100 ms samples with every kind of event, some of them twice, and single noisy
// intervals that must not open an episode.
std::vector<goflow::sim::Sample> eventSamples() {
    std::vector<goflow::sim::Sample> v;
    v.push_back(sample(100, 10, 0));
    v.push_back(sample(200, 0.5, 1));  // burst exhausted
    v.back().rejected_by_limiter = 2;  // first limiter rejection
    v.push_back(sample(300, 0.2, 4));  // queue full
    v.push_back(sample(400, 3, 4));    // still full, bucket not yet at half its burst
    v.back().rejected_by_queue = 1;    // first queue rejection
    v.back().rejected_by_limiter = 1;
    v.back().retried = 5;              // one stormy interval alone is no storm
    v.push_back(sample(500, 5, 2));    // tokens recovered
    v.back().timed_out = 1;            // first timeout
    v.push_back(sample(600, 0.9, 1));  // burst exhausted again
    v.back().timed_out = 3;
    v.back().completed = 3;  // one slow interval alone does not count
    v.back().latency_p99_ms = 500;
    v.push_back(sample(700, 0.9, 0));  // queue drained
    v.back().completed = 4;
    v.back().latency_p99_ms = 100;
    // Retries at 60 % of new requests from 0.7 s to 1.2 s: a storm from the 0.8 s sample.
    // p99 above the 300 ms timeout from 0.8 s to 1.3 s: an episode from the 0.9 s sample.
    for (int ms = 800; ms <= 1300; ms += 100) {
        v.push_back(sample(ms, 0.9, 0));
        v.back().retried = ms <= 1200 ? 6 : 0;
        v.back().completed = ms == 800 ? 0 : 5;
        v.back().latency_p99_ms = ms == 800 ? 0 : 350;
    }
    // Calm from 1.2 s (storm) and 1.3 s (latency): both episodes end there a second later.
    for (int ms = 1400; ms <= 2500; ms += 100) {
        v.push_back(sample(ms, 0.9, 0));
        v.back().completed = ms == 1800 ? 0 : 4;  // 1.8 s has no completions: no latency
        v.back().latency_p99_ms = ms == 1800 ? 0 : 120;
    }
    // From 3 s the queue capacity is 2, so a depth of 2 fills it.
    v.push_back(sample(3100, 0.9, 2));
    return v;
}

struct Expected {
    double seconds;
    Kind kind;
};

const std::vector<Expected> kExpectedEvents = {
    {0.2, Kind::BurstExhausted},    {0.2, Kind::FirstLimiterRejection},
    {0.3, Kind::QueueFull},         {0.4, Kind::FirstQueueRejection},
    {0.5, Kind::TokensRecovered},   {0.5, Kind::FirstTimeout},
    {0.6, Kind::BurstExhausted},    {0.7, Kind::QueueDrained},
    {0.8, Kind::RetryStormStarted}, {0.9, Kind::LatencyAboveTimeout},
    {1.2, Kind::RetryStormEnded},   {1.3, Kind::LatencyBelowTimeout},
    {3.1, Kind::QueueFull},
};

QString describe(const EventLogModel& model) {
    QStringList lines;
    for (const auto& e : model.events()) {
        lines.append(QStringLiteral("%1 s kind %2: %3")
                         .arg(e.seconds)
                         .arg(static_cast<int>(e.kind))
                         .arg(e.message));
    }
    return lines.join(QLatin1Char('\n'));
}

// Poisson arrivals at `rate` for `seconds`, exponential service of `serviceMs` on `workers`.
QByteArray queueingJson(double rate, double seconds, int workers, int queue, double serviceMs) {
    return QStringLiteral(R"({"version": 1, "name": "M/M/c", "description": "A textbook queue.",
        "seed": 99, "sample_interval_ms": 100,
        "load": {"arrivals": "poisson", "phases": [{"rate": %1, "duration_s": %2}]},
        "pool": {"workers": %3, "queue_capacity": %4,
                 "service_time": {"distribution": "exponential", "mean_ms": %5}}})")
        .arg(rate)
        .arg(seconds)
        .arg(workers)
        .arg(queue)
        .arg(serviceMs)
        .toUtf8();
}

void compareClose(double actual, double expected, double tolerance, const char* what) {
    QVERIFY2(std::abs(actual - expected) <= tolerance,
             qPrintable(QStringLiteral("%1: got %2, expected %3")
                            .arg(QLatin1String(what))
                            .arg(actual, 0, 'g', 15)
                            .arg(expected, 0, 'g', 15)));
}

}  // namespace

class TestInsight : public QObject {
    Q_OBJECT

  private slots:
    // Event log

    void eventLogReportsEachEpisodeOnce() {
        EventLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setScenario(eventScenario());
        model.scan(windowOf(eventSamples()));
        QCOMPARE(model.rowCount(), static_cast<int>(kExpectedEvents.size()));
        for (std::size_t i = 0; i < kExpectedEvents.size(); ++i) {
            const auto& event = model.events()[i];
            QVERIFY2(std::abs(event.seconds - kExpectedEvents[i].seconds) < 1e-9,
                     qPrintable(describe(model)));
            QVERIFY2(event.kind == kExpectedEvents[i].kind, qPrintable(describe(model)));
            QVERIFY(!event.message.isEmpty());
            QVERIFY(!event.subject.isEmpty());
        }
        const QModelIndex first = model.index(0);
        QCOMPARE(model.data(first, EventLogModel::SecondsRole).toDouble(), 0.2);
        QCOMPARE(model.data(first, EventLogModel::KindRole).toInt(),
                 static_cast<int>(Kind::BurstExhausted));
        QVERIFY(model.data(first, EventLogModel::MessageRole)
                    .toString()
                    .startsWith(QLatin1String("Token bucket ran out of tokens")));
        QCOMPARE(model.data(first, EventLogModel::SubjectRole).toString(),
                 QStringLiteral("token bucket"));
    }

    void eventLogScansOnlyNewSamples() {
        const auto all = eventSamples();
        EventLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setScenario(eventScenario());
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        // Feed the run in uneven batches, as the runner delivers it.
        std::vector<goflow::sim::Sample> growing;
        for (std::size_t batch : {1U, 3U, 2U, 5U, 11U, 100U}) {
            for (std::size_t i = 0; i < batch && growing.size() < all.size(); ++i) {
                growing.push_back(all[growing.size()]);
            }
            model.scan(windowOf(growing));
            model.scan(windowOf(growing));  // a repeated notification adds nothing
        }
        QCOMPARE(growing.size(), all.size());
        QCOMPARE(model.rowCount(), static_cast<int>(kExpectedEvents.size()));
        QCOMPARE(inserted.count(), static_cast<int>(kExpectedEvents.size()));
        QCOMPARE(reset.count(), 0);
        for (std::size_t i = 0; i < kExpectedEvents.size(); ++i) {
            QVERIFY2(model.events()[i].kind == kExpectedEvents[i].kind,
                     qPrintable(describe(model)));
        }

        // An episode's end is known only after a calm second: at 2.1 s both are still open.
        EventLogModel early;
        early.setScenario(eventScenario());
        std::vector<goflow::sim::Sample> upTo21(all.begin(), all.begin() + 21);
        QCOMPARE(upTo21.back().time, goflow::Duration(2100ms));
        early.scan(windowOf(upTo21));
        QCOMPARE(early.rowCount(), 10);
        QCOMPARE(early.events().back().kind, Kind::LatencyAboveTimeout);

        // A shorter vector is a new run: the log starts over.
        model.scan(windowOf(std::vector<goflow::sim::Sample>(all.begin(), all.begin() + 2)));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 2);
    }

    void eventLogJumpsToEventTime() {
        EventLogModel model;
        model.setScenario(eventScenario());
        model.scan(windowOf(eventSamples()));
        QSignalSpy jumps(&model, &EventLogModel::jumpRequested);
        model.activate(2);
        QCOMPARE(jumps.count(), 1);
        QCOMPARE(jumps.front().front().toDouble(), 0.3);
        model.activate(-1);
        model.activate(model.rowCount());
        QCOMPARE(jumps.count(), 1);
    }

    void eventLogWithoutScenarioStaysEmpty() {
        EventLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.scan(windowOf(eventSamples()));
        QCOMPARE(model.rowCount(), 0);
    }

    void eventLogFollowsControllerRuns() {
        StudioController controller;
        EventLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setController(&controller);
        QVERIFY(controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/retry-storm.json")));
        controller.setSpeed(StudioController::Speed::AsFastAsPossible);
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 30000);
        QVERIFY(model.rowCount() > 0);
        bool storm = false;
        bool timeout = false;
        for (const auto& event : model.events()) {
            storm = storm || event.kind == Kind::RetryStormStarted;
            timeout = timeout || event.kind == Kind::FirstTimeout;
        }
        QVERIFY2(storm, qPrintable(describe(model)));
        QVERIFY2(timeout, qPrintable(describe(model)));

        // The same log comes out of one scan of the finished run.
        EventLogModel once;
        once.setScenario(controller.scenario());
        once.scan(controller.samples());
        QCOMPARE(once.rowCount(), model.rowCount());

        // A second run starts a fresh log with the same events.
        const int events = model.rowCount();
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished, 30000);
        QCOMPARE(model.rowCount(), events);

        // Loading another scenario clears the log.
        QVERIFY(controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")));
        QCOMPARE(model.rowCount(), 0);
    }

    void eventLogSeesEarlyEventsOfLongRun() {
        // 150 s sampled every 10 ms: 15,000 samples, more than the controller keeps. The bucket
        // runs dry in the first second, long before the oldest sample kept at the end.
        const QString json = QStringLiteral(R"({"version": 1, "name": "long",
            "sample_interval_ms": 10,
            "load": {"phases": [{"rate": 50, "duration_s": 150}]},
            "limiters": [{"type": "token_bucket", "rate": 20, "burst": 10}],
            "pool": {"workers": 4, "queue_capacity": 8,
                     "service_time": {"distribution": "constant", "mean_ms": 5}}})");
        for (const bool simulate : {true, false}) {
            StudioController controller;
            EventLogModel events;
            TheoryModel theory;
            events.setController(&controller);
            theory.setController(&controller);
            QVERIFY2(controller.loadScenarioText(json, QString(), QString()),
                     qPrintable(controller.errorMessage()));
            controller.setSpeed(StudioController::Speed::AsFastAsPossible);
            if (simulate) {
                controller.simulate();
            } else {
                controller.run();
            }
            QTRY_COMPARE_WITH_TIMEOUT(controller.state(), StudioController::RunState::Finished,
                                      30000);
            QCOMPARE(controller.sampleCount(), 15000);
            QCOMPARE(controller.keptSampleCount(),
                     static_cast<int>(goflow::app::SampleWindow::kDefaultCapacity));
            QVERIFY(controller.keptFromSeconds() > 49.0);
            QVERIFY(events.rowCount() > 0);
            const auto& first = events.events().front();
            QVERIFY2(first.kind == Kind::BurstExhausted && first.seconds < 1.0,
                     qPrintable(describe(events)));
            // The theory model measured every sample of the load, not only those kept.
            QVERIFY(theory.hasMeasurement());
            compareClose(theory.measuredSeconds(), 150, 1e-6, "measured seconds");
        }
    }

    // Formulas

    void formulasMatchHandComputedValues() {
        // M/M/1, lambda 80, mu 100: rho 0.8, Lq = rho^2 / (1 - rho), Wq = rho / (mu - lambda).
        const auto one = queueing::mm1(80, 100);
        compareClose(one.utilisation, 0.8, 1e-9, "M/M/1 utilisation");
        compareClose(one.wait_probability, 0.8, 1e-9, "M/M/1 wait probability");
        compareClose(one.mean_queue_length, 3.2, 1e-9, "M/M/1 Lq");
        compareClose(one.mean_wait, 0.04, 1e-9, "M/M/1 Wq");
        compareClose(one.mean_in_system, 4.0, 1e-9, "M/M/1 L");
        compareClose(one.mean_time_in_system, 0.05, 1e-9, "M/M/1 W");
        compareClose(one.blocking_probability, 0.0, 1e-9, "M/M/1 blocking");

        // M/M/2 with a = 1: Erlang B = (1/2) / (1 + 1 + 1/2) = 0.2, Erlang C = 1/3.
        compareClose(queueing::erlang_b(2, 1), 0.2, 1e-9, "Erlang B");
        compareClose(queueing::erlang_c(2, 1), 1.0 / 3, 1e-9, "Erlang C");
        const auto two = queueing::mmc(1, 1, 2);
        compareClose(two.utilisation, 0.5, 1e-9, "M/M/2 utilisation");
        compareClose(two.wait_probability, 1.0 / 3, 1e-9, "M/M/2 wait probability");
        compareClose(two.mean_queue_length, 1.0 / 3, 1e-9, "M/M/2 Lq");
        compareClose(two.mean_wait, 1.0 / 3, 1e-9, "M/M/2 Wq");
        compareClose(two.mean_time_in_system, 4.0 / 3, 1e-9, "M/M/2 W");

        // M/M/2/4, a = 2: weights 1, 2, 2, 2, 2 (r = a / c = 1), total 9.
        const auto flat = queueing::mmck(2, 1, 2, 2);
        compareClose(flat.blocking_probability, 2.0 / 9, 1e-9, "M/M/2/4 blocking");
        compareClose(flat.mean_queue_length, 6.0 / 9, 1e-9, "M/M/2/4 Lq");
        compareClose(flat.utilisation, 7.0 / 9, 1e-9, "M/M/2/4 utilisation");
        compareClose(flat.throughput, 14.0 / 9, 1e-9, "M/M/2/4 throughput");
        compareClose(flat.mean_wait, 3.0 / 7, 1e-9, "M/M/2/4 Wq");
        compareClose(flat.wait_probability, 4.0 / 7, 1e-9, "M/M/2/4 wait probability");

        // M/M/1/3, a = 0.5: weights 1, 1/2, 1/4, 1/8, total 15/8.
        const auto light = queueing::mmck(1, 2, 1, 2);
        compareClose(light.blocking_probability, 1.0 / 15, 1e-9, "M/M/1/3 light blocking");
        compareClose(light.mean_queue_length, 4.0 / 15, 1e-9, "M/M/1/3 light Lq");
        compareClose(light.mean_wait, 2.0 / 7, 1e-9, "M/M/1/3 light Wq");
        compareClose(light.wait_probability, 3.0 / 7, 1e-9, "M/M/1/3 light wait probability");

        // M/M/1/3, a = 2: weights 1, 2, 4, 8, total 15.
        const auto heavy = queueing::mmck(2, 1, 1, 2);
        compareClose(heavy.blocking_probability, 8.0 / 15, 1e-9, "M/M/1/3 heavy blocking");
        compareClose(heavy.mean_queue_length, 4.0 / 3, 1e-9, "M/M/1/3 heavy Lq");
        compareClose(heavy.mean_wait, 10.0 / 7, 1e-9, "M/M/1/3 heavy Wq");
        compareClose(heavy.wait_probability, 6.0 / 7, 1e-9, "M/M/1/3 heavy wait probability");

        // No waiting room: M/M/c/c blocks with Erlang B and never queues.
        const auto loss = queueing::mmck(1, 1, 2, 0);
        compareClose(loss.blocking_probability, 0.2, 1e-9, "M/M/2/2 blocking");
        compareClose(loss.mean_queue_length, 0, 1e-9, "M/M/2/2 Lq");
        compareClose(loss.wait_probability, 0, 1e-9, "M/M/2/2 wait probability");

        // No arrivals: nothing waits, nothing is busy.
        const auto idle = queueing::mmck(0, 5, 3, 10);
        compareClose(idle.utilisation, 0, 1e-12, "idle utilisation");
        compareClose(idle.mean_time_in_system, 0.2, 1e-12, "idle W");
    }

    void boundedFormulaApproachesUnbounded() {
        const auto unbounded = queueing::mmc(140, 20, 8);
        const auto bounded = queueing::mmck(140, 20, 8, 10'000'000);
        compareClose(bounded.mean_queue_length, unbounded.mean_queue_length,
                     1e-9 * unbounded.mean_queue_length, "Lq");
        compareClose(bounded.wait_probability, unbounded.wait_probability, 1e-9, "P(wait)");
        compareClose(bounded.utilisation, unbounded.utilisation, 1e-9, "utilisation");
        // Overloaded, a long queue passes exactly the service capacity: lambda (1 - P_K) = c mu.
        const auto overload = queueing::mmck(2, 1, 1, 1000);
        compareClose(overload.throughput, 1, 1e-9, "overloaded throughput");
        compareClose(overload.blocking_probability, 0.5, 1e-9, "overloaded blocking");
        // Thousands of servers: no overflow in the factorials.
        const auto large = queueing::mmck(9000, 1, 10'000, 100);
        QVERIFY(std::isfinite(large.mean_queue_length));
        compareClose(large.utilisation, 0.9, 1e-6, "large utilisation");
    }

    void formulasRejectBadInput() {
        QVERIFY_THROWS_EXCEPTION(std::domain_error, (void)queueing::mm1(100, 100));
        QVERIFY_THROWS_EXCEPTION(std::domain_error, (void)queueing::mmc(41, 10, 4));
        QVERIFY_THROWS_EXCEPTION(std::domain_error, (void)queueing::erlang_c(2, 2));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)queueing::mm1(-1, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)queueing::mm1(1, 0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)queueing::mmc(1, 1, 0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)queueing::mmck(1, 1, 1, -1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)queueing::erlang_b(1, NAN));
    }

    // Theory model

    void theoryNamesModelAndPredicts() {
        const auto mm1 = TheoryModel::assess(parse(queueingJson(80, 60, 1, 10'000'000, 10)));
        QVERIFY2(mm1.prediction, qPrintable(mm1.reason));
        QCOMPARE(mm1.modelName, QStringLiteral("M/M/1"));
        compareClose(mm1.prediction->mean_queue_length, 3.2, 1e-9, "M/M/1 Lq");
        compareClose(mm1.prediction->mean_wait, 0.04, 1e-9, "M/M/1 Wq");

        const auto mmc = TheoryModel::assess(parse(queueingJson(1, 60, 2, 10'000'000, 1000)));
        QVERIFY2(mmc.prediction, qPrintable(mmc.reason));
        QCOMPARE(mmc.modelName, QStringLiteral("M/M/2"));
        compareClose(mmc.prediction->wait_probability, 1.0 / 3, 1e-9, "M/M/2 P(wait)");
        compareClose(mmc.prediction->mean_queue_length, 1.0 / 3, 1e-9, "M/M/2 Lq");

        const auto mmck = TheoryModel::assess(parse(queueingJson(2, 60, 2, 2, 1000)));
        QVERIFY2(mmck.prediction, qPrintable(mmck.reason));
        QCOMPARE(mmck.modelName, QStringLiteral("M/M/2/4"));
        compareClose(mmck.prediction->blocking_probability, 2.0 / 9, 1e-9, "M/M/2/4 blocking");
        compareClose(mmck.prediction->mean_wait, 3.0 / 7, 1e-9, "M/M/2/4 Wq");

        // A non-binding concurrency limiter and two Poisson classes merge into one stream.
        const auto merged = TheoryModel::assess(parse(R"({"version": 1,
            "classes": [
              {"name": "a", "load": {"phases": [{"rate": 30, "duration_s": 20}]},
               "limiters": [{"type": "concurrency", "limit": 12}]},
              {"name": "b", "load": {"phases": [{"rate": 50, "duration_s": 20}]}}],
            "pool": {"workers": 1, "queue_capacity": 10000000,
                     "service_time": {"distribution": "exponential", "mean_ms": 10}}})"));
        QVERIFY2(!merged.prediction, "limit 12 is below workers + queue");
        QVERIFY2(merged.reason.contains(QLatin1String("concurrency limit of 12")),
                 qPrintable(merged.reason));
        const auto mergedFree = TheoryModel::assess(parse(R"({"version": 1,
            "classes": [
              {"name": "a", "load": {"phases": [{"rate": 30, "duration_s": 20}]}},
              {"name": "b", "load": {"phases": [{"rate": 50, "duration_s": 20}]}}],
            "pool": {"workers": 1, "queue_capacity": 10000000,
                     "service_time": {"distribution": "exponential", "mean_ms": 10}}})"));
        QVERIFY2(mergedFree.prediction, qPrintable(mergedFree.reason));
        compareClose(mergedFree.prediction->arrival_rate, 80, 1e-9, "merged rate");
        compareClose(mergedFree.prediction->mean_queue_length, 3.2, 1e-9, "merged Lq");
    }

    void theoryExplainsUnavailable_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        const QByteArray base = queueingJson(80, 60, 4, 100, 20);
        auto edit = [&base](const char* from, const char* to) {
            QByteArray json = base;
            json.replace(from, to);
            return json;
        };
        QTest::newRow("log-normal service")
            << edit(R"("distribution": "exponential", "mean_ms": 20)",
                    R"("distribution": "lognormal", "median_ms": 20, "sigma": 1)")
            << QStringLiteral("service time is log-normal, not exponential");
        QTest::newRow("constant service")
            << edit(R"("distribution": "exponential")", R"("distribution": "constant")")
            << QStringLiteral("service time is constant, not exponential");
        QTest::newRow("even arrivals") << edit(R"("arrivals": "poisson")", R"("arrivals": "even")")
                                       << QStringLiteral("evenly spaced arrivals");
        QTest::newRow("two rates")
            << edit(R"([{"rate": 80, "duration_s": 60}])",
                    R"([{"rate": 80, "duration_s": 30}, {"rate": 120, "duration_s": 30}])")
            << QStringLiteral("changes from 80/s to 120/s");
        QTest::newRow("ramp") << edit(R"({"rate": 80, "duration_s": 60})",
                                      R"({"from": 10, "to": 80, "duration_s": 60})")
                              << QStringLiteral("ramps");
        QTest::newRow("token bucket")
            << edit(R"("pool":)",
                    R"("limiters": [{"type": "token_bucket", "rate": 100, "burst": 10}], "pool":)")
            << QStringLiteral("token bucket reshapes");
        QTest::newRow("retries") << edit(R"("pool":)", R"("client": {"retries": 2}, "pool":)")
                                 << QStringLiteral("retry");
        QTest::newRow("closed model")
            << edit(R"("arrivals": "poisson", "phases": [{"rate": 80, "duration_s": 60}])",
                    R"("model": "closed", "clients": 5, "duration_s": 60)")
            << QStringLiteral("closed model");
        QTest::newRow("stages") << edit(R"(}}})",
                                        R"(}}, "stages": [{"concurrency": 1, "queue_capacity": 1, )"
                                        R"("service_time": {"mean_ms": 1}}]})")
                                << QStringLiteral("pipeline stages");
        QTest::newRow("scripted change")
            << edit(R"(}}})",
                    R"(}}, "changes": [{"at_s": 10, "set": "pool.workers", "value": 2}]})")
            << QStringLiteral("changes pool.workers at 10 s");
        QTest::newRow("block policy")
            << edit(R"("workers": 4,)", R"("workers": 4, "full_policy": "block",)")
            << QStringLiteral("blocks the submitter");
        QTest::newRow("overload of a long queue")
            << queueingJson(300, 60, 4, 1'000'000, 20) << QStringLiteral("keeps growing");
    }

    void theoryExplainsUnavailable() {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        const auto verdict = TheoryModel::assess(parse(json));
        QVERIFY(!verdict.prediction);
        QVERIFY2(verdict.reason.contains(reason), qPrintable(verdict.reason));
        QVERIFY(verdict.reason.startsWith(QLatin1String("No prediction: ")));
    }

    void theoryUnavailableForShippedBurst() {
        TheoryModel model;
        QSignalSpy changed(&model, &TheoryModel::predictionChanged);
        QVERIFY(!model.available());
        QVERIFY(!model.unavailableReason().isEmpty());
        StudioController controller;
        QVERIFY(controller.load(QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/api-burst.json")));
        model.setController(&controller);
        QVERIFY(changed.count() >= 1);
        QVERIFY(!model.available());
        QVERIFY2(model.unavailableReason().contains(QLatin1String("changes from 60/s to 400/s")),
                 qPrintable(model.unavailableReason()));
        QVERIFY(model.referenceLine(TheoryModel::Line::MeanQueueLength, 30).isEmpty());
        // api-burst ships its own notes, shown as they are.
        const auto& notes = controller.scenario()->look_for;
        QVERIFY(!notes.empty());
        QCOMPARE(model.lookFor().size(), static_cast<qsizetype>(notes.size()));
        QCOMPARE(model.lookFor().front(), QString::fromStdString(notes.front()));
        QVERIFY(model.lookForFromScenario());

        // Without look_for notes the panel falls back to the description.
        QVERIFY(controller.loadScenarioText(
            QStringLiteral(
                "{\"version\": 1, \"name\": \"bare\", \"description\": \"Just a pool.\","
                " \"load\": {\"phases\": [{\"rate\": 10, \"duration_s\": 1}]},"
                " \"pool\": {\"workers\": 1, \"service_time\": {\"distribution\": \"constant\","
                " \"mean_ms\": 1}}}"),
            QString(), QString()));
        QCOMPARE(model.lookFor(), QStringList{QStringLiteral("Just a pool.")});
        QVERIFY(!model.lookForFromScenario());
    }

    void theoryMeasuredMatchesPredicted_data() {
        QTest::addColumn<int>("queue");
        QTest::newRow("M/M/8") << 10'000'000;
        QTest::newRow("M/M/8/12") << 4;
    }

    void theoryMeasuredMatchesPredicted() {
        QFETCH(int, queue);
        // 8 workers of 50 ms mean at 120/s: offered load 6 erlangs, 75 % busy.
        const auto scenario = parse(queueingJson(120, 2000, 8, queue, 50));
        TheoryModel model;
        model.setScenario(scenario);
        QVERIFY2(model.available(), qPrintable(model.unavailableReason()));
        const auto result = goflow::sim::simulate(scenario);
        // Half the samples, then all of them: the measurement adds up incrementally.
        const auto middle =
            result.samples.begin() + static_cast<std::ptrdiff_t>(result.samples.size() / 2);
        // The run has more samples than the controller keeps; delivered in pieces, the model
        // still measures every one.
        QVERIFY(result.samples.size() > goflow::app::SampleWindow::kDefaultCapacity);
        goflow::app::SampleWindow window;
        const auto scan = [&](const goflow::app::SampleWindow& w) { model.scan(w); };
        deliver(window, {result.samples.begin(), middle}, scan);
        deliver(window, {middle, result.samples.end()}, scan);
        QVERIFY(model.hasMeasurement());
        compareClose(model.measuredSeconds(), 2000, 1e-6, "measured seconds");
        const auto relative = [](double measured, double predicted) {
            return std::abs(measured - predicted) / predicted;
        };
        QVERIFY2(relative(model.measuredUtilisation(), model.utilisation()) < 0.02,
                 qPrintable(QStringLiteral("utilisation %1 vs %2")
                                .arg(model.measuredUtilisation())
                                .arg(model.utilisation())));
        QVERIFY2(relative(model.measuredMeanQueueLength(), model.meanQueueLength()) < 0.05,
                 qPrintable(QStringLiteral("Lq %1 vs %2")
                                .arg(model.measuredMeanQueueLength())
                                .arg(model.meanQueueLength())));
        QVERIFY2(relative(model.measuredMeanWaitMs(), model.meanWaitMs()) < 0.05,
                 qPrintable(QStringLiteral("Wq %1 ms vs %2 ms")
                                .arg(model.measuredMeanWaitMs())
                                .arg(model.meanWaitMs())));
        QVERIFY2(relative(model.measuredThroughput(), model.throughput()) < 0.02,
                 qPrintable(QStringLiteral("throughput %1 vs %2")
                                .arg(model.measuredThroughput())
                                .arg(model.throughput())));
        // The simulator's own wait, from every request, agrees with the prediction too.
        QVERIFY2(relative(result.summary.stations[0].mean_wait_ms, model.meanWaitMs()) < 0.05,
                 qPrintable(QStringLiteral("station wait %1 ms vs %2 ms")
                                .arg(result.summary.stations[0].mean_wait_ms)
                                .arg(model.meanWaitMs())));
        if (model.blockingProbability() > 0.01) {
            QVERIFY2(
                relative(model.measuredBlockingProbability(), model.blockingProbability()) < 0.05,
                qPrintable(QStringLiteral("blocking %1 vs %2")
                               .arg(model.measuredBlockingProbability())
                               .arg(model.blockingProbability())));
        }

        // The reference lines span the chart at the predicted level.
        const QList<QPointF> line = model.referenceLine(TheoryModel::Line::MeanQueueLength, 2000);
        QCOMPARE(line, (QList<QPointF>{QPointF(0, model.meanQueueLength()),
                                       QPointF(2000, model.meanQueueLength())}));
        QLineSeries series;
        model.updateSeries(&series, TheoryModel::Line::MeanWait, 50);
        QCOMPARE(series.count(), 2);
        QCOMPARE(series.at(1), QPointF(50, model.meanWaitMs()));

        // A new run starts the measurement over.
        model.scan(goflow::app::SampleWindow{});
        QVERIFY(!model.hasMeasurement());
    }

    // The column in the main window

    void insightColumnShowsRun_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("theory");
        QTest::newRow("retry-storm")
            << QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR "/retry-storm.json") << false;
        QTest::newRow("textbook") << QString() << true;
    }

    void insightColumnShowsRun() {
        QFETCH(QString, path);
        QFETCH(bool, theory);
        QTemporaryDir dir;
        QString directory = QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR);
        if (path.isEmpty()) {
            // A textbook M/M/c/K queue that fills now and then, so both tables have numbers.
            path = dir.filePath(QStringLiteral("textbook.json"));
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(queueingJson(110, 30, 6, 8, 50));
            file.close();
            directory = dir.path();
        }

        StudioWindow studio;
        QVERIFY2(studio.load({.scenarioDirectory = directory,
                              .scenario = path,
                              .autoRun = true,
                              .speed = QStringLiteral("max")}),
                 qPrintable(studio.errorString()));
        StudioController* controller = studio.controller();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);
        QVERIFY(QTest::qWaitForWindowExposed(studio.window()));

        auto* log = studio.find<EventLogModel>(QStringLiteral("eventLog"));
        QVERIFY(log != nullptr);
        QVERIFY2(log->rowCount() > 0, "the event log is empty after the run");
        auto* list = studio.find(QStringLiteral("eventList"));
        QVERIFY(list != nullptr);
        QTRY_COMPARE(list->property("count").toInt(), log->rowCount());
        auto* emptyText = studio.find<QQuickItem>(QStringLiteral("eventEmptyText"));
        QVERIFY(emptyText != nullptr);
        QVERIFY(!emptyText->isVisible());
        auto* model = studio.find<TheoryModel>(QStringLiteral("theory"));
        QVERIFY(model != nullptr);
        QCOMPARE(model->available(), theory);
        QVERIFY(model->hasMeasurement());
        QVERIFY(!model->lookFor().isEmpty());

        // The column leaves room for the charts, which still show the whole run.
        QObject* queueChart = studio.find(QStringLiteral("queueChart"));
        QVERIFY(queueChart != nullptr);
        const QVariantList queueSeries = queueChart->property("seriesObjects").toList();
        QVERIFY(!queueSeries.isEmpty());
        auto* queue = qobject_cast<QXYSeries*>(queueSeries.front().value<QObject*>());
        QVERIFY(queue != nullptr);
        QCOMPARE(static_cast<std::size_t>(queue->count()), controller->samples().size());

        // The column forwards a picked event as a jump request.
        auto* column = studio.find(QStringLiteral("insightColumn"));
        QVERIFY(column != nullptr);
        QSignalSpy jumps(column, SIGNAL(jumpRequested(double)));
        log->activate(0);
        QCOMPARE(jumps.count(), 1);

        QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/insight-%1.png")
                                          .arg(QFileInfo(path).completeBaseName())));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

    void eventPaneTextFollowsRunState() {
        // A light load on a large pool without limiters, timeouts or retries: no event at all.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("calm.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(queueingJson(20, 10, 8, 1000, 10));
        file.close();

        StudioWindow studio;
        QVERIFY2(studio.load({.scenarioDirectory = dir.path(),
                              .scenario = path,
                              .speed = QStringLiteral("max")}),
                 qPrintable(studio.errorString()));
        QVERIFY(QTest::qWaitForWindowExposed(studio.window()));
        StudioController* controller = studio.controller();
        auto* log = studio.find<EventLogModel>(QStringLiteral("eventLog"));
        QVERIFY(log != nullptr);
        auto* emptyText = studio.find<QQuickItem>(QStringLiteral("eventEmptyText"));
        QVERIFY(emptyText != nullptr);
        const auto text = [emptyText] { return emptyText->property("text").toString(); };

        // Before any run the pane invites the user to start one.
        QCOMPARE(controller->state(), StudioController::RunState::Idle);
        QVERIFY(emptyText->isVisible());
        QVERIFY2(text().startsWith(QLatin1String("No events yet. Run the scenario")),
                 qPrintable(text()));

        // A paused run with samples has had no events so far.
        controller->step();
        QTRY_VERIFY(controller->sampleCount() >= 1);
        QCOMPARE(controller->state(), StudioController::RunState::Paused);
        QVERIFY2(text().startsWith(QLatin1String("No notable events so far.")), qPrintable(text()));

        // A stopped run keeps its samples and ended before any event.
        controller->stop();
        QCOMPARE(controller->state(), StudioController::RunState::Idle);
        QVERIFY(controller->sampleCount() >= 1);
        QVERIFY2(text().startsWith(QLatin1String("The run stopped before any notable event.")),
                 qPrintable(text()));

        // After a finished run without events the pane states that the run had none.
        controller->run();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), StudioController::RunState::Finished, 30000);
        QCOMPARE(log->rowCount(), 0);
        QVERIFY(emptyText->isVisible());
        QVERIFY2(text().startsWith(QLatin1String("The run finished without notable events")),
                 qPrintable(text()));
        QVERIFY(studio.saveScreenshot(QStringLiteral(GOFLOW_SCREENSHOT_DIR "/insight-calm.png")));

        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }
};

QTEST_MAIN(TestInsight)
#include "tst_insight.moc"
