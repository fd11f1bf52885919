// Token bucket rate limiter: bursts up to `burst`, a long-run average of `rate` per second.
//
// The bucket holds up to `burst` tokens and gains `rate` tokens per second. Each admission takes
// n tokens. allow() answers at once; wait() blocks until the tokens are due or the context ends;
// reserve() takes the tokens now and tells the caller how long to wait, so it can decide. Every
// time-based call has an `_at(t, ...)` form that uses `t` instead of the clock, which is how the
// simulator drives a bucket on virtual time; a time point earlier than one already seen never
// adds tokens.
//
// Tokens are kept as a double and refilled from integer nanosecond timestamps, so fractional
// tokens carry over between calls and no elapsed time is dropped. A rate of `unlimited` admits
// everything; a rate of 0 admits only what the bucket holds.
//
//     goflow::TokenBucket limiter({.rate = 100, .burst = 200});
//     if (!limiter.allow()) return http_429();
//
// Thread safety: every member may be called concurrently; a mutex guards the state.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/result.hpp"

namespace goflow {

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
    double tokens = 0;          // may be fractional, and negative while reservations wait
    double rate = 0;
    std::int64_t burst = 0;
    std::uint64_t admitted = 0;  // requests that got their tokens (allow, wait or reserve)
    std::uint64_t rejected = 0;  // requests refused by allow, wait or reserve
};

class TokenBucket {
public:
    static constexpr double unlimited = std::numeric_limits<double>::infinity();

    // Throws std::invalid_argument naming the field when the rate is negative or NaN, the
    // burst is negative, or the initial token count is negative, NaN or above the burst.
    explicit TokenBucket(TokenBucketOptions options);

    TokenBucket(const TokenBucket&) = delete;
    TokenBucket& operator=(const TokenBucket&) = delete;

    // Takes n tokens if the bucket holds them now. Never blocks.
    [[nodiscard]] bool allow(std::int64_t n = 1);
    [[nodiscard]] bool allow_at(TimePoint t, std::int64_t n = 1);

    // Blocks until n tokens are due, then takes them. Fails at once with errc::exceeds_burst
    // when n > burst, and with errc::deadline_exceeded when the tokens would come after the
    // context's deadline; neither takes tokens. A wait canceled while blocked returns its
    // tokens and fails with errc::canceled.
    Result<void> wait(std::int64_t n = 1, const Context& ctx = {});

    // Returns the tokens in the bucket now; fractional, and negative while reservations wait.
    [[nodiscard]] double tokens() const;
    [[nodiscard]] double tokens_at(TimePoint t) const;

    // Returns how long until n tokens are available, assuming no other caller takes any.
    // Duration::max() means never (rate 0, or n above the burst).
    [[nodiscard]] Duration time_until(std::int64_t n = 1) const;

    [[nodiscard]] double rate() const;
    [[nodiscard]] std::int64_t burst() const;
    [[nodiscard]] TokenBucketSnapshot snapshot() const;
    [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }

private:
    // Returns the tokens at `t` without changing state; `t` before last_ counts as last_.
    double tokens_at_locked(TimePoint t) const;
    // Moves the state to `t` (ignored when earlier than last_) and returns the tokens.
    double advance_locked(TimePoint t);
    // Converts a token deficit into a wait, saturating at Duration::max().
    Duration duration_for_locked(double tokens) const;
    // Hands back the part of a reservation of n tokens due at `act_at` that no later
    // reservation has claimed.
    void cancel_reservation_locked(std::int64_t n, TimePoint act_at, TimePoint now);

    std::shared_ptr<const Clock> clock_;

    mutable std::mutex mutex_;
    double rate_;            // guarded by mutex_
    std::int64_t burst_;     // guarded by mutex_
    double tokens_;          // guarded by mutex_; tokens at last_
    TimePoint last_;         // guarded by mutex_; latest time point seen
    TimePoint last_event_;   // guarded by mutex_; when the latest reservation's tokens are due
    std::uint64_t admitted_ = 0;  // guarded by mutex_
    std::uint64_t rejected_ = 0;  // guarded by mutex_
};

}  // namespace goflow
