// Worker pool: a fixed set of threads running tasks from a bounded FIFO queue.
//
// A task is any callable that takes a `const goflow::Context&` (or nothing) and returns a value,
// void, or a goflow::Result. submit() returns a TaskHandle whose result is the task's value or
// its error; post() is the fire-and-forget form. When the queue is full the pool applies its
// FullPolicy: reject at once, block until there is room or the submit context ends, or block for
// at most `block_timeout`. A submit from one of the pool's own tasks that would block on a full
// queue fails with errc::would_deadlock instead.
//
// Guarantees:
// - An exception of any type thrown by a task becomes that task's error (errc::task_failed, with
//   the exception's message); the worker keeps running and the pool keeps its size.
// - Each task gets a context that is canceled when the task passes `task_timeout` or a forced
//   shutdown begins. A task still running at its timeout finishes as errc::timed_out, whatever it
//   returns; the pool cannot stop a task that ignores its context.
// - Every accepted task ends in exactly one of completed, failed, timed out or discarded, and the
//   snapshot satisfies, under one lock, accepted = queued + running + completed + failed +
//   timed_out + discarded and accepted + rejected = submit calls.
// - shutdown() stops accepting, runs what is queued and waits for running tasks; shutdown_now()
//   also cancels running tasks and discards queued ones (their handles report errc::discarded).
//   Both return at once with a ShutdownHandle, may be called any number of times from any
//   thread, including from the pool's own tasks, and never make a worker join itself.
// - The destructor performs a graceful shutdown and blocks until every queued and running task
//   has finished. Destroying a pool from one of its own tasks is a programming error that aborts.
//
//     goflow::WorkerPool pool({.workers = 4, .queue_capacity = 100,
//                              .full_policy = goflow::FullPolicy::block});
//     auto handle = pool.submit([](const goflow::Context& ctx) { return load(ctx); });
//     goflow::Result<Data> data = handle.get();
//     pool.shutdown().wait();
//
// Thread safety: every member of WorkerPool, TaskHandle and ShutdownHandle may be called
// concurrently from any thread. One mutex guards the queue and the counters; latency histograms
// are lock-free.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/error.hpp"
#include "goflow/histogram.hpp"
#include "goflow/result.hpp"

namespace goflow {

class WorkerPool;

// Behaviour of a submit that finds the queue full.
enum class FullPolicy {
    reject,     // fail at once with errc::queue_full
    block,      // wait for room until the submit context is canceled or its deadline passes
    block_for,  // wait at most WorkerPoolOptions::block_timeout, then fail with errc::queue_full
};

struct WorkerPoolOptions {
    static constexpr std::int64_t unbounded = INT64_MAX;

    // Number of worker threads; at least 1. set_workers() changes it later.
    std::int64_t workers = 1;
    // Tasks that may wait for a worker. 0 accepts a task only when an idle worker is free to
    // take it at once (a hand-off); `unbounded` never reports the queue as full.
    std::int64_t queue_capacity = 1024;
    // Maximum time a task may run before its context is canceled and it counts as timed out; zero
    // means no limit.
    Duration task_timeout = Duration::zero();
    FullPolicy full_policy = FullPolicy::reject;
    // Maximum time a submit waits for room under FullPolicy::block_for.
    Duration block_timeout = Duration::zero();
    // Time source for timeouts, blocking waits and latency histograms; null means
    // goflow::system_clock().
    std::shared_ptr<const Clock> clock;
    // Shown in error messages.
    std::string name = "pool";
    // Each submitting thread times one task in every `timing_sample_interval` for the latency
    // histograms; 1 times every task. Two clock reads are a large share of the cost of a tiny
    // task, so a pool that runs millions of them may time a sample. Counters stay exact, and
    // the pool always reads the clock for tasks that have a timeout.
    std::int64_t timing_sample_interval = 1;
};

// A consistent copy of a pool's state, cheap enough to poll several times a second.
struct WorkerPoolSnapshot {
    std::int64_t workers = 0;  // the worker count the pool is converging to
    std::int64_t queue_capacity = 0;
    bool paused = false;
    bool shutting_down = false;  // shutdown() or shutdown_now() was called
    bool stopped = false;        // every worker has exited

    std::uint64_t submit_calls = 0;  // accepted + rejected
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;  // queue full, shut down, would deadlock, or wait ended
    std::uint64_t queued = 0;
    std::uint64_t running = 0;
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t discarded = 0;
    Error last_failure;  // the most recent failed or timed-out task's error; empty if none

    HistogramSnapshot queue_wait;  // from acceptance to start
    HistogramSnapshot run_time;    // from start to return
};

namespace detail {

// Returns a readable description of the exception being handled: what() for std::exception,
// the text of a thrown string, or the type name (and value, for arithmetic types) otherwise.
// Precondition: called inside a catch block.
[[nodiscard]] std::string describe_current_exception();

// Returns whether the calling thread is a worker of `pool`.
[[nodiscard]] bool on_worker_of(const void* pool) noexcept;

template <class F>
inline constexpr bool takes_context_v = std::is_invocable_v<F&, const Context&>;

template <class F>
using task_return_t =
    typename std::conditional_t<takes_context_v<F>, std::invoke_result<F&, const Context&>,
                                std::invoke_result<F&>>::type;

template <class R>
struct result_traits {
    using value_type = R;
    static constexpr bool is_result = false;
};
template <class U>
struct result_traits<Result<U>> {
    using value_type = U;
    static constexpr bool is_result = true;
};

// The T of TaskHandle<T> for a callable F: its return type with a Result<> unwrapped.
template <class F>
using task_value_t = typename result_traits<std::decay_t<task_return_t<F>>>::value_type;

// Invokes `f` and turns its return value or exception into a Result.
template <class T, class F>
Result<T> call_task(F& f, const Context& ctx) noexcept {
    try {
        using R = std::decay_t<task_return_t<F>>;
        auto invoke = [&]() -> decltype(auto) {
            if constexpr (takes_context_v<F>) {
                return std::invoke(f, ctx);
            } else {
                return std::invoke(f);
            }
        };
        if constexpr (result_traits<R>::is_result) {
            return invoke();
        } else if constexpr (std::is_void_v<R>) {
            invoke();
            return Result<void>();
        } else {
            return Result<T>(invoke());
        }
    } catch (...) {
        return Error(errc::task_failed, describe_current_exception());
    }
}

// Shared state behind a TaskHandle.
template <class T>
class TaskState {
  public:
    explicit TaskState(std::shared_ptr<const Clock> clock) : clock_(std::move(clock)) {}

    // Publishes the result and wakes every waiter. Only the first call has an effect.
    void complete(Result<T> result) {
        {
            std::lock_guard guard(mutex_);
            if (result_) {
                return;
            }
            result_.emplace(std::move(result));
            ready_.store(true, std::memory_order_release);
        }
        cv_.notify_all();
    }

    [[nodiscard]] bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }

    // Blocks until the result is published or `ctx` ends; returns the wait's error, if any.
    std::error_code wait(const Context& ctx) {
        if (ready()) {
            return {};
        }
        std::unique_lock lock(mutex_);
        return goflow::wait(*clock_, lock, cv_, ctx, [this] { return result_.has_value(); });
    }

    // Precondition: ready().
    [[nodiscard]] const Result<T>& result() const { return *result_; }

    // Filled by the worker between running the task and publishing the outcome.
    std::optional<Result<T>> pending;

  private:
    std::shared_ptr<const Clock> clock_;
    std::mutex mutex_;
    std::condition_variable_any cv_;
    std::optional<Result<T>> result_;  // guarded by mutex_; never changes once set
    std::atomic<bool> ready_{false};
};

// A queued unit of work: a move-only, type-erased object with two steps. run() executes the
// task and returns its error, empty on success. finish() publishes the outcome to the task's
// handle, if it has one, or `*override_error` when the pool decided the outcome (a timeout or
// a discard).
class Job {
  public:
    Job() noexcept = default;

    template <class Impl>
    explicit Job(Impl impl) {
        if constexpr (sizeof(Impl) <= kInlineSize && alignof(Impl) <= alignof(std::max_align_t) &&
                      std::is_nothrow_move_constructible_v<Impl>) {
            ::new (static_cast<void*>(storage_)) Impl(std::move(impl));
            ops_ = &inline_ops<Impl>;
        } else {
            ::new (static_cast<void*>(storage_)) Impl*(new Impl(std::move(impl)));
            ops_ = &heap_ops<Impl>;
        }
    }

    Job(Job&& other) noexcept { take(other); }
    Job& operator=(Job&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;
    ~Job() { reset(); }

    Error run(const Context& ctx) { return ops_->run(storage_, ctx); }
    void finish(const Error* override_error) { ops_->finish(storage_, override_error); }

    // A value of `enqueued` for a job left out of the latency sample.
    static constexpr TimePoint kUntimed = TimePoint::min();

    Context context;       // the submitter's context; parent of the task's context
    TimePoint enqueued{};  // when the pool accepted the job, or kUntimed

  private:
    static constexpr std::size_t kInlineSize = 48;

    struct Ops {
        Error (*run)(void* self, const Context& ctx);
        void (*finish)(void* self, const Error* override_error);
        void (*relocate)(void* dst, void* src) noexcept;
        void (*destroy)(void* self) noexcept;
    };

    template <class Impl>
    static constexpr Ops inline_ops{
        [](void* self, const Context& ctx) { return static_cast<Impl*>(self)->run(ctx); },
        [](void* self, const Error* e) { static_cast<Impl*>(self)->finish(e); },
        [](void* dst, void* src) noexcept {
            ::new (dst) Impl(std::move(*static_cast<Impl*>(src)));
            static_cast<Impl*>(src)->~Impl();
        },
        [](void* self) noexcept { static_cast<Impl*>(self)->~Impl(); },
    };

    template <class Impl>
    static constexpr Ops heap_ops{
        [](void* self, const Context& ctx) { return (*static_cast<Impl**>(self))->run(ctx); },
        [](void* self, const Error* e) { (*static_cast<Impl**>(self))->finish(e); },
        [](void* dst, void* src) noexcept { ::new (dst) Impl*(*static_cast<Impl**>(src)); },
        [](void* self) noexcept { delete *static_cast<Impl**>(self); },
    };

    void take(Job& other) noexcept {
        if (other.ops_ != nullptr) {
            other.ops_->relocate(storage_, other.storage_);
            ops_ = std::exchange(other.ops_, nullptr);
        }
        context = std::move(other.context);
        enqueued = other.enqueued;
    }
    void reset() noexcept {
        if (ops_ != nullptr) {
            std::exchange(ops_, nullptr)->destroy(storage_);
        }
    }

    alignas(std::max_align_t) unsigned char storage_[kInlineSize];
    const Ops* ops_ = nullptr;
};

// Fire-and-forget job: the outcome only feeds the pool's counters.
template <class F>
struct PostedJob {
    F fn;
    Error run(const Context& ctx) {
        using T = task_value_t<F>;
        Result<T> r = call_task<T>(fn, ctx);
        return r ? Error() : r.error();
    }
    void finish(const Error*) noexcept {}
};

// Job behind a TaskHandle. A job destroyed before finish() (never run by a pool) still
// completes its handle, so a waiter can never hang on a lost task.
template <class F, class T>
struct SubmittedJob {
    F fn;
    std::shared_ptr<TaskState<T>> state;

    SubmittedJob(F f, std::shared_ptr<TaskState<T>> s) : fn(std::move(f)), state(std::move(s)) {}
    SubmittedJob(SubmittedJob&&) noexcept(std::is_nothrow_move_constructible_v<F>) = default;
    SubmittedJob(const SubmittedJob&) = delete;
    ~SubmittedJob() {
        if (state && !state->ready()) {
            state->complete(Error(errc::shut_down, "task dropped without running"));
        }
    }

    Error run(const Context& ctx) {
        state->pending.emplace(call_task<T>(fn, ctx));
        return state->pending->ok() ? Error() : state->pending->error();
    }
    void finish(const Error* override_error) {
        if (override_error != nullptr) {
            state->complete(*override_error);
        } else if (state->pending) {
            state->complete(std::move(*state->pending));
        } else {
            state->complete(Error(errc::task_failed, "task finished without running"));
        }
    }
};

// Runs callbacks at time points of a clock on one lazily started thread. Used for task and
// stage timeouts. Callbacks run on the timer thread without the timer's lock held.
class DeadlineTimer {
  public:
    explicit DeadlineTimer(std::shared_ptr<const Clock> clock);
    ~DeadlineTimer();  // stops the thread; callbacks not yet due never run
    DeadlineTimer(const DeadlineTimer&) = delete;
    DeadlineTimer& operator=(const DeadlineTimer&) = delete;

    // Schedules `callback` for `deadline` and returns an id for cancel().
    std::uint64_t schedule(TimePoint deadline, std::function<void()> callback);
    // Removes a callback; returns false when it already ran or is running.
    bool cancel(std::uint64_t id);

  private:
    void run(std::stop_token stop);

    std::shared_ptr<const Clock> clock_;
    std::mutex mutex_;
    std::condition_variable_any changed_;
    std::map<std::pair<TimePoint, std::uint64_t>, std::function<void()>> due_;  // guarded by mutex_
    std::map<std::uint64_t, TimePoint> deadlines_;  // guarded by mutex_; id -> key in due_
    std::uint64_t next_id_ = 1;                     // guarded by mutex_
    bool version_changed_ = false;                  // guarded by mutex_
    std::jthread thread_;                           // started by the first schedule()
};

struct PoolLifecycle {
    std::shared_ptr<const Clock> clock;
    std::mutex mutex;
    std::condition_variable_any cv;
    bool stopped = false;  // guarded by mutex
};

}  // namespace detail

// The result of a submitted task. Copies share the same result.
template <class T>
class TaskHandle {
  public:
    TaskHandle() = default;  // not valid(); waiting on it is a precondition violation

    [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }
    // Returns whether the result is available; never blocks.
    [[nodiscard]] bool ready() const noexcept { return state_->ready(); }

    // Blocks until the result is available, then returns it. The reference lives as long as
    // any handle to this task.
    const Result<T>& wait() const {
        static_cast<void>(state_->wait(Context()));
        return state_->result();
    }

    // Blocks until the result is available or `ctx` ends, and returns a copy of the task's
    // result, or errc::canceled / errc::deadline_exceeded when the wait ended first (the task
    // itself goes on).
    [[nodiscard]] Result<T> get(const Context& ctx = {}) const {
        if (std::error_code ec = state_->wait(ctx)) {
            return Error(ec, "stopped waiting for the task");
        }
        return state_->result();
    }

  private:
    friend class WorkerPool;
    explicit TaskHandle(std::shared_ptr<detail::TaskState<T>> state) : state_(std::move(state)) {}

    std::shared_ptr<detail::TaskState<T>> state_;
};

// Waits for a pool's shutdown to finish. Outlives the pool safely.
class ShutdownHandle {
  public:
    // Returns whether every worker has exited.
    [[nodiscard]] bool done() const;

    // Blocks until every worker has exited or `ctx` ends. Called from one of the pool's own
    // tasks before the pool stopped, it fails at once with errc::would_deadlock, because the
    // calling task keeps the pool running.
    Result<void> wait(const Context& ctx = {}) const;

  private:
    friend class WorkerPool;
    ShutdownHandle(std::shared_ptr<detail::PoolLifecycle> state, const void* pool)
        : state_(std::move(state)), pool_(pool) {}

    std::shared_ptr<detail::PoolLifecycle> state_;
    const void* pool_;
};

class WorkerPool {
  public:
    // Starts the workers. Throws std::invalid_argument naming the field when workers < 1,
    // queue_capacity < 0, task_timeout or block_timeout is negative.
    explicit WorkerPool(WorkerPoolOptions options);

    // Performs a graceful shutdown and blocks until every queued and running task has finished
    // and every worker thread is joined. Must not run on one of this pool's workers (aborts).
    ~WorkerPool();

    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues `fn` under the full policy and returns a handle to its result. A rejected submit
    // returns a handle that is already ready with errc::queue_full, errc::shut_down,
    // errc::would_deadlock, or the error that ended the wait for room. `ctx` bounds the wait
    // for room and is the parent of the task's context. Never throws for runtime outcomes.
    template <class F>
    [[nodiscard]] TaskHandle<detail::task_value_t<std::decay_t<F>>> submit(
        F&& fn, const Context& ctx = {}) {
        auto handle = make_submission(std::forward<F>(fn), ctx);
        static_cast<void>(enqueue(std::move(handle.second), true, ctx));
        return std::move(handle.first);
    }

    // Queues `fn` only if there is room now; never blocks. Fails with errc::queue_full or
    // errc::shut_down.
    template <class F>
    [[nodiscard]] Result<TaskHandle<detail::task_value_t<std::decay_t<F>>>> try_submit(
        F&& fn, const Context& ctx = {}) {
        auto handle = make_submission(std::forward<F>(fn), ctx);
        if (Result<void> accepted = enqueue(std::move(handle.second), false, ctx); !accepted) {
            return accepted.error();
        }
        return std::move(handle.first);
    }

    // Fire-and-forget: queues `fn` under the full policy. A failure of the task itself shows
    // only in the counters and in snapshot().last_failure. The cheapest way to run work.
    template <class F>
    Result<void> post(F&& fn, const Context& ctx = {}) {
        return enqueue(make_posted(std::forward<F>(fn), ctx), true, ctx);
    }

    // Fire-and-forget without blocking: fails with errc::queue_full or errc::shut_down.
    template <class F>
    Result<void> try_post(F&& fn, const Context& ctx = {}) {
        return enqueue(make_posted(std::forward<F>(fn), ctx), false, ctx);
    }

    // Stops accepting tasks, runs every queued task and lets running ones finish. Returns at
    // once; the handle waits for the end. Idempotent, and safe from the pool's own tasks.
    ShutdownHandle shutdown();

    // Stops accepting tasks, cancels the contexts of running tasks and completes every queued
    // task with errc::discarded. Returns at once. May follow shutdown().
    ShutdownHandle shutdown_now();

    // Stops workers from starting queued tasks (running ones go on); resume() undoes it. A
    // graceful shutdown runs the queue even while paused.
    void pause();
    void resume();

    // Changes the number of workers. Extra workers exit after their current task. Throws
    // std::invalid_argument when `workers` < 1; fails with errc::shut_down after shutdown.
    Result<void> set_workers(std::int64_t workers);

    // Blocks until no task is queued or running, or `ctx` ends. Any number of threads may wait
    // at once; all wake. From one of the pool's own tasks it fails at once with
    // errc::would_deadlock. A paused pool with queued tasks is not idle.
    Result<void> wait_idle(const Context& ctx = {});

    [[nodiscard]] WorkerPoolSnapshot snapshot() const;
    [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }
    [[nodiscard]] const std::shared_ptr<const Clock>& shared_clock() const noexcept {
        return clock_;
    }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

  private:
    template <class F>
    auto make_submission(F&& fn, const Context& ctx) {
        using Fn = std::decay_t<F>;
        using T = detail::task_value_t<Fn>;
        auto state = std::make_shared<detail::TaskState<T>>(clock_);
        detail::Job job(detail::SubmittedJob<Fn, T>(std::forward<F>(fn), state));
        job.context = ctx;
        return std::pair<TaskHandle<T>, detail::Job>(TaskHandle<T>(std::move(state)),
                                                     std::move(job));
    }

    template <class F>
    detail::Job make_posted(F&& fn, const Context& ctx) {
        detail::Job job(detail::PostedJob<std::decay_t<F>>{std::forward<F>(fn)});
        job.context = ctx;
        return job;
    }

    // Accepts `job` or returns why not, after finishing the job with that error. `may_block`
    // selects the full policy; false rejects when full.
    Result<void> enqueue(detail::Job job, bool may_block, const Context& ctx);
    Result<void> reject_locked(Error error);
    [[nodiscard]] bool has_room_locked() const;
    void begin_shutdown(bool force);
    void worker_main();
    // Latency histograms of one worker. Each worker records into its own, so that workers do
    // not contend on the histogram counters; snapshot() merges them.
    struct WorkerHistograms {
        LatencyHistogram queue_wait;
        LatencyHistogram run_time;
    };

    // Runs one job that started at `start` and returns the error to count it by. Sets
    // `timed_out`, and sets `end` to the time the job returned and returns true in `read_end`
    // when the clock was read.
    Error run_job(detail::Job& job, TimePoint start, TimePoint& end, bool& read_end,
                  bool& timed_out, WorkerHistograms& histograms);
    void spawn_locked(std::int64_t count);
    std::vector<std::thread> take_exited_locked();

    const std::shared_ptr<const Clock> clock_;
    const std::string name_;
    const std::int64_t capacity_;
    const Duration task_timeout_;
    const FullPolicy full_policy_;
    const std::int64_t sample_interval_;
    const Duration block_timeout_;
    CancelSource force_;  // canceled by shutdown_now(); parent of every task's context
    std::shared_ptr<detail::PoolLifecycle> lifecycle_;
    std::unique_ptr<detail::DeadlineTimer> timer_;  // null without a task timeout

    mutable std::mutex mutex_;
    std::condition_variable work_cv_;          // workers wait here for tasks
    std::condition_variable_any space_cv_;     // blocked submitters wait here for room
    std::condition_variable_any idle_cv_;      // wait_idle callers wait here
    std::deque<detail::Job> queue_;            // guarded by mutex_
    std::atomic<std::size_t> queued_hint_{0};  // queue_.size() as of the last change; lock-free
    std::vector<std::thread> threads_;         // guarded by mutex_; joined by the destructor
    std::vector<std::thread::id> exited_;      // guarded by mutex_; workers that left their loop
    std::int64_t live_ = 0;                    // guarded by mutex_; workers inside their loop
    std::int64_t retire_ = 0;                  // guarded by mutex_; workers asked to exit
    std::int64_t idle_ = 0;                    // guarded by mutex_; workers waiting for a task
    std::int64_t blocked_submitters_ = 0;      // guarded by mutex_
    std::int64_t idle_waiters_ = 0;            // guarded by mutex_
    bool paused_ = false;                      // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
    bool forced_ = false;                      // guarded by mutex_
    std::uint64_t accepted_ = 0;               // guarded by mutex_
    std::uint64_t rejected_ = 0;               // guarded by mutex_
    std::uint64_t running_ = 0;                // guarded by mutex_
    std::uint64_t completed_ = 0;              // guarded by mutex_
    std::uint64_t failed_ = 0;                 // guarded by mutex_
    std::uint64_t timed_out_ = 0;              // guarded by mutex_
    std::uint64_t discarded_ = 0;              // guarded by mutex_
    Error last_failure_;                       // guarded by mutex_

    // Guarded by mutex_; entries are never removed, so a worker's histograms outlive it.
    std::vector<std::unique_ptr<WorkerHistograms>> histograms_;
};

}  // namespace goflow
