#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "goflow/scheduler.hpp"

using namespace std::chrono_literals;
using goflow::Context;
using goflow::Duration;
using goflow::IntervalMode;
using goflow::JobInfo;
using goflow::ManualClock;
using goflow::MissedRunPolicy;
using goflow::OverlapPolicy;
using goflow::Scheduler;
using goflow::TimePoint;
using goflow::TimeZone;
using goflow::Trigger;
using goflow::WallTimePoint;

namespace {

const TimePoint t0{};

WallTimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
    using namespace std::chrono;
    return time_point_cast<Duration>(sys_days(year(y) / month(mo) / day(d)) + hours(h) +
                                     minutes(mi));
}

// Polls `condition` in real time until it is true or 10 s pass. Runs happen on other threads,
// so tests observe their effects instead of sleeping for a fixed time.
template <class F>
bool eventually(F condition) {
    const auto limit = std::chrono::steady_clock::now() + 10s;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > limit) {
            return false;
        }
        std::this_thread::sleep_for(100us);
    }
    return true;
}

JobInfo info(const Scheduler& scheduler, const std::string& id) {
    return scheduler.job(id).value();
}

QString ms(std::optional<TimePoint> t) {
    if (!t) {
        return "none";
    }
    return QString::number(std::chrono::duration_cast<std::chrono::microseconds>(*t - t0).count() /
                           1000.0) +
           " ms";
}

// Waits until no run of `id` is in progress, so that the next tick is not an overlap.
bool runs_ended(const Scheduler& scheduler, const std::string& id) {
    return eventually([&] { return info(scheduler, id).running == 0; });
}

// Blocks job runs until released; counts how many are inside.
class Gate {
  public:
    void pass() {
        std::unique_lock lock(mutex_);
        ++inside_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return open_; });
        --inside_;
    }
    void open() {
        std::lock_guard guard(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    int inside() {
        std::lock_guard guard(mutex_);
        return inside_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = false;
    int inside_ = 0;
};

// Advances `clock` by `step` and waits until the scheduler has queued `id` again past now.
void advance_and_settle(ManualClock& clock, Scheduler& scheduler, const std::string& id,
                        Duration step) {
    const auto before = info(scheduler, id).next_due;
    clock.advance(step);
    if (before && *before <= clock.now()) {
        QVERIFY(eventually([&] {
            const auto next = info(scheduler, id).next_due;
            return !next || *next > clock.now();
        }));
    }
}

}  // namespace

class TestScheduler : public QObject {
    Q_OBJECT

  private slots:
    void springGapRunsRightAfterJump() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        // 2026-03-08 01:58 EST.
        auto clock = std::make_shared<ManualClock>(t0, utc(2026, 3, 8, 6, 58));
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.add(Trigger::cron("30 2 * * *", TimeZone::named("America/New_York")),
                      [&](const Context&) { ++runs; }, {.id = "nightly"});
        QCOMPARE(ms(info(scheduler, "nightly").next_due), ms(t0 + 2min));  // 03:00 EDT
        scheduler.start();
        clock->advance(2min);
        QVERIFY(eventually([&] { return runs.load() == 1; }));
        QVERIFY(eventually([&] { return info(scheduler, "nightly").next_due.has_value(); }));
        // 2026-03-09 02:30 EDT is 06:30 UTC.
        const auto expected = t0 + (utc(2026, 3, 9, 6, 30) - utc(2026, 3, 8, 6, 58));
        QCOMPARE(ms(info(scheduler, "nightly").next_due), ms(expected));
        QCOMPARE(ms(info(scheduler, "nightly").previous_due), ms(t0 + 2min));
    }

    void autumnRepeatRunsFixedTimeOnce() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        // 2026-11-01 00:58 EDT.
        auto clock = std::make_shared<ManualClock>(t0, utc(2026, 11, 1, 4, 58));
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.add(Trigger::cron("30 1 * * *", TimeZone::named("America/New_York")),
                      [&](const Context&) { ++runs; }, {.id = "backup"});
        scheduler.start();
        for (int minute = 0; minute < 180; ++minute) {
            advance_and_settle(*clock, scheduler, "backup", 1min);
        }
        QVERIFY(eventually([&] { return info(scheduler, "backup").running == 0; }));
        QCOMPARE(runs.load(), 1);
        const JobInfo job = info(scheduler, "backup");
        QCOMPARE(job.runs, std::uint64_t{1});
        QCOMPARE(ms(job.previous_due), ms(t0 + 32min));  // 01:30 EDT is 05:30 UTC
        const auto expected = t0 + (utc(2026, 11, 2, 6, 30) - utc(2026, 11, 1, 4, 58));
        QCOMPARE(ms(job.next_due), ms(expected));  // 2026-11-02 01:30 EST
    }

    void impossibleCronNeverRuns() {
        auto clock = std::make_shared<ManualClock>(t0, utc(2026, 1, 1));
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        for (const char* expression : {"0 0 31 2 *", "0 0 30 2 *", "0 0 31 4 *"}) {
            scheduler.add(Trigger::cron(expression), [&](const Context&) { ++runs; },
                          {.id = expression});
            QVERIFY(!info(scheduler, expression).next_due.has_value());
        }
        scheduler.start();
        QVERIFY(clock->await_waiters(1));
        // The scheduler thread waits without a deadline: nothing is due, ever.
        QVERIFY(!clock->next_deadline().has_value());
        clock->advance(24h * 366 * 8);
        QVERIFY(clock->await_waiters(1));
        QVERIFY(!clock->next_deadline().has_value());
        QCOMPARE(runs.load(), 0);
        for (const JobInfo& job : scheduler.jobs()) {
            QCOMPARE(job.runs, std::uint64_t{0});
            QVERIFY(!job.next_due.has_value());
        }
    }

    void quarterSecondIntervalRunsFourTimesPerSecond() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.add(Trigger::every(250ms), [&](const Context&) { ++runs; }, {.id = "tick"});
        scheduler.start();
        for (int i = 1; i <= 4; ++i) {
            clock->advance(250ms);
            QVERIFY2(eventually([&] { return runs.load() == i; }), qPrintable(QString::number(i)));
            QVERIFY(runs_ended(scheduler, "tick"));
        }
        QCOMPARE(clock->now() - t0, Duration(1s));
        QVERIFY(eventually([&] { return info(scheduler, "tick").next_due == t0 + 1250ms; }));
    }

    void everyExpressionKeepsSubSecondInterval() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.add(Trigger::cron("@every 1500ms"), [&](const Context&) { ++runs; },
                      {.id = "every"});
        scheduler.start();
        for (const auto expected : {1500ms, 3000ms, 4500ms}) {
            QCOMPARE(ms(info(scheduler, "every").next_due), ms(t0 + expected));
            clock->advance(1500ms);
            QVERIFY(
                eventually([&] { return info(scheduler, "every").previous_due == t0 + expected; }));
            QVERIFY(eventually(
                [&] { return info(scheduler, "every").next_due == t0 + expected + 1500ms; }));
            QVERIFY(runs_ended(scheduler, "every"));
        }
        QVERIFY(eventually([&] { return runs.load() == 3; }));
    }

    void nextRunReportedFromGrid() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> done{0};
        scheduler.add(Trigger::every(10ms),
                      [&](const Context&) {
                          clock->sleep_until(clock->now() + 1ms);  // the job takes 1 ms
                          ++done;
                      },
                      {.id = "grid"});
        QCOMPARE(ms(info(scheduler, "grid").next_due), ms(t0 + 10ms));
        scheduler.start();
        QVERIFY(clock->await_waiters(1));
        clock->advance(10ms);
        QVERIFY(clock->await_waiters(2));  // the job is inside its 1 ms
        QCOMPARE(ms(info(scheduler, "grid").next_due), ms(t0 + 20ms));
        clock->advance(1ms);
        QVERIFY(eventually([&] { return done.load() == 1; }));
        QCOMPARE(ms(info(scheduler, "grid").next_due), ms(t0 + 20ms));
        QVERIFY(runs_ended(scheduler, "grid"));
        clock->advance(9ms);
        QVERIFY(eventually([&] { return info(scheduler, "grid").runs == 2; }));
        clock->advance(1ms);
        QVERIFY(eventually([&] { return done.load() == 2; }));
        QCOMPARE(ms(info(scheduler, "grid").next_due), ms(t0 + 30ms));
    }

    void invalidInputIsRejected_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty expression") << 0 << "expression is empty";
        QTest::newRow("minute 61") << 1 << "minute field has invalid token '61'";
        QTest::newRow("negative interval") << 2 << "interval must be positive, got -5ms";
        QTest::newRow("zero interval") << 3 << "interval must be positive, got 0ns";
        QTest::newRow("duplicate id") << 4 << "job id 'report' is already scheduled";
        QTest::newRow("negative delay") << 5 << "delay must not be negative, got -1s";
        QTest::newRow("empty function") << 6 << "job function must not be empty";
        QTest::newRow("unknown zone") << 7 << "Nowhere/City";
    }

    void invalidInputIsRejected() {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        const auto job = [](const Context&) {};
        scheduler.add(Trigger::every(1s), job, {.id = "report"});
        try {
            switch (kind) {
                case 0:
                    scheduler.add(Trigger::cron(""), job);
                    break;
                case 1:
                    scheduler.add(Trigger::cron("61 * * * *"), job);
                    break;
                case 2:
                    scheduler.add(Trigger::every(-5ms), job);
                    break;
                case 3:
                    scheduler.add(Trigger::every(0ms), job);
                    break;
                case 4:
                    scheduler.add(Trigger::every(2s), job, {.id = "report"});
                    break;
                case 5:
                    scheduler.add(Trigger::after(-1s), job);
                    break;
                case 6:
                    scheduler.add(Trigger::every(1s), nullptr);
                    break;
                case 7:
                    scheduler.add(Trigger::cron("* * * * *", TimeZone::named("Nowhere/City")), job);
                    break;
            }
            QFAIL("accepted invalid input");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
        QCOMPARE(scheduler.jobs().size(), std::size_t{1});
    }

    void lateWakeUpKeepsGrid() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        scheduler.add(Trigger::every(10ms), [](const Context&) {}, {.id = "grid"});
        scheduler.start();
        clock->advance(13ms);
        QVERIFY(eventually([&] { return info(scheduler, "grid").runs == 1; }));
        QCOMPARE(ms(info(scheduler, "grid").next_due), ms(t0 + 20ms));
        QCOMPARE(ms(info(scheduler, "grid").previous_due), ms(t0 + 10ms));
        QCOMPARE(ms(info(scheduler, "grid").previous_start), ms(t0 + 13ms));
    }

    void missedRunsRunOnceThenReturnToGrid() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        scheduler.add(Trigger::every(10ms), [](const Context&) {},
                      {.id = "catch-up", .missed = MissedRunPolicy::run_once});
        scheduler.start();
        clock->advance(55ms);
        QVERIFY(eventually([&] { return info(scheduler, "catch-up").runs == 1; }));
        QCOMPARE(ms(info(scheduler, "catch-up").next_due), ms(t0 + 60ms));
        QCOMPARE(info(scheduler, "catch-up").skipped, std::uint64_t{0});
    }

    void missedRunsSkipToNextGridPoint() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        scheduler.add(Trigger::every(10ms), [](const Context&) {},
                      {.id = "skip", .missed = MissedRunPolicy::skip});
        scheduler.start();
        clock->advance(55ms);
        QVERIFY(eventually([&] { return info(scheduler, "skip").skipped == 1; }));
        QCOMPARE(ms(info(scheduler, "skip").next_due), ms(t0 + 60ms));
        QCOMPARE(info(scheduler, "skip").runs, std::uint64_t{0});
        clock->advance(5ms);  // on time again
        QVERIFY(eventually([&] { return info(scheduler, "skip").runs == 1; }));
    }

    void fixedDelayWaitsAfterRunEnds() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> done{0};
        scheduler.add(Trigger::every(10ms, IntervalMode::fixed_delay),
                      [&](const Context&) {
                          clock->sleep_until(clock->now() + 3ms);
                          ++done;
                      },
                      {.id = "delay"});
        scheduler.start();
        QVERIFY(clock->await_waiters(1));
        clock->advance(10ms);
        QVERIFY(clock->await_waiters(2));
        QVERIFY(!info(scheduler, "delay").next_due.has_value());  // due after the run ends
        clock->advance(3ms);
        QVERIFY(eventually([&] { return info(scheduler, "delay").next_due.has_value(); }));
        QCOMPARE(ms(info(scheduler, "delay").next_due), ms(t0 + 23ms));
        QCOMPARE(done.load(), 1);
    }

    void overlapSkipCountsSkippedTicks() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        Gate gate;
        scheduler.add(Trigger::every(10ms), [&](const Context&) { gate.pass(); },
                      {.id = "slow", .overlap = OverlapPolicy::skip});
        scheduler.start();
        clock->advance(10ms);
        QVERIFY(eventually([&] { return gate.inside() == 1; }));
        advance_and_settle(*clock, scheduler, "slow", 10ms);
        advance_and_settle(*clock, scheduler, "slow", 10ms);
        QVERIFY(eventually([&] { return info(scheduler, "slow").skipped == 2; }));
        gate.open();
        QVERIFY(eventually([&] { return info(scheduler, "slow").running == 0; }));
        QCOMPARE(info(scheduler, "slow").runs, std::uint64_t{1});
    }

    void overlapQueueOneRunsOnceMore() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        Gate gate;
        scheduler.add(Trigger::every(10ms), [&](const Context&) { gate.pass(); },
                      {.id = "slow", .overlap = OverlapPolicy::queue_one});
        scheduler.start();
        clock->advance(10ms);
        QVERIFY(eventually([&] { return gate.inside() == 1; }));
        advance_and_settle(*clock, scheduler, "slow", 10ms);  // queued
        advance_and_settle(*clock, scheduler, "slow", 10ms);  // skipped: one is queued already
        QVERIFY(eventually([&] { return info(scheduler, "slow").skipped == 1; }));
        gate.open();
        QVERIFY(eventually([&] { return info(scheduler, "slow").runs == 2; }));
        QVERIFY(eventually([&] { return info(scheduler, "slow").running == 0; }));
        QCOMPARE(ms(info(scheduler, "slow").previous_due), ms(t0 + 20ms));
        QCOMPARE(info(scheduler, "slow").runs, std::uint64_t{2});
    }

    void overlapConcurrentStartsAnotherRun() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock, .threads = 3});
        Gate gate;
        scheduler.add(Trigger::every(10ms), [&](const Context&) { gate.pass(); },
                      {.id = "slow", .overlap = OverlapPolicy::concurrent});
        scheduler.start();
        clock->advance(10ms);
        QVERIFY(eventually([&] { return gate.inside() == 1; }));
        clock->advance(10ms);
        QVERIFY(eventually([&] { return gate.inside() == 2; }));
        QCOMPARE(info(scheduler, "slow").running, 2);
        gate.open();
        QVERIFY(eventually([&] { return info(scheduler, "slow").running == 0; }));
        QCOMPARE(info(scheduler, "slow").skipped, std::uint64_t{0});
    }

    void runOnAddRunsImmediately() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.start();
        scheduler.add(Trigger::every(1h), [&](const Context&) { ++runs; },
                      {.id = "warm", .run_on_add = true});
        QVERIFY(eventually([&] { return runs.load() == 1; }));
        QCOMPARE(ms(info(scheduler, "warm").next_due), ms(t0 + 1h));
        QVERIFY(runs_ended(scheduler, "warm"));
        clock->advance(1h);
        QVERIFY(eventually([&] { return runs.load() == 2; }));
    }

    void oneShotRunsOnce() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.add(Trigger::after(5s), [&](const Context&) { ++runs; }, {.id = "after"});
        scheduler.add(Trigger::at(t0 + 7s), [&](const Context&) { ++runs; }, {.id = "at"});
        scheduler.start();
        clock->advance(5s);
        QVERIFY(eventually([&] { return runs.load() == 1; }));
        clock->advance(2s);
        QVERIFY(eventually([&] { return runs.load() == 2; }));
        clock->advance(1h);
        QVERIFY(clock->await_waiters(1));
        QVERIFY(!clock->next_deadline().has_value());
        QCOMPARE(runs.load(), 2);
        QVERIFY(!info(scheduler, "at").next_due.has_value());
        QCOMPARE(ms(info(scheduler, "after").previous_due), ms(t0 + 5s));
    }

    void exceptionIsRecordedAndSchedulerContinues() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> calls{0};
        scheduler.add(Trigger::every(1s),
                      [&](const Context&) {
                          if (++calls == 1) {
                              throw std::runtime_error("disk full");
                          }
                      },
                      {.id = "flaky"});
        scheduler.start();
        clock->advance(1s);
        QVERIFY(eventually([&] { return info(scheduler, "flaky").failures == 1; }));
        QCOMPARE(QString::fromStdString(info(scheduler, "flaky").last_error), QString("disk full"));
        clock->advance(1s);
        QVERIFY(eventually([&] { return calls.load() == 2; }));
        QVERIFY(eventually([&] { return info(scheduler, "flaky").running == 0; }));
        QCOMPARE(info(scheduler, "flaky").failures, std::uint64_t{1});
        QVERIFY(scheduler.running());
    }

    void cancelStopsJobAndCancelsContext() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        std::atomic<bool> saw_cancel{false};
        scheduler.add(Trigger::every(1s),
                      [&](const Context& ctx) {
                          ++runs;
                          const auto code = goflow::sleep_until(*clock, ctx, goflow::kNoDeadline);
                          saw_cancel = code == make_error_code(goflow::errc::canceled);
                      },
                      {.id = "long"});
        scheduler.start();
        clock->advance(1s);
        QVERIFY(clock->await_waiters(2));
        QVERIFY(scheduler.cancel("long"));
        QVERIFY(eventually([&] { return saw_cancel.load(); }));
        QVERIFY(!scheduler.job("long").has_value());
        QVERIFY(!scheduler.cancel("long"));
        clock->advance(10s);
        QVERIFY(clock->await_waiters(1));
        QCOMPARE(runs.load(), 1);
    }

    void stopCancelsRunsAndWaits() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<bool> finished{false};
        scheduler.add(Trigger::every(1s),
                      [&](const Context& ctx) {
                          (void)goflow::sleep_until(*clock, ctx, goflow::kNoDeadline);
                          finished = true;
                      },
                      {.id = "long"});
        scheduler.start();
        clock->advance(1s);
        QVERIFY(clock->await_waiters(2));
        QVERIFY(scheduler.stop());
        QVERIFY(finished.load());
        QVERIFY(!scheduler.running());
        QVERIFY(scheduler.stop());  // twice
        QCOMPARE(info(scheduler, "long").running, 0);
    }

    void stopTimesOutOnClock() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        Gate gate;
        scheduler.add(Trigger::every(1s), [&](const Context&) { gate.pass(); }, {.id = "stuck"});
        scheduler.start();
        clock->advance(1s);
        QVERIFY(eventually([&] { return gate.inside() == 1; }));
        std::atomic<int> result{-1};
        std::thread stopper([&] { result = scheduler.stop(5s) ? 1 : 0; });
        // stop() waits on the clock until 1 s + 5 s; the scheduler thread's deadline was 2 s.
        QVERIFY(eventually([&] { return clock->next_deadline() == t0 + 6s; }));
        clock->advance(5s);
        stopper.join();
        QCOMPARE(result.load(), 0);
        gate.open();
        QVERIFY(scheduler.stop());
    }

    void restartResumesSchedule() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        scheduler.add(Trigger::every(1s), [&](const Context&) { ++runs; }, {.id = "tick"});
        scheduler.start();
        scheduler.start();  // no effect
        clock->advance(1s);
        QVERIFY(eventually([&] { return runs.load() == 1; }));
        QVERIFY(scheduler.stop());
        clock->advance(1s);  // due while stopped
        scheduler.start();
        QVERIFY(eventually([&] { return runs.load() == 2; }));
        QVERIFY(eventually([&] { return info(scheduler, "tick").next_due == t0 + 3s; }));
    }

    void stopFromInsideJob() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> result{-1};
        scheduler.add(Trigger::after(1s),
                      [&](const Context&) { result = scheduler.stop() ? 1 : 0; }, {.id = "quit"});
        scheduler.start();
        clock->advance(1s);
        QVERIFY(eventually([&] { return result.load() != -1; }));
        QCOMPARE(result.load(), 1);
        QVERIFY(!scheduler.running());
        QVERIFY(scheduler.stop());
    }

    void stopFromTwoJobsAtOnce() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock, .threads = 2});
        std::atomic<int> entered{0};
        std::atomic<int> stopped{0};
        const auto job = [&](const Context&) {
            ++entered;
            while (entered.load() < 2) {
                std::this_thread::yield();
            }
            if (scheduler.stop()) {
                ++stopped;
            }
        };
        scheduler.add(Trigger::after(1s), job);
        scheduler.add(Trigger::after(1s), job);
        scheduler.start();
        clock->advance(1s);
        QVERIFY(eventually([&] { return stopped.load() == 2; }));
        QVERIFY(scheduler.stop());
    }

    void callerExecutorRunsJobs() {
        auto clock = std::make_shared<ManualClock>();
        std::atomic<int> submitted{0};
        Scheduler scheduler({.clock = clock, .executor = [&](std::function<void()> work) {
                                 ++submitted;
                                 work();  // inline, on the scheduler thread
                             }});
        std::atomic<int> result{-1};
        std::atomic<int> runs{0};
        scheduler.add(Trigger::every(1s), [&](const Context&) { ++runs; }, {.id = "tick"});
        scheduler.add(Trigger::after(3s),
                      [&](const Context&) { result = scheduler.stop() ? 1 : 0; }, {.id = "quit"});
        scheduler.start();
        for (int i = 1; i <= 2; ++i) {
            clock->advance(1s);
            QVERIFY(eventually([&] { return runs.load() == i; }));
        }
        clock->advance(1s);
        QVERIFY(eventually([&] { return result.load() == 1; }));
        QVERIFY(!scheduler.running());
        QVERIFY(submitted.load() >= 3);
        scheduler.start();  // again, after a stop on the scheduler thread
        QVERIFY(eventually([&] { return runs.load() == 3; }));  // the tick due at 3 s
        clock->advance(1s);
        QVERIFY(eventually([&] { return runs.load() == 4; }));
        QCOMPARE(ms(info(scheduler, "tick").previous_due), ms(t0 + 4s));
    }

    void executorFailureIsRecorded() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock, .executor = [](std::function<void()>) {
                                 throw std::runtime_error("pool shut down");
                             }});
        scheduler.add(Trigger::every(1s), [](const Context&) {}, {.id = "tick"});
        scheduler.start();
        clock->advance(1s);
        QVERIFY(eventually([&] { return info(scheduler, "tick").failures == 1; }));
        QVERIFY(
            QString::fromStdString(info(scheduler, "tick").last_error).contains("pool shut down"));
        QCOMPARE(info(scheduler, "tick").running, 0);
    }

    void thousandsOfJobsIdleWithoutPolling() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        for (int i = 0; i < 10000; ++i) {
            scheduler.add(Trigger::after(1h + i * 1ms), [&](const Context&) { ++runs; });
        }
        scheduler.start();
        QVERIFY(clock->await_waiters(1));
        // The only waiter is the scheduler thread, asleep until the earliest job.
        QCOMPARE(clock->waiters(), std::size_t{1});
        QCOMPARE(ms(clock->next_deadline()), ms(t0 + 1h));
        QCOMPARE(runs.load(), 0);
        clock->advance(1h + 9999ms);
        QVERIFY(eventually([&] { return runs.load() == 10000; }));
    }

    void addAndCancelWakeScheduler() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        scheduler.start();
        QVERIFY(clock->await_waiters(1));
        QVERIFY(!clock->next_deadline().has_value());
        const auto id = scheduler.add(Trigger::after(5s), [](const Context&) {});
        QVERIFY(eventually([&] { return clock->next_deadline() == t0 + 5s; }));
        QVERIFY(scheduler.cancel(id));
        QVERIFY(eventually(
            [&] { return !clock->next_deadline().has_value() && clock->waiters() == 1; }));
    }

    void startStopRaceStress() {
        auto clock = std::make_shared<ManualClock>();
        Scheduler scheduler({.clock = clock});
        std::atomic<int> runs{0};
        std::atomic<bool> done{false};
        for (int i = 0; i < 4; ++i) {
            scheduler.add(Trigger::every(1ms), [&](const Context&) { ++runs; },
                          {.overlap = OverlapPolicy::concurrent});
        }
        std::thread ticker([&] {
            while (!done) {
                clock->advance(1ms);
                std::this_thread::yield();
            }
        });
        for (int i = 0; i < 200; ++i) {
            scheduler.start();
            const int before = runs.load();
            const auto id = scheduler.add(Trigger::after(0ms), [&](const Context&) { ++runs; });
            if (i % 2 == 0) {
                scheduler.cancel(id);
            } else {
                QVERIFY(eventually([&] { return runs.load() > before; }));
            }
            QVERIFY(scheduler.stop());
        }
        done = true;
        ticker.join();
        for (const JobInfo& job : scheduler.jobs()) {
            QCOMPARE(job.running, 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
