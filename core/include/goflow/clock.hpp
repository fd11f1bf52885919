// Injected time: every time-dependent goflow primitive reads time from a Clock.
//
// SteadyClock reads std::chrono::steady_clock and is the default. ManualClock moves only when
// a test or the simulator advances it; a thread blocked in Clock::wait_until on a manual clock
// wakes when the clock is advanced to or past its deadline. Both report time as goflow::TimePoint
// (nanoseconds on the steady clock's epoch), so a primitive's arithmetic never depends on which
// clock drives it.
//
//     auto clock = std::make_shared<goflow::ManualClock>();
//     goflow::TokenBucket bucket({.rate = 10, .burst = 5, .clock = clock});
//     clock->advance(100ms);  // one more token
//
// Thread safety: all members of both clocks may be called concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>
#include <vector>

namespace goflow {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;
using WallTimePoint = std::chrono::time_point<std::chrono::system_clock, Duration>;

// A TimePoint that is never reached; used as "no deadline".
inline constexpr TimePoint kNoDeadline = TimePoint::max();

namespace detail {

// A non-owning reference to a callable returning bool, so that Clock::wait_until can be
// virtual without allocating for its predicate.
class PredicateRef {
  public:
    template <class F>
    PredicateRef(F& f) noexcept
        : object_(static_cast<void*>(&f)),
          call_([](void* o) { return static_cast<bool>((*static_cast<F*>(o))()); }) {}

    bool operator()() const { return call_(object_); }

  private:
    void* object_;
    bool (*call_)(void*);
};

}  // namespace detail

class Clock {
  public:
    virtual ~Clock() = default;

    // Returns the current time of this clock.
    [[nodiscard]] virtual TimePoint now() const noexcept = 0;

    // Returns the calendar time that corresponds to now(), for schedules written in wall time.
    [[nodiscard]] virtual WallTimePoint wall_now() const noexcept = 0;

    // Blocks on `cv` until `pred()` is true, this clock reaches `deadline`, or a stop is
    // requested on `stop`. `lock` must hold the mutex that guards the state `pred` reads, and
    // whoever changes that state must notify `cv`. Returns pred() as evaluated last.
    template <class Pred>
    bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                    std::stop_token stop, TimePoint deadline, Pred pred) const {
        return do_wait_until(lock, cv, std::move(stop), deadline, detail::PredicateRef(pred));
    }

    // Blocks until this clock reaches `deadline` or a stop is requested on `stop`. Returns true
    // when the deadline was reached and false when the wait was stopped first.
    bool sleep_until(TimePoint deadline, std::stop_token stop = {}) const;

  protected:
    virtual bool do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                               std::stop_token stop, TimePoint deadline,
                               detail::PredicateRef pred) const = 0;
};

// Reads std::chrono::steady_clock; waits use the condition variable's own timed wait.
class SteadyClock final : public Clock {
  public:
    [[nodiscard]] TimePoint now() const noexcept override;
    [[nodiscard]] WallTimePoint wall_now() const noexcept override;

  protected:
    bool do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                       std::stop_token stop, TimePoint deadline,
                       detail::PredicateRef pred) const override;
};

// Returns the process-wide SteadyClock that primitives use when no clock is given.
[[nodiscard]] std::shared_ptr<const Clock> system_clock();

// A clock that moves only when advanced. Threads blocked on it wake when an advance reaches
// their deadline; tests observe blocked threads through waiters() instead of sleeping.
class ManualClock final : public Clock {
  public:
    // Starts at `start`, which corresponds to the calendar time `wall_start`.
    explicit ManualClock(TimePoint start = TimePoint{},
                         WallTimePoint wall_start = WallTimePoint{}) noexcept;

    ManualClock(const ManualClock&) = delete;
    ManualClock& operator=(const ManualClock&) = delete;

    [[nodiscard]] TimePoint now() const noexcept override;
    [[nodiscard]] WallTimePoint wall_now() const noexcept override;

    // Moves time forward by `step` and wakes every waiter whose deadline is reached.
    // Throws std::invalid_argument when `step` is negative.
    void advance(Duration step);

    // Moves time forward to `t`. Throws std::invalid_argument when `t` is earlier than now().
    void advance_to(TimePoint t);

    // Returns how many threads are blocked in wait_until or sleep_until on this clock.
    [[nodiscard]] std::size_t waiters() const;

    // Returns the earliest deadline among blocked threads, if any.
    [[nodiscard]] std::optional<TimePoint> next_deadline() const;

    // Blocks, in real time, until at least `count` threads wait on this clock or `timeout`
    // passes. Returns whether the count was reached. Tests use it to reach "the worker is
    // blocked" by observation.
    bool await_waiters(std::size_t count,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  protected:
    bool do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                       std::stop_token stop, TimePoint deadline,
                       detail::PredicateRef pred) const override;

  private:
    struct Sleeper {
        std::uint64_t id;
        TimePoint deadline;
        std::stop_source wake;
    };

    std::uint64_t add_sleeper(TimePoint deadline, std::stop_source wake) const;
    void remove_sleeper(std::uint64_t id) const;

    WallTimePoint wall_start_;
    TimePoint start_;
    std::atomic<Duration::rep> now_ns_;

    mutable std::mutex mutex_;
    mutable std::condition_variable sleepers_changed_;  // signalled on add and remove
    mutable std::vector<Sleeper> sleepers_;             // guarded by mutex_
    mutable std::uint64_t next_id_ = 1;                 // guarded by mutex_
};

}  // namespace goflow
