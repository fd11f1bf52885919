// Concurrency limiter: at most `limit` permits held at once, waiters served first come, first
// served.
//
// A caller acquires n permits and gets a Permit, a move-only guard that gives them back when it
// is released or destroyed. acquire() blocks with a context, acquire_for() with a timeout, and
// try_acquire() never blocks. Waiters are served strictly in arrival order: a request for many
// permits is not overtaken by a stream of small ones, and try_acquire() fails while anyone
// waits. A waiter whose context ends never keeps a permit while reporting an error. When a
// release races with the cancellation, either the grant comes first and acquire() succeeds, or
// the waiter leaves the queue first and the release serves the next waiter.
//
// Releases go through the Permit that the acquisition returned, so a release can never take
// back permits that another caller holds: releasing an empty, moved-from or already released
// Permit, or more permits than it holds, fails with errc::not_acquired and changes nothing.
// set_limit() changes the limit at any time. Lowering it below the permits in use revokes
// nothing; new acquisitions wait until in_use() + n <= limit(). Releases never wait for anything
// but the internal mutex.
//
//     goflow::ConcurrencyLimiter db_slots({.limit = 8});
//     auto permit = db_slots.acquire_for(200ms);
//     if (!permit) return permit.error();  // timed out, canceled, or more than the limit
//     run_query();                         // the permit is released when `permit` goes
//
// Thread safety: every ConcurrencyLimiter member may be called concurrently; one mutex guards
// the state. A Permit belongs to one caller at a time. The limiter must outlive its permits,
// and must not be destroyed while a thread waits in it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/result.hpp"

namespace goflow {

struct ConcurrencyLimiterOptions {
    // Maximum permits held at once; at least 1.
    std::int64_t limit = 1;
    // Time source for deadlines and timeouts; null means goflow::system_clock().
    std::shared_ptr<const Clock> clock;
};

// A cheap copy of a limiter's state for dashboards and tests.
struct ConcurrencyLimiterSnapshot {
    std::int64_t limit = 0;
    std::int64_t in_use = 0;     // may exceed limit after the limit was lowered
    std::int64_t waiting = 0;    // threads blocked in acquire
    std::uint64_t acquired = 0;  // successful acquisitions
    std::uint64_t rejected = 0;  // failed acquisitions (busy, timeout, canceled, over limit)
    std::uint64_t released = 0;  // release operations that returned permits
};

class ConcurrencyLimiter {
  public:
    // Permits held by one caller. Releases them on destruction. Move-only.
    class Permit {
      public:
        Permit() = default;
        Permit(Permit&& other) noexcept
            : owner_(std::exchange(other.owner_, nullptr)),
              count_(std::exchange(other.count_, 0)) {}
        Permit& operator=(Permit&& other) noexcept;
        Permit(const Permit&) = delete;
        Permit& operator=(const Permit&) = delete;
        ~Permit() {
            if (owner_ != nullptr) {
                owner_->give_back(count_);
            }
        }

        // Returns the permits still held; 0 once released, moved from or default-constructed.
        [[nodiscard]] std::int64_t count() const noexcept { return count_; }
        [[nodiscard]] explicit operator bool() const noexcept { return count_ > 0; }

        // Gives back all held permits, or n of them. Fails with errc::not_acquired, changing
        // nothing, when the permit holds fewer than n (or none). Throws std::invalid_argument
        // when n < 1.
        Result<void> release();
        Result<void> release(std::int64_t n);

      private:
        friend class ConcurrencyLimiter;
        Permit(ConcurrencyLimiter* owner, std::int64_t count) noexcept
            : owner_(owner), count_(count) {}

        ConcurrencyLimiter* owner_ = nullptr;  // null when empty
        std::int64_t count_ = 0;
    };

    // Throws std::invalid_argument naming "limit" when it is less than 1.
    explicit ConcurrencyLimiter(ConcurrencyLimiterOptions options);

    ConcurrencyLimiter(const ConcurrencyLimiter&) = delete;
    ConcurrencyLimiter& operator=(const ConcurrencyLimiter&) = delete;

    // Blocks until n permits are granted in arrival order, or the context ends. Fails with
    // errc::canceled or errc::deadline_exceeded when the context ends first (at once if it
    // already has), and with errc::exceeds_limit when n is above the limit, at once or when a
    // lowered limit makes the request impossible. Throws std::invalid_argument when n < 1.
    [[nodiscard]] Result<Permit> acquire(std::int64_t n = 1, const Context& ctx = {});

    // acquire() with the context's deadline shortened to now + timeout on this limiter's clock.
    [[nodiscard]] Result<Permit> acquire_for(Duration timeout, std::int64_t n = 1,
                                             const Context& ctx = {});

    // Takes n permits if they are free now and nobody waits. Never blocks. Fails with
    // errc::rate_limited when busy and errc::exceeds_limit when n is above the limit.
    [[nodiscard]] Result<Permit> try_acquire(std::int64_t n = 1);

    // Gives back n of the permits that `permit` holds; the same as permit.release(n). Fails
    // with errc::not_acquired, changing nothing, when `permit` holds fewer than n permits of
    // this limiter.
    Result<void> release(Permit& permit, std::int64_t n);

    // Runs `f` while holding one permit taken with try_acquire(), and returns its result. When
    // no permit is free, returns the error and never calls `f`. Exceptions from `f` propagate
    // after the permit is released.
    template <class F>
    auto try_run(F&& f) -> Result<std::invoke_result_t<F&>> {
        return run_with(try_acquire(1), f);
    }

    // Runs `f` while holding one permit taken with acquire(1, ctx); otherwise as try_run().
    template <class F>
    auto run(const Context& ctx, F&& f) -> Result<std::invoke_result_t<F&>> {
        return run_with(acquire(1, ctx), f);
    }

    // Changes the limit. Raising it grants waiters at once; lowering it revokes nothing and
    // fails the waiters whose request exceeds the new limit with errc::exceeds_limit. Throws
    // std::invalid_argument naming "limit" when it is less than 1.
    void set_limit(std::int64_t limit);

    [[nodiscard]] std::int64_t limit() const;
    // Returns the permits that could be acquired now: limit - in_use, at least 0.
    [[nodiscard]] std::int64_t available() const;
    [[nodiscard]] std::int64_t in_use() const;
    // Returns the number of threads blocked in acquire.
    [[nodiscard]] std::int64_t waiting() const;
    [[nodiscard]] ConcurrencyLimiterSnapshot snapshot() const;
    [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }

  private:
    // A blocked acquisition. Lives on the waiting thread's stack; queued in waiters_.
    struct Waiter {
        std::int64_t count;
        bool granted = false;     // guarded by mutex_; set when the permits were handed over
        std::error_code failure;  // guarded by mutex_; set when the request became impossible
        std::condition_variable_any wake;
    };

    template <class F>
    static auto run_with(Result<Permit> permit, F& f) -> Result<std::invoke_result_t<F&>> {
        if (!permit) {
            return permit.error();
        }
        if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
            std::invoke(f);
            return {};
        } else {
            return std::invoke(f);
        }
    }

    Error exceeds_limit_error(std::int64_t n) const;
    // Returns n permits that a Permit held and serves waiters. Never fails.
    void give_back(std::int64_t n) noexcept;
    // Hands permits to waiters at the head of the queue while they fit.
    void grant_waiters_locked();

    std::shared_ptr<const Clock> clock_;

    mutable std::mutex mutex_;
    std::int64_t limit_;          // guarded by mutex_
    std::int64_t in_use_ = 0;     // guarded by mutex_
    std::list<Waiter*> waiters_;  // guarded by mutex_; arrival order
    std::uint64_t acquired_ = 0;  // guarded by mutex_
    std::uint64_t rejected_ = 0;  // guarded by mutex_
    std::uint64_t released_ = 0;  // guarded by mutex_
};

}  // namespace goflow
