#include "goflow/scheduler.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

namespace goflow {

namespace {

std::string format_duration(Duration d) {
    struct Unit {
        Duration size;
        const char* suffix;
    };
    const Unit units[] = {{std::chrono::hours(1), "h"},
                          {std::chrono::minutes(1), "m"},
                          {std::chrono::seconds(1), "s"},
                          {std::chrono::milliseconds(1), "ms"},
                          {std::chrono::microseconds(1), "us"}};
    for (const Unit& unit : units) {
        if (d.count() != 0 && d % unit.size == Duration::zero()) {
            return std::to_string(d / unit.size) + unit.suffix;
        }
    }
    return std::to_string(d.count()) + "ns";
}

// The scheduler's own executor: a fixed set of threads that take work from one FIFO queue.
// Idle threads block on a condition variable.
class ThreadPool {
  public:
    explicit ThreadPool(int threads) {
        for (int i = 0; i < threads; ++i) {
            threads_.emplace_back([this] { work(); });
        }
    }

    // Runs the queued work, then joins the threads.
    ~ThreadPool() {
        {
            std::lock_guard guard(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (std::thread& thread : threads_) {
            thread.join();
        }
    }

    void submit(std::function<void()> work) {
        {
            std::lock_guard guard(mutex_);
            queue_.push_back(std::move(work));
        }
        ready_.notify_one();
    }

  private:
    void work() {
        while (true) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) {
                    return;
                }
                task = std::move(queue_.front());
                queue_.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;  // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
    std::vector<std::thread> threads_;
};

struct Job;

// A queued due time. `order` breaks ties between equal due times in insertion order and makes
// every entry unique.
struct Entry {
    TimePoint due;
    std::uint64_t order = 0;
    std::shared_ptr<Job> job;
    bool immediate = false;  // the extra run of JobOptions::run_on_add

    bool operator<(const Entry& other) const {
        return due != other.due ? due < other.due : order < other.order;
    }
};

// Every field except the constants is guarded by Scheduler::Impl::mutex_.
struct Job {
    explicit Job(Trigger t) : trigger(std::move(t)) {}

    // Constant after add().
    std::string id;
    Trigger trigger;
    std::string description;
    JobFunction function;
    JobOptions options;

    // Keys of this job's entries in the queue, with `job` left null so that a job does not own
    // itself through them.
    std::optional<Entry> scheduled;       // the next due time on the schedule, if queued
    std::optional<Entry> immediate;       // the pending run_on_add run, if queued
    std::optional<TimePoint> queued_due;  // OverlapPolicy::queue_one: the tick waiting to run
    CancelSource source;
    bool removed = false;
    JobInfo info;
};

// Set while a thread runs a job, so that stop() called from inside the job does not wait for
// itself.
thread_local const void* tl_running_scheduler = nullptr;

}  // namespace

class Scheduler::Impl : public std::enable_shared_from_this<Scheduler::Impl> {
  public:
    explicit Impl(SchedulerOptions options)
        : clock_(options.clock ? std::move(options.clock) : system_clock()) {
        if (options.executor) {
            executor_ = std::move(options.executor);
        } else {
            require_option(options.threads >= 1, "SchedulerOptions::threads", "at least 1",
                           options.threads);
            pool_ = std::make_unique<ThreadPool>(options.threads);
            executor_ = [pool = pool_.get()](std::function<void()> work) {
                pool->submit(std::move(work));
            };
        }
    }

    std::string add(const Trigger& trigger, JobFunction function, JobOptions options);
    bool cancel(std::string_view id);
    std::vector<JobInfo> jobs() const;
    std::optional<JobInfo> job(std::string_view id) const;
    void start();
    bool stop(Duration timeout);
    bool running() const {
        std::lock_guard guard(mutex_);
        return started_;
    }
    void shut_down_pool() { pool_.reset(); }

  private:
    void loop(const std::stop_token& stop);
    void fire(std::unique_lock<std::mutex>& lock, const Entry& entry, TimePoint now);
    void dispatch(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Job>& job,
                  TimePoint due);
    void execute(const std::shared_ptr<Job>& job, TimePoint due, const Context& ctx,
                 std::uint64_t epoch);
    void end_run(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Job>& job);
    void enqueue(const std::shared_ptr<Job>& job, TimePoint due);
    void unqueue(Job& job);
    std::optional<TimePoint> cron_after(const CronSchedule& cron, TimePoint t) const;
    JobInfo snapshot(const Job& job) const;
    void notify_changed() {
        ++version_;
        changed_.notify_all();
    }

    const std::shared_ptr<const Clock> clock_;
    std::unique_ptr<ThreadPool> pool_;  // null when the caller gave an executor
    Executor executor_;

    mutable std::mutex mutex_;
    // Signalled when the queue changes (the scheduler thread waits for it) and when a run ends
    // (stop() waits for it).
    std::condition_variable_any changed_;
    std::map<std::string, std::shared_ptr<Job>, std::less<>> jobs_;  // guarded by mutex_
    std::set<Entry> queue_;                                          // guarded by mutex_
    std::uint64_t next_order_ = 0;                                   // guarded by mutex_
    std::uint64_t next_auto_id_ = 1;                                 // guarded by mutex_
    std::uint64_t version_ = 0;  // guarded by mutex_; bumped when queue_ changes
    bool started_ = false;       // guarded by mutex_
    std::uint64_t epoch_ = 0;    // guarded by mutex_; bumped by start()
    CancelSource root_;          // guarded by mutex_; parent of every job's context
    int in_flight_ = 0;          // guarded by mutex_; runs handed to the executor, not ended
    int stopping_jobs_ = 0;      // guarded by mutex_; runs blocked in stop()
    std::jthread thread_;        // guarded by mutex_
};

// ---- Trigger ----

Trigger Trigger::at(TimePoint when) {
    Trigger trigger;
    trigger.kind_ = Kind::at;
    trigger.when_ = when;
    return trigger;
}

Trigger Trigger::after(Duration delay) {
    if (delay < Duration::zero()) {
        throw std::invalid_argument("delay must not be negative, got " + format_duration(delay));
    }
    Trigger trigger;
    trigger.kind_ = Kind::after;
    trigger.delay_ = delay;
    return trigger;
}

Trigger Trigger::every(Duration interval, IntervalMode mode, std::optional<Duration> first_delay) {
    if (interval <= Duration::zero()) {
        throw std::invalid_argument("interval must be positive, got " + format_duration(interval));
    }
    if (first_delay && *first_delay < Duration::zero()) {
        throw std::invalid_argument("first_delay must not be negative, got " +
                                    format_duration(*first_delay));
    }
    Trigger trigger;
    trigger.kind_ = Kind::every;
    trigger.interval_ = interval;
    trigger.mode_ = mode;
    trigger.delay_ = first_delay.value_or(interval);
    return trigger;
}

Trigger Trigger::cron(std::string_view expression, TimeZone zone) {
    CronSchedule schedule = CronSchedule::parse(expression, std::move(zone));
    if (auto every = schedule.every()) {
        Trigger trigger = Trigger::every(*every);
        trigger.cron_ = std::move(schedule);  // kept for describe()
        return trigger;
    }
    Trigger trigger;
    trigger.kind_ = Kind::cron;
    trigger.cron_ = std::move(schedule);
    return trigger;
}

std::string Trigger::describe() const {
    switch (kind_) {
        case Kind::at:
            return "once at " + std::to_string(when_.time_since_epoch().count()) + "ns";
        case Kind::after:
            return "once after " + format_duration(delay_);
        case Kind::every:
            if (cron_) {
                return "cron '" + cron_->expression() + "'";
            }
            return "every " + format_duration(interval_) +
                   (mode_ == IntervalMode::fixed_rate ? " (fixed rate)" : " (fixed delay)");
        case Kind::cron:
            return "cron '" + cron_->expression() + "' " + cron_->zone().name();
    }
    return {};
}

// ---- Scheduler::Impl ----

std::optional<TimePoint> Scheduler::Impl::cron_after(const CronSchedule& cron, TimePoint t) const {
    // Map t to calendar time through the clock's current pair of readings.
    const TimePoint now = clock_->now();
    const WallTimePoint wall = clock_->wall_now() + (t - now);
    const std::optional<WallTimePoint> next = cron.next(wall);
    if (!next) {
        return std::nullopt;
    }
    return t + (*next - wall);
}

void Scheduler::Impl::enqueue(const std::shared_ptr<Job>& job, TimePoint due) {
    const Entry entry{due, next_order_++, job, false};
    const auto position = queue_.insert(entry).first;
    job->scheduled = Entry{entry.due, entry.order, nullptr, false};
    job->info.next_due = due;
    // The scheduler thread sleeps until the earliest due time, so only a new earliest entry
    // needs to wake it.
    if (position == queue_.begin()) {
        notify_changed();
    }
}

void Scheduler::Impl::unqueue(Job& job) {
    bool earliest_removed = false;
    for (std::optional<Entry>* key : {&job.scheduled, &job.immediate}) {
        if (*key) {
            const auto position = queue_.find(**key);
            if (position != queue_.end()) {
                earliest_removed = earliest_removed || position == queue_.begin();
                queue_.erase(position);
            }
            key->reset();
        }
    }
    job.info.next_due.reset();
    if (earliest_removed) {
        notify_changed();
    }
}

std::string Scheduler::Impl::add(const Trigger& trigger, JobFunction function, JobOptions options) {
    if (!function) {
        throw std::invalid_argument("job function must not be empty");
    }
    std::lock_guard guard(mutex_);
    std::string id = options.id;
    if (id.empty()) {
        do {
            id = "job-" + std::to_string(next_auto_id_++);
        } while (jobs_.contains(id));
    } else if (jobs_.contains(id)) {
        throw std::invalid_argument("job id '" + id +
                                    "' is already scheduled; cancel it first "
                                    "or choose another id");
    }
    auto job = std::make_shared<Job>(trigger);
    job->id = id;
    job->description = trigger.describe();
    job->function = std::move(function);
    job->options = std::move(options);
    job->info.id = id;
    job->info.trigger = job->description;
    if (started_) {
        job->source = CancelSource(root_.context());
    }

    const TimePoint now = clock_->now();
    std::optional<TimePoint> first;
    switch (trigger.kind_) {
        case Trigger::Kind::at:
            first = trigger.when_;
            break;
        case Trigger::Kind::after:
            first = now + trigger.delay_;
            break;
        case Trigger::Kind::every:
            first = now + trigger.delay_;
            break;
        case Trigger::Kind::cron:
            first = cron_after(*trigger.cron_, now);
            break;
    }
    jobs_.emplace(id, job);
    if (first) {
        enqueue(job, *first);
    }
    if (job->options.run_on_add) {
        const Entry entry{now, next_order_++, job, true};
        const auto position = queue_.insert(entry).first;
        job->immediate = Entry{entry.due, entry.order, nullptr, true};
        if (position == queue_.begin()) {
            notify_changed();
        }
    }
    return id;
}

bool Scheduler::Impl::cancel(std::string_view id) {
    std::lock_guard guard(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) {
        return false;
    }
    std::shared_ptr<Job> job = it->second;
    jobs_.erase(it);
    job->removed = true;
    job->queued_due.reset();
    unqueue(*job);
    job->source.cancel();
    return true;
}

JobInfo Scheduler::Impl::snapshot(const Job& job) const {
    return job.info;
}

std::vector<JobInfo> Scheduler::Impl::jobs() const {
    std::lock_guard guard(mutex_);
    std::vector<JobInfo> out;
    out.reserve(jobs_.size());
    for (const auto& [id, job] : jobs_) {
        out.push_back(snapshot(*job));
    }
    return out;
}

std::optional<JobInfo> Scheduler::Impl::job(std::string_view id) const {
    std::lock_guard guard(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) {
        return std::nullopt;
    }
    return snapshot(*it->second);
}

void Scheduler::Impl::start() {
    std::unique_lock lock(mutex_);
    if (started_) {
        return;
    }
    if (thread_.joinable()) {
        // A thread left by a stop() that ran on the scheduler thread itself (an executor that
        // runs work inline); it exits as soon as it checks its stop request.
        if (thread_.get_id() == std::this_thread::get_id()) {
            thread_.detach();
        } else {
            std::jthread previous = std::move(thread_);
            lock.unlock();
            previous.join();
            lock.lock();
            if (started_) {
                return;
            }
        }
    }
    started_ = true;
    ++epoch_;
    root_ = CancelSource();
    for (auto& [id, job] : jobs_) {
        job->source = CancelSource(root_.context());
        job->queued_due.reset();  // a run queued behind one that stop() canceled
    }
    thread_ = std::jthread(
        [self = shared_from_this()](const std::stop_token& stop) { self->loop(stop); });
}

bool Scheduler::Impl::stop(Duration timeout) {
    std::unique_lock lock(mutex_);
    if (started_) {
        started_ = false;
        root_.cancel();
        thread_.request_stop();
        notify_changed();
    }
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
        std::jthread finished = std::move(thread_);
        lock.unlock();
        finished.join();
        lock.lock();
    }
    // A job that calls stop() does not wait for itself, nor for other jobs blocked in stop().
    const bool inside_job = tl_running_scheduler == this;
    if (inside_job) {
        ++stopping_jobs_;
        changed_.notify_all();
    }
    const TimePoint now = clock_->now();
    const TimePoint deadline =
        (timeout >= kNoDeadline - now) ? kNoDeadline : now + std::max(timeout, Duration::zero());
    const bool ended = clock_->wait_until(lock, changed_, {}, deadline,
                                          [&] { return in_flight_ <= stopping_jobs_; });
    if (inside_job) {
        --stopping_jobs_;
    }
    return ended;
}

void Scheduler::Impl::loop(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        const TimePoint now = clock_->now();
        if (!queue_.empty() && queue_.begin()->due <= now) {
            const Entry entry = *queue_.begin();
            queue_.erase(queue_.begin());
            fire(lock, entry, now);
            continue;
        }
        const TimePoint deadline = queue_.empty() ? kNoDeadline : queue_.begin()->due;
        const std::uint64_t seen = version_;
        clock_->wait_until(lock, changed_, stop, deadline, [&] { return version_ != seen; });
    }
}

void Scheduler::Impl::fire(std::unique_lock<std::mutex>& lock, const Entry& entry, TimePoint now) {
    const std::shared_ptr<Job> job = entry.job;
    if (entry.immediate) {
        job->immediate.reset();
    } else {
        job->scheduled.reset();
        job->info.next_due.reset();
    }
    const TimePoint due = entry.due;

    // The next due time comes from this due time, so a late wake-up does not move the grid.
    // A run is late when the following grid point has passed too.
    bool late = false;
    if (!entry.immediate) {
        const Trigger& trigger = job->trigger;
        std::optional<TimePoint> next;
        if (trigger.kind_ == Trigger::Kind::every && trigger.mode_ == IntervalMode::fixed_rate) {
            next = due + trigger.interval_;
            if (*next <= now) {
                late = true;
                const auto periods = (now - due) / trigger.interval_ + 1;
                next = due + periods * trigger.interval_;
            }
        } else if (trigger.kind_ == Trigger::Kind::cron) {
            next = cron_after(*trigger.cron_, due);
            if (next && *next <= now) {
                late = true;
                next = cron_after(*trigger.cron_, now);
            }
        }
        // Fixed-delay jobs are queued again when their run ends; one-shot jobs are done.
        if (next) {
            enqueue(job, *next);
        }
    }

    if (late && job->options.missed == MissedRunPolicy::skip) {
        ++job->info.skipped;
        return;
    }
    if (job->info.running > 0) {
        switch (job->options.overlap) {
            case OverlapPolicy::skip:
                ++job->info.skipped;
                return;
            case OverlapPolicy::queue_one:
                if (job->queued_due) {
                    ++job->info.skipped;
                } else {
                    job->queued_due = due;
                }
                return;
            case OverlapPolicy::concurrent:
                break;
        }
    }
    dispatch(lock, job, due);
}

void Scheduler::Impl::dispatch(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Job>& job,
                               TimePoint due) {
    ++job->info.running;
    ++in_flight_;
    std::function<void()> work = [self = shared_from_this(), job, due, ctx = job->source.context(),
                                  epoch = epoch_] { self->execute(job, due, ctx, epoch); };
    lock.unlock();
    std::optional<std::string> refused;
    try {
        executor_(std::move(work));
    } catch (const std::exception& e) {
        refused = std::string("executor rejected the run: ") + e.what();
    }
    lock.lock();
    if (refused) {
        ++job->info.failures;
        job->info.last_error = *refused;
        end_run(lock, job);
    }
}

void Scheduler::Impl::execute(const std::shared_ptr<Job>& job, TimePoint due, const Context& ctx,
                              std::uint64_t epoch) {
    {
        std::unique_lock lock(mutex_);
        // A run that waited in the executor past a stop() or cancel() does not start.
        if (!started_ || epoch != epoch_ || job->removed) {
            end_run(lock, job);
            return;
        }
        ++job->info.runs;
        job->info.previous_due = due;
        job->info.previous_start = clock_->now();
    }

    const void* outer = tl_running_scheduler;
    tl_running_scheduler = this;
    std::optional<std::string> error;
    try {
        job->function(ctx);
    } catch (const std::exception& e) {
        error = e.what();
    } catch (...) {
        error = "exception of a type not derived from std::exception";
    }
    tl_running_scheduler = outer;

    std::unique_lock lock(mutex_);
    if (error) {
        ++job->info.failures;
        job->info.last_error = *error;
    }
    end_run(lock, job);
}

void Scheduler::Impl::end_run(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Job>& job) {
    --job->info.running;
    --in_flight_;
    if (!job->removed) {
        const Trigger& trigger = job->trigger;
        if (trigger.kind_ == Trigger::Kind::every && trigger.mode_ == IntervalMode::fixed_delay &&
            !job->scheduled) {
            enqueue(job, clock_->now() + trigger.interval_);
        }
        if (job->queued_due && started_) {
            const TimePoint due = *job->queued_due;
            job->queued_due.reset();
            changed_.notify_all();
            dispatch(lock, job, due);
            return;
        }
    }
    changed_.notify_all();
}

// ---- Scheduler ----

Scheduler::Scheduler(SchedulerOptions options)
    : impl_(std::make_shared<Impl>(std::move(options))) {}

Scheduler::~Scheduler() {
    impl_->stop(Duration::max());
    // Joining the pool here, while this object still owns impl_, means no pool thread ever
    // releases the last reference to impl_ and destroys the pool from inside itself.
    impl_->shut_down_pool();
}

std::string Scheduler::add(const Trigger& trigger, JobFunction job, JobOptions options) {
    return impl_->add(trigger, std::move(job), std::move(options));
}

bool Scheduler::cancel(std::string_view id) {
    return impl_->cancel(id);
}

std::vector<JobInfo> Scheduler::jobs() const {
    return impl_->jobs();
}

std::optional<JobInfo> Scheduler::job(std::string_view id) const {
    return impl_->job(id);
}

void Scheduler::start() {
    impl_->start();
}

bool Scheduler::stop(Duration timeout) {
    return impl_->stop(timeout);
}

bool Scheduler::running() const {
    return impl_->running();
}

}  // namespace goflow
