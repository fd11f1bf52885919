// Token bucket rate limiter: bursts up to `burst`, a long-run average of `rate` per second.
//
// The bucket holds up to `burst` tokens and gains `rate` tokens per second. Each admission takes
// n tokens. allow() returns at once, and wait() blocks until the tokens are due or the context
// ends. reserve() takes the tokens now and returns when they are due, so the caller can decide
// whether to wait; cancelling the reservation hands back what no later caller has claimed.
// Every time-based call has an `_at(t, ...)` form that uses `t` instead of the clock, which is
// how the simulator drives a bucket on virtual time. A time point earlier than the latest one
// passed to a call that changes the bucket counts as that latest one, so it never adds tokens
// and never dates an admission earlier. Readouts (tokens_at, time_until_at) change nothing and
// may look at any time point.
//
// The level is a double in units of 1e-9 token, refilled from integer nanosecond timestamps by
// one multiplication, so fractional tokens carry over between calls and no elapsed time is
// dropped. Waits are rounded up to the next nanosecond and saturate at Duration::max(), so a
// tiny rate such as 1e-12/s still limits. A rate of `unlimited` admits everything regardless of
// the burst, and a rate of 0 admits only what the bucket holds. set_rate() and set_burst() keep
// the tokens earned so far (clamped to the new burst) and apply the new values from that
// instant.
//
//     goflow::TokenBucket limiter({.rate = 100, .burst = 200});
//     if (!limiter.allow()) return http_429();
//     if (auto r = limiter.wait(5, ctx); !r) return r.error();  // deadline, canceled, burst
//
// Thread safety: every TokenBucket member may be called concurrently; one lock guards the
// state. A Reservation is a move-only handle owned by one caller; distinct reservations may be
// used concurrently. The bucket must outlive its reservations.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/result.hpp"

namespace goflow {

namespace detail {

// A 4-byte lock for critical sections of a few nanoseconds that never wait on a condition
// variable. A contended lock() spins briefly, then sleeps in std::atomic::wait, so two threads
// taking turns do not pay a futex round trip each time. Satisfies Lockable.
class SpinThenWaitLock {
  public:
    void lock() noexcept {
        std::uint32_t expected = kFree;
        if (!state_.compare_exchange_weak(expected, kLocked, std::memory_order_acquire,
                                          std::memory_order_relaxed)) {
            lock_contended();
        }
    }

    bool try_lock() noexcept {
        std::uint32_t expected = kFree;
        return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                              std::memory_order_relaxed);
    }

    void unlock() noexcept {
        if (state_.exchange(kFree, std::memory_order_release) == kLockedWithSleepers) {
            state_.notify_one();
        }
    }

  private:
    static constexpr std::uint32_t kFree = 0;
    static constexpr std::uint32_t kLocked = 1;
    static constexpr std::uint32_t kLockedWithSleepers = 2;

    void lock_contended() noexcept;

    std::atomic<std::uint32_t> state_{kFree};
};

}  // namespace detail

struct TokenBucketOptions {
    // Tokens added per second; TokenBucket::unlimited admits every request.
    double rate = 0;
    // Maximum tokens the bucket holds; also the largest single request.
    std::int64_t burst = 1;
    // Tokens at construction; the default is a full bucket.
    std::optional<double> initial_tokens;
    // Time source; null means goflow::system_clock().
    std::shared_ptr<const Clock> clock;

    // Returns the rate that adds one token every `interval`.
    [[nodiscard]] static double every(Duration interval);
};

// A cheap copy of a bucket's state for dashboards and tests.
struct TokenBucketSnapshot {
    double tokens = 0;  // may be fractional, and negative while reservations wait
    double rate = 0;
    std::int64_t burst = 0;
    std::uint64_t admitted = 0;  // requests that got their tokens (allow, wait or reserve)
    std::uint64_t rejected = 0;  // requests refused by allow, wait or reserve
};

class TokenBucket {
  public:
    static constexpr double unlimited = std::numeric_limits<double>::infinity();

    // Tokens taken ahead of time: the caller may act at time_to_act(). Obtained from reserve();
    // a default-constructed or moved-from reservation is empty and cancels nothing.
    class Reservation {
      public:
        Reservation() = default;
        Reservation(Reservation&& other) noexcept;
        Reservation& operator=(Reservation&& other) noexcept;
        Reservation(const Reservation&) = delete;
        Reservation& operator=(const Reservation&) = delete;
        // Destruction does not cancel: the tokens stay taken.
        ~Reservation() = default;

        [[nodiscard]] std::int64_t tokens() const noexcept { return tokens_; }
        // The time point at which the reserved tokens are due.
        [[nodiscard]] TimePoint time_to_act() const noexcept { return act_at_; }
        // Returns how long the caller must wait from `t` (or from the bucket's clock now);
        // zero when the tokens are already due.
        [[nodiscard]] Duration delay_from(TimePoint t) const noexcept;
        [[nodiscard]] Duration delay() const;

        // Hands back the reserved tokens that no later reservation has claimed and returns
        // how many were handed back. Returns 0 without changing the bucket when the
        // reservation is empty, was canceled already, or its time to act is at or before `t`.
        double cancel();
        double cancel_at(TimePoint t);

      private:
        friend class TokenBucket;
        Reservation(TokenBucket* bucket, std::int64_t tokens, TimePoint act_at) noexcept
            : bucket_(bucket), tokens_(tokens), act_at_(act_at), active_(true) {}

        TokenBucket* bucket_ = nullptr;  // null when empty
        std::int64_t tokens_ = 0;
        TimePoint act_at_{};
        bool active_ = false;  // false when empty, moved from or canceled
    };

    // Throws std::invalid_argument naming the field when the rate is negative or NaN, the
    // burst is negative, or the initial token count is negative, NaN or above the burst.
    explicit TokenBucket(TokenBucketOptions options);

    TokenBucket(const TokenBucket&) = delete;
    TokenBucket& operator=(const TokenBucket&) = delete;

    // Takes n tokens if the bucket holds them now. Never blocks. A request above the burst
    // returns false and leaves the bucket untouched. Throws std::invalid_argument when n < 0.
    [[nodiscard]] bool allow(std::int64_t n = 1);
    [[nodiscard]] bool allow_at(TimePoint t, std::int64_t n = 1);

    // Blocks until n tokens are due, then takes them. Fails at once, taking no tokens:
    // errc::canceled when the context is already canceled; errc::exceeds_burst when n > burst;
    // errc::deadline_exceeded when the tokens would come after the context's deadline; and
    // errc::rate_limited when they would never come (a rate of 0, or a wait beyond
    // Duration::max()) and the context has no deadline. A wait canceled while blocked hands
    // back its tokens as Reservation::cancel() does and fails with errc::canceled. The wake-up
    // time is fixed when the wait starts; a later set_rate() does not move it. There is no
    // wait_at(): on virtual time, reserve_at() returns the time at which the caller proceeds.
    Result<void> wait(std::int64_t n = 1, const Context& ctx = {});

    // Takes n tokens now, possibly driving the level negative, and returns when they are due.
    // Fails without taking tokens with errc::exceeds_burst when n > burst, and with
    // errc::rate_limited when the tokens would never come. Never blocks.
    [[nodiscard]] Result<Reservation> reserve(std::int64_t n = 1);
    [[nodiscard]] Result<Reservation> reserve_at(TimePoint t, std::int64_t n = 1);

    // Changes the rate from now (or `t`) on. Tokens earned at the old rate up to that instant
    // are kept. Throws std::invalid_argument naming "rate" when it is negative or NaN.
    void set_rate(double rate);
    void set_rate_at(TimePoint t, double rate);

    // Changes the burst from now (or `t`) on; the level is clamped to the new burst. Throws
    // std::invalid_argument naming "burst" when it is negative.
    void set_burst(std::int64_t burst);
    void set_burst_at(TimePoint t, std::int64_t burst);

    // Returns the tokens in the bucket now; fractional, and negative while reservations wait.
    // An unlimited bucket reports its burst.
    [[nodiscard]] double tokens() const;
    [[nodiscard]] double tokens_at(TimePoint t) const;

    // Returns how long until n tokens are available, assuming no other caller takes any.
    // Duration::max() means never (rate 0, a wait beyond Duration::max(), or n above the burst).
    [[nodiscard]] Duration time_until(std::int64_t n = 1) const;
    [[nodiscard]] Duration time_until_at(TimePoint t, std::int64_t n = 1) const;

    [[nodiscard]] double rate() const;
    [[nodiscard]] std::int64_t burst() const;
    [[nodiscard]] TokenBucketSnapshot snapshot() const;
    [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }

  private:
    // Returns the level at `t` without changing state; `t` before last_ counts as last_.
    double level_at_locked(TimePoint t) const;
    // Moves the state to `t` (ignored when earlier than last_) and returns the level.
    double advance_locked(TimePoint t);
    // Converts a deficit of `level` into a wait, rounded up to whole nanoseconds and
    // saturating at Duration::max().
    Duration duration_for_locked(double level) const;
    // Takes n tokens at `t` (or last_ if later) when they are due no later than `latest`, and
    // returns when they are due. Counts the rejections; the caller counts the admission.
    Result<TimePoint> reserve_locked(TimePoint t, std::int64_t n, TimePoint latest);
    // Hands back the part of a reservation of n tokens due at `act_at` that no later
    // reservation has claimed, and returns that part.
    double cancel_reservation_locked(std::int64_t n, TimePoint act_at, TimePoint now);

    // Read without the lock on every call, so it sits apart from the contended cache line.
    std::shared_ptr<const Clock> clock_;

    // The lock and everything allow() touches share one 64-byte cache line, so a contended
    // admission moves one line between cores. A "level" is a token count in units of 1e-9
    // token (see token_bucket.cpp).
    alignas(64) mutable detail::SpinThenWaitLock mutex_;
    double level_;                // guarded by mutex_; tokens at last_, as a level
    TimePoint last_;              // guarded by mutex_; latest time point seen
    double rate_;                 // guarded by mutex_
    std::int64_t burst_;          // guarded by mutex_
    double burst_level_;          // guarded by mutex_; burst_ as a level
    std::uint64_t admitted_ = 0;  // guarded by mutex_
    std::uint64_t rejected_ = 0;  // guarded by mutex_
    TimePoint last_event_;        // guarded by mutex_; when the latest reservation's tokens are due
};

}  // namespace goflow
