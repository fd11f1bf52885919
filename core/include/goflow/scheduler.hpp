// Scheduler: runs jobs once, at a fixed rate or with a fixed delay, or on a cron schedule.
//
// All times come from the injected goflow::Clock, so tests drive the scheduler with a
// ManualClock. One scheduler thread keeps the jobs ordered by due time and blocks on the clock
// until the earliest one is due. Adding or canceling a job wakes it only when that changes the
// earliest due time, so it never polls. Due runs
// are handed to an executor: the scheduler's own threads by default, or a function the caller
// passes in (for example one that submits to a worker pool).
//
// Grid: the next due time of a fixed-rate or cron job is computed from the previous due time,
// never from when the thread woke, so late wake-ups do not shift the schedule. A fixed-delay
// job's next due time is the end of its run plus the interval. When the scheduler falls behind
// by at least one whole period (stopped, busy executor, clock jump), MissedRunPolicy decides
// between one catch-up run now and no run; either way the job continues at the first grid point
// after now. OverlapPolicy decides what happens when a run is still going at the next due time.
//
// Each job runs with a Context that is canceled when the job is canceled or the scheduler
// stops. An exception thrown by a job is recorded against the job (failures, last_error) and
// does not affect the scheduler.
//
//     goflow::Scheduler scheduler({.clock = clock});
//     scheduler.add(goflow::Trigger::every(250ms), [](const goflow::Context&) { flush(); });
//     scheduler.add(goflow::Trigger::cron("30 2 * * *", goflow::TimeZone::named("Europe/Paris")),
//                   [](const goflow::Context& ctx) { compact(ctx); }, {.id = "compact"});
//     scheduler.start();
//     ...
//     scheduler.stop();
//
// Thread safety: every member of Scheduler may be called concurrently, including stop() and
// cancel() from inside a running job. The destructor must not run inside one of the
// scheduler's own jobs. Trigger and the option structs are plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/cron.hpp"

namespace goflow {

// Placement of an interval job's runs.
enum class IntervalMode {
    fixed_rate,   // due times on a grid: start, start + interval, start + 2 * interval, ...
    fixed_delay,  // the next run is due one interval after the previous run ends
};

// When a run is still going at the next due time.
enum class OverlapPolicy {
    skip,        // drop the tick and count it in JobInfo::skipped
    queue_one,   // run once more as soon as the current run ends; further ticks are skipped
    concurrent,  // start another run alongside
};

// When the scheduler handles a due time after the following grid point has also passed.
enum class MissedRunPolicy {
    run_once,  // run once now, then continue at the first grid point after now
    skip,      // count the missed run in JobInfo::skipped and continue at the next grid point
};

// When a job runs. Build one with the static functions; they validate their arguments.
class Trigger {
  public:
    // Once at `when` on the scheduler's clock.
    [[nodiscard]] static Trigger at(TimePoint when);
    // Once, `delay` after the job is added. Throws std::invalid_argument for a negative delay.
    [[nodiscard]] static Trigger after(Duration delay);
    // Repeatedly. The first run is due `first_delay` after the job is added (default: one
    // interval). Throws std::invalid_argument when `interval` is not positive or `first_delay`
    // is negative.
    [[nodiscard]] static Trigger every(Duration interval,
                                       IntervalMode mode = IntervalMode::fixed_rate,
                                       std::optional<Duration> first_delay = std::nullopt);
    // On a cron schedule (see cron.hpp). `@every <duration>` becomes a fixed-rate interval.
    // Throws std::invalid_argument for a malformed expression.
    [[nodiscard]] static Trigger cron(std::string_view expression, TimeZone zone = TimeZone::utc());

    // A short description such as "every 250ms (fixed rate)" or "cron '30 2 * * *' UTC".
    [[nodiscard]] std::string describe() const;

  private:
    friend class Scheduler;
    enum class Kind { at, after, every, cron };
    Trigger() = default;

    Kind kind_ = Kind::at;
    TimePoint when_{};
    Duration delay_{};  // after: the delay; every: the first delay
    Duration interval_{};
    IntervalMode mode_ = IntervalMode::fixed_rate;
    std::optional<CronSchedule> cron_;
};

struct JobOptions {
    // The job's id; empty means the scheduler assigns "job-<n>". Must be unique.
    std::string id;
    OverlapPolicy overlap = OverlapPolicy::skip;
    MissedRunPolicy missed = MissedRunPolicy::run_once;
    // Also run once as soon as the job is added (or when the scheduler starts), in addition to
    // the schedule.
    bool run_on_add = false;
};

// A job's state, copied out for listings and dashboards.
struct JobInfo {
    std::string id;
    std::string trigger;                      // Trigger::describe()
    std::optional<TimePoint> next_due;        // none: one-shot done, never fires, or fixed delay
                                              // waiting for its run to end
    std::optional<TimePoint> previous_due;    // the planned time of the latest run
    std::optional<TimePoint> previous_start;  // when the latest run actually started
    std::uint64_t runs = 0;                   // runs started
    std::uint64_t skipped = 0;                // ticks dropped by the overlap or missed policy
    std::uint64_t failures = 0;               // runs that threw
    std::string last_error;                   // what() of the latest exception, or empty
    int running = 0;                          // runs in progress now
};

// A function that runs job invocations. It may run `work` on any thread, now or later, but
// must run it exactly once or throw; a throw is recorded as a failure of the job. The
// scheduler thread calls it, so it should return quickly. The scheduler cannot check either
// rule, and stop() waits for work that was handed over but never run.
using Executor = std::function<void(std::function<void()> work)>;

using JobFunction = std::function<void(const Context&)>;

struct SchedulerOptions {
    // Time source; null means goflow::system_clock().
    std::shared_ptr<const Clock> clock;
    // Executor for runs; null means the scheduler's own threads.
    Executor executor;
    // Number of the scheduler's own threads when `executor` is null; at least 1.
    int threads = 2;
};

class Scheduler {
  public:
    // Throws std::invalid_argument when threads < 1 and no executor is given.
    explicit Scheduler(SchedulerOptions options = {});
    // Stops (waiting for running jobs) and joins the scheduler's threads.
    ~Scheduler();

    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Adds a job and returns its id. Throws std::invalid_argument for an empty function or an
    // id that is already in use. Jobs may be added before start() and while running.
    std::string add(const Trigger& trigger, JobFunction job, JobOptions options = {});

    // Removes the job and cancels the context of its running runs; does not wait for them.
    // Returns false when no job has this id.
    bool cancel(std::string_view id);

    // Returns the jobs, ordered by id.
    [[nodiscard]] std::vector<JobInfo> jobs() const;
    [[nodiscard]] std::optional<JobInfo> job(std::string_view id) const;

    // Starts the scheduler thread. Calling start() on a running scheduler does nothing.
    void start();

    // Stops dispatching, cancels the contexts of running runs and waits for them to end, up to
    // `timeout` on the scheduler's clock. Returns whether every run ended. Jobs stay scheduled
    // and resume on the next start(). Safe to call twice and from inside a job (which then does
    // not wait for itself).
    bool stop(Duration timeout = Duration::max());

    [[nodiscard]] bool running() const;

    class Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace goflow
