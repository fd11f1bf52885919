// Worker pool internals.
//
// One mutex guards the queue and every counter, so a snapshot is consistent: a task moves from
// queued to running when a worker pops it, and from running to its final counter in the same
// critical section in which that worker pops its next task. A task's handle is completed before
// the task leaves `running`, so when wait_idle() or a shutdown handle returns, every handle of
// the work it waited for is already ready.
//
// Shutdown never joins threads: workers leave their loop when the pool is stopping and the queue
// is empty, and the last one to leave marks the lifecycle state stopped. Only the destructor
// joins, and it refuses to run on a worker. So shutdown() and shutdown_now() are safe from any
// thread, including a worker, and calling them repeatedly only repeats idempotent steps.
#include "goflow/worker_pool.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define GOFLOW_HAS_CXXABI 1
#endif

namespace goflow {
namespace detail {
namespace {

thread_local const void* tls_worker_of = nullptr;
thread_local std::uint64_t tls_submit_count = 0;  // for WorkerPoolOptions::timing_sample_interval

}  // namespace
}  // namespace detail

namespace {

// Times an idle worker yields before it sleeps.
constexpr int kIdleYields = 16;

}  // namespace

namespace detail {
namespace {

#if GOFLOW_HAS_CXXABI
std::string current_exception_type_name() {
    const std::type_info* type = abi::__cxa_current_exception_type();
    if (type == nullptr) {
        return "unknown type";
    }
    int status = 0;
    char* demangled = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
    std::string name = status == 0 && demangled != nullptr ? demangled : type->name();
    std::free(demangled);  // NOLINT: allocated by __cxa_demangle with malloc
    return name;
}
#else
std::string current_exception_type_name() {
    return "unknown type";
}
#endif

template <class T>
std::string describe_value(T value) {
    return "exception of type '" + current_exception_type_name() + "' with value " +
           std::to_string(value);
}

}  // namespace

std::string describe_current_exception() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (const std::string& text) {
        return text;
    } catch (const char* text) {
        return text != nullptr ? std::string(text) : std::string("null C string thrown");
    } catch (int value) {
        return describe_value(value);
    } catch (long value) {
        return describe_value(value);
    } catch (long long value) {
        return describe_value(value);
    } catch (unsigned value) {
        return describe_value(value);
    } catch (unsigned long value) {
        return describe_value(value);
    } catch (double value) {
        return describe_value(value);
    } catch (...) {
        // Not swallowed: the caller turns this description into the task's error.
        return "exception of type '" + current_exception_type_name() + "'";
    }
}

bool on_worker_of(const void* pool) noexcept {
    return pool != nullptr && tls_worker_of == pool;
}

DeadlineTimer::DeadlineTimer(std::shared_ptr<const Clock> clock) : clock_(std::move(clock)) {}

DeadlineTimer::~DeadlineTimer() {
    if (thread_.joinable()) {
        thread_.request_stop();
        changed_.notify_all();
        thread_.join();
    }
}

std::uint64_t DeadlineTimer::schedule(TimePoint deadline, std::function<void()> callback) {
    std::uint64_t id = 0;
    {
        std::lock_guard guard(mutex_);
        id = next_id_++;
        due_.emplace(std::make_pair(deadline, id), std::move(callback));
        deadlines_.emplace(id, deadline);
        version_changed_ = true;
        if (!thread_.joinable()) {
            thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
        }
    }
    changed_.notify_all();
    return id;
}

bool DeadlineTimer::cancel(std::uint64_t id) {
    std::lock_guard guard(mutex_);
    auto it = deadlines_.find(id);
    if (it == deadlines_.end()) {
        return false;
    }
    due_.erase(std::make_pair(it->second, id));
    deadlines_.erase(it);
    return true;
}

void DeadlineTimer::run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        if (due_.empty()) {
            // No deadline: wait on the condition variable alone, so that a manual clock does
            // not count this thread among its waiters.
            changed_.wait(lock, stop, [this] { return !due_.empty(); });
            continue;
        }
        version_changed_ = false;
        const TimePoint earliest = due_.begin()->first.first;
        clock_->wait_until(lock, changed_, stop, earliest, [this] { return version_changed_; });

        const TimePoint now = clock_->now();
        std::vector<std::function<void()>> fired;
        while (!due_.empty() && due_.begin()->first.first <= now) {
            auto node = due_.begin();
            deadlines_.erase(node->first.second);
            fired.push_back(std::move(node->second));
            due_.erase(node);
        }
        if (!fired.empty()) {
            lock.unlock();
            for (auto& callback : fired) {
                callback();
            }
            lock.lock();
        }
    }
}

}  // namespace detail

namespace {

std::string format_duration(Duration d) {
    char text[48];
    std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(d.count()) / 1e6);
    return text;
}

TimePoint saturating_add(TimePoint t, Duration d) {
    return d >= kNoDeadline - t ? kNoDeadline : t + d;
}

}  // namespace

bool ShutdownHandle::done() const {
    std::lock_guard guard(state_->mutex);
    return state_->stopped;
}

Result<void> ShutdownHandle::wait(const Context& ctx) const {
    std::unique_lock lock(state_->mutex);
    if (state_->stopped) {
        return {};
    }
    if (detail::on_worker_of(pool_)) {
        return Error(errc::would_deadlock,
                     "waiting for a pool's shutdown from one of its own tasks never ends");
    }
    if (std::error_code ec = goflow::wait(*state_->clock, lock, state_->cv, ctx,
                                          [this] { return state_->stopped; })) {
        return Error(ec, "stopped waiting for the pool's shutdown");
    }
    return {};
}

WorkerPool::WorkerPool(WorkerPoolOptions options)
    : clock_(options.clock ? std::move(options.clock) : system_clock()),
      name_(std::move(options.name)),
      capacity_(options.queue_capacity),
      task_timeout_(options.task_timeout),
      full_policy_(options.full_policy),
      sample_interval_(options.timing_sample_interval),
      block_timeout_(options.block_timeout),
      lifecycle_(std::make_shared<detail::PoolLifecycle>()) {
    require_option(options.workers >= 1, "workers", "at least 1",
                   static_cast<double>(options.workers));
    require_option(capacity_ >= 0, "queue_capacity", "non-negative",
                   static_cast<double>(capacity_));
    require_option(task_timeout_ >= Duration::zero(), "task_timeout", "non-negative (in ns)",
                   static_cast<double>(task_timeout_.count()));
    require_option(sample_interval_ >= 1, "timing_sample_interval", "at least 1",
                   static_cast<double>(sample_interval_));
    require_option(block_timeout_ >= Duration::zero(), "block_timeout", "non-negative (in ns)",
                   static_cast<double>(block_timeout_.count()));
    lifecycle_->clock = clock_;
    if (task_timeout_ > Duration::zero()) {
        timer_ = std::make_unique<detail::DeadlineTimer>(clock_);
    }
    std::lock_guard guard(mutex_);
    spawn_locked(options.workers);
}

WorkerPool::~WorkerPool() {
    if (detail::on_worker_of(this)) {
        std::fputs(
            "goflow::WorkerPool destroyed by one of its own tasks; a worker cannot join "
            "itself\n",
            stderr);
        std::abort();
    }
    begin_shutdown(false);
    {
        std::unique_lock lock(lifecycle_->mutex);
        lifecycle_->cv.wait(lock, [this] { return lifecycle_->stopped; });
    }
    std::vector<std::thread> threads;
    {
        std::lock_guard guard(mutex_);
        threads = std::move(threads_);
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    timer_.reset();
}

void WorkerPool::spawn_locked(std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i) {
        threads_.emplace_back([this] { worker_main(); });
        ++live_;
    }
}

bool WorkerPool::has_room_locked() const {
    const auto queued = static_cast<std::int64_t>(queue_.size());
    if (capacity_ == 0) {
        return !paused_ && queued < idle_;
    }
    return queued < capacity_;
}

Result<void> WorkerPool::enqueue(detail::Job job, bool may_block, const Context& ctx) {
    const bool timed =
        sample_interval_ == 1 ||
        ++detail::tls_submit_count % static_cast<std::uint64_t>(sample_interval_) == 0;
    job.enqueued = timed ? clock_->now() : detail::Job::kUntimed;
    std::unique_lock lock(mutex_);
    Error rejection;
    if (stopping_) {
        rejection = Error(errc::shut_down, "pool '" + name_ + "' is shutting down");
    } else if (!has_room_locked()) {
        const std::string full = "pool '" + name_ + "' has " + std::to_string(queue_.size()) +
                                 " queued tasks (capacity " + std::to_string(capacity_) + ")";
        if (!may_block || full_policy_ == FullPolicy::reject) {
            rejection = Error(errc::queue_full, full);
        } else if (detail::on_worker_of(this)) {
            rejection = Error(errc::would_deadlock,
                              full + "; a task may not block on its own pool's full queue");
        } else {
            const TimePoint deadline = full_policy_ == FullPolicy::block_for
                                           ? saturating_add(clock_->now(), block_timeout_)
                                           : kNoDeadline;
            ++blocked_submitters_;
            const std::error_code ec = goflow::wait(
                *clock_, lock, space_cv_, ctx, [this] { return stopping_ || has_room_locked(); },
                deadline);
            --blocked_submitters_;
            if (stopping_) {
                rejection = Error(errc::shut_down, "pool '" + name_ + "' is shutting down");
            } else if (ec && deadline != kNoDeadline && clock_->now() >= deadline &&
                       !ctx.canceled()) {
                rejection =
                    Error(errc::queue_full, full + " for " + format_duration(block_timeout_));
            } else if (ec) {
                rejection = Error(ec, "stopped waiting for room in pool '" + name_ + "'");
            } else if (timed) {
                job.enqueued = clock_->now();
            }
        }
    }
    if (rejection) {
        ++rejected_;
        lock.unlock();
        job.finish(&rejection);
        return rejection;
    }

    queue_.push_back(std::move(job));
    queued_hint_.store(queue_.size(), std::memory_order_relaxed);
    ++accepted_;
    const bool wake = idle_ > 0 && !paused_;
    lock.unlock();
    if (wake) {
        work_cv_.notify_one();
    }
    return {};
}

void WorkerPool::worker_main() {
    detail::tls_worker_of = this;
    std::unique_lock lock(mutex_);
    histograms_.push_back(std::make_unique<WorkerHistograms>());
    WorkerHistograms& histograms = *histograms_.back();
    // Reading the clock is a large part of the cost of an empty task, so a worker that moves
    // straight on to the next task takes the previous task's end as the next one's start. That
    // start can be early by the time it takes to lock the queue, never earlier than acceptance.
    TimePoint previous_end{};
    bool have_previous_end = false;
    bool spun = false;
    for (;;) {
        bool leave = false;
        for (;;) {
            if (retire_ > 0) {
                --retire_;
                leave = true;
                break;
            }
            if (!queue_.empty() && (!paused_ || stopping_)) {
                break;
            }
            if (stopping_ && queue_.empty()) {
                leave = true;
                break;
            }
            if (!spun && !paused_ && capacity_ != 0) {
                // Before sleeping, yield a few times: a producer that is about to post saves
                // the wake-up, and a worker that sleeps and wakes for every task costs two
                // context switches. A hand-off queue skips this, because only a sleeping
                // worker counts as room.
                spun = true;
                lock.unlock();
                for (int i = 0;
                     i < kIdleYields && queued_hint_.load(std::memory_order_relaxed) == 0; ++i) {
                    std::this_thread::yield();
                }
                lock.lock();
                continue;
            }
            ++idle_;
            if (capacity_ == 0 && blocked_submitters_ > 0) {
                space_cv_.notify_all();  // an idle worker is room for a hand-off
            }
            work_cv_.wait(lock);
            --idle_;
            have_previous_end = false;
        }
        if (leave) {
            break;
        }

        detail::Job job = std::move(queue_.front());
        queue_.pop_front();
        queued_hint_.store(queue_.size(), std::memory_order_relaxed);
        spun = false;
        ++running_;
        if (blocked_submitters_ > 0) {
            space_cv_.notify_all();
        }
        lock.unlock();

        bool timed_out = false;
        const bool timed = job.enqueued != detail::Job::kUntimed;
        TimePoint start{};
        if (timed || task_timeout_ > Duration::zero()) {
            start = have_previous_end ? std::max(previous_end, job.enqueued) : clock_->now();
        }
        Error error = run_job(job, start, previous_end, have_previous_end, timed_out, histograms);
        job = detail::Job();  // releases the task's captures outside the lock

        lock.lock();
        --running_;
        if (timed_out) {
            ++timed_out_;
            last_failure_ = std::move(error);
        } else if (error) {
            ++failed_;
            last_failure_ = std::move(error);
        } else {
            ++completed_;
        }
        if (idle_waiters_ > 0 && queue_.empty() && running_ == 0) {
            idle_cv_.notify_all();
        }
    }

    --live_;
    exited_.push_back(std::this_thread::get_id());
    const bool last = stopping_ && live_ == 0;
    if (!queue_.empty()) {
        work_cv_.notify_one();  // a retiring worker may have consumed the wake-up for a task
    }
    lock.unlock();
    if (last) {
        {
            std::lock_guard guard(lifecycle_->mutex);
            lifecycle_->stopped = true;
        }
        lifecycle_->cv.notify_all();
        idle_cv_.notify_all();
    }
    detail::tls_worker_of = nullptr;
}

Error WorkerPool::run_job(detail::Job& job, TimePoint start, TimePoint& end, bool& read_end,
                          bool& timed_out, WorkerHistograms& histograms) {
    const bool timed = job.enqueued != detail::Job::kUntimed;
    read_end = false;
    if (timed) {
        histograms.queue_wait.record(start - job.enqueued);
    }
    const bool own_context = task_timeout_ > Duration::zero() ||
                             job.context.stop_token().stop_possible() || job.context.has_deadline();
    if (!own_context) {
        Error error = job.run(force_.context());
        if (timed) {
            end = clock_->now();
            read_end = true;
            histograms.run_time.record(end - start);
        }
        job.finish(nullptr);
        return error;
    }

    // The task's context is a child of the submitter's context, canceled as well by a forced
    // shutdown (through `link`) and by the timer at the task's deadline.
    const TimePoint deadline =
        task_timeout_ > Duration::zero() ? saturating_add(start, task_timeout_) : kNoDeadline;
    CancelSource task_source(job.context, deadline);
    std::stop_callback link(force_.context().stop_token(),
                            [task_source]() mutable noexcept { task_source.cancel(); });
    std::uint64_t timer_id = 0;
    if (deadline != kNoDeadline) {
        timer_id =
            timer_->schedule(deadline, [task_source]() mutable noexcept { task_source.cancel(); });
    }

    Error error = job.run(task_source.context());
    end = clock_->now();
    read_end = true;
    if (timed) {
        histograms.run_time.record(end - start);
    }
    if (timer_id != 0) {
        timer_->cancel(timer_id);
    }
    if (deadline != kNoDeadline && end >= deadline) {
        timed_out = true;
        Error timeout(errc::timed_out, "task in pool '" + name_ + "' ran for " +
                                           format_duration(end - start) + "; its timeout is " +
                                           format_duration(task_timeout_));
        job.finish(&timeout);
        return timeout;
    }
    job.finish(nullptr);
    return error;
}

void WorkerPool::begin_shutdown(bool force) {
    std::deque<detail::Job> dropped;
    {
        std::lock_guard guard(mutex_);
        stopping_ = true;
        if (force) {
            forced_ = true;
            dropped.swap(queue_);
            queued_hint_.store(0, std::memory_order_relaxed);
            discarded_ += dropped.size();
        }
    }
    if (force) {
        force_.cancel();
    }
    work_cv_.notify_all();
    space_cv_.notify_all();
    idle_cv_.notify_all();
    const Error discarded(errc::discarded,
                          "pool '" + name_ + "' was shut down forcibly before the task started");
    for (detail::Job& job : dropped) {
        job.finish(&discarded);
    }
}

ShutdownHandle WorkerPool::shutdown() {
    begin_shutdown(false);
    return ShutdownHandle(lifecycle_, this);
}

ShutdownHandle WorkerPool::shutdown_now() {
    begin_shutdown(true);
    return ShutdownHandle(lifecycle_, this);
}

void WorkerPool::pause() {
    std::lock_guard guard(mutex_);
    paused_ = true;
}

void WorkerPool::resume() {
    {
        std::lock_guard guard(mutex_);
        paused_ = false;
    }
    work_cv_.notify_all();
    space_cv_.notify_all();
}

std::vector<std::thread> WorkerPool::take_exited_locked() {
    std::vector<std::thread> exited;
    const auto self = std::this_thread::get_id();
    for (auto it = threads_.begin(); it != threads_.end();) {
        const auto id = it->get_id();
        if (id != self && std::find(exited_.begin(), exited_.end(), id) != exited_.end()) {
            std::erase(exited_, id);
            exited.push_back(std::move(*it));
            it = threads_.erase(it);
        } else {
            ++it;
        }
    }
    return exited;
}

Result<void> WorkerPool::set_workers(std::int64_t workers) {
    require_option(workers >= 1, "workers", "at least 1", static_cast<double>(workers));
    std::vector<std::thread> exited;
    {
        std::lock_guard guard(mutex_);
        if (stopping_) {
            return Error(errc::shut_down, "pool '" + name_ + "' is shutting down");
        }
        std::int64_t active = live_ - retire_;
        if (workers > active) {
            const std::int64_t kept = std::min(retire_, workers - active);
            retire_ -= kept;
            active += kept;
            spawn_locked(workers - active);
        } else if (workers < active) {
            retire_ += active - workers;
        }
        exited = take_exited_locked();
    }
    work_cv_.notify_all();
    // Joining outside the lock: these threads already left their loop and need no lock to end.
    for (std::thread& thread : exited) {
        thread.join();
    }
    return {};
}

Result<void> WorkerPool::wait_idle(const Context& ctx) {
    std::unique_lock lock(mutex_);
    auto idle = [this] { return queue_.empty() && running_ == 0; };
    if (idle()) {
        return {};
    }
    if (detail::on_worker_of(this)) {
        return Error(errc::would_deadlock,
                     "a task of pool '" + name_ + "' cannot wait for its own pool to be idle");
    }
    ++idle_waiters_;
    const std::error_code ec = goflow::wait(*clock_, lock, idle_cv_, ctx, idle);
    --idle_waiters_;
    if (ec) {
        return Error(ec, "stopped waiting for pool '" + name_ + "' to become idle");
    }
    return {};
}

WorkerPoolSnapshot WorkerPool::snapshot() const {
    WorkerPoolSnapshot s;
    std::vector<const WorkerHistograms*> histograms;
    {
        std::lock_guard guard(mutex_);
        for (const auto& h : histograms_) {
            histograms.push_back(h.get());
        }
        s.workers = live_ - retire_;
        s.queue_capacity = capacity_;
        s.paused = paused_;
        s.shutting_down = stopping_;
        s.stopped = stopping_ && live_ == 0;
        s.accepted = accepted_;
        s.rejected = rejected_;
        s.submit_calls = accepted_ + rejected_;
        s.queued = queue_.size();
        s.running = running_;
        s.completed = completed_;
        s.failed = failed_;
        s.timed_out = timed_out_;
        s.discarded = discarded_;
        s.last_failure = last_failure_;
    }
    for (const WorkerHistograms* h : histograms) {
        s.queue_wait.merge(h->queue_wait.snapshot());
        s.run_time.merge(h->run_time.snapshot());
    }
    return s;
}

}  // namespace goflow
