#include "goflow/clock.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace goflow {

bool Clock::sleep_until(TimePoint deadline, std::stop_token stop) const {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    wait_until(lock, cv, stop, deadline, [] { return false; });
    return now() >= deadline;
}

TimePoint SteadyClock::now() const noexcept {
    return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
}

WallTimePoint SteadyClock::wall_now() const noexcept {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

bool SteadyClock::do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                                std::stop_token stop, TimePoint deadline,
                                detail::PredicateRef pred) const {
    // A deadline centuries away is treated as none, so that the conversion to the system's
    // timespec inside the timed wait cannot overflow.
    constexpr auto kFarFuture = std::chrono::hours(24 * 365 * 100);
    if (deadline == kNoDeadline || deadline - now() > kFarFuture) {
        return cv.wait(lock, stop, pred);
    }
    return cv.wait_until(lock, stop, deadline, pred);
}

std::shared_ptr<const Clock> system_clock() {
    static const auto clock = std::make_shared<const SteadyClock>();
    return clock;
}

ManualClock::ManualClock(TimePoint start, WallTimePoint wall_start) noexcept
    : wall_start_(wall_start), start_(start), now_ns_(start.time_since_epoch().count()) {}

TimePoint ManualClock::now() const noexcept {
    return TimePoint(Duration(now_ns_.load(std::memory_order_acquire)));
}

WallTimePoint ManualClock::wall_now() const noexcept {
    return wall_start_ + (now() - start_);
}

void ManualClock::advance(Duration step) {
    if (step < Duration::zero()) {
        throw std::invalid_argument("ManualClock::advance: step must not be negative, got " +
                                    std::to_string(step.count()) + " ns");
    }
    std::vector<std::stop_source> due;
    {
        std::lock_guard guard(mutex_);
        const TimePoint target = now() + step;
        now_ns_.store(target.time_since_epoch().count(), std::memory_order_release);
        for (const Sleeper& sleeper : sleepers_) {
            if (sleeper.deadline <= target) {
                due.push_back(sleeper.wake);
            }
        }
    }
    // Stop requests run the waiters' wake-up callbacks, which lock the condition variables'
    // internal mutexes; issuing them outside mutex_ keeps the lock order one-way.
    for (std::stop_source& wake : due) {
        wake.request_stop();
    }
}

void ManualClock::advance_to(TimePoint t) {
    const TimePoint current = now();
    if (t < current) {
        throw std::invalid_argument("ManualClock::advance_to: time point is " +
                                    std::to_string((current - t).count()) +
                                    " ns earlier than now; a clock only moves forward");
    }
    advance(t - current);
}

std::size_t ManualClock::waiters() const {
    std::lock_guard guard(mutex_);
    return sleepers_.size();
}

std::optional<TimePoint> ManualClock::next_deadline() const {
    std::lock_guard guard(mutex_);
    std::optional<TimePoint> earliest;
    for (const Sleeper& sleeper : sleepers_) {
        if (sleeper.deadline != kNoDeadline && (!earliest || sleeper.deadline < *earliest)) {
            earliest = sleeper.deadline;
        }
    }
    return earliest;
}

bool ManualClock::await_waiters(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return sleepers_changed_.wait_for(lock, timeout, [&] { return sleepers_.size() >= count; });
}

std::uint64_t ManualClock::add_sleeper(TimePoint deadline, std::stop_source wake) const {
    std::uint64_t id = 0;
    {
        std::lock_guard guard(mutex_);
        id = next_id_++;
        sleepers_.push_back({id, deadline, wake});
    }
    sleepers_changed_.notify_all();
    return id;
}

void ManualClock::remove_sleeper(std::uint64_t id) const {
    {
        std::lock_guard guard(mutex_);
        std::erase_if(sleepers_, [id](const Sleeper& s) { return s.id == id; });
    }
    sleepers_changed_.notify_all();
}

// A waiter cannot hand a manual deadline to the condition variable, so it waits with a private
// stop token instead. That token is stopped by the caller's stop request or by an advance that
// reaches the deadline. std::condition_variable_any checks the token under its internal lock, so
// an advance that lands between registration and the wait is not lost.
bool ManualClock::do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                                std::stop_token stop, TimePoint deadline,
                                detail::PredicateRef pred) const {
    if (pred()) {
        return true;
    }
    if (now() >= deadline) {
        return false;
    }
    std::stop_source wake;
    std::stop_callback forward_stop(stop, [&wake] { wake.request_stop(); });
    const std::uint64_t id = add_sleeper(deadline, wake);
    if (now() >= deadline) {
        wake.request_stop();
    }
    const bool ready = cv.wait(lock, wake.get_token(), pred);
    remove_sleeper(id);
    return ready;
}

}  // namespace goflow
