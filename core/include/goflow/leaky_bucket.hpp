// Leaky bucket pacer: admissions spaced 1/rate apart, with an explicit slack.
//
// Every admission gets a slot, and slots follow each other at exactly 1/rate seconds. After an
// idle period the first `slack` + 1 admissions may go at once. Every later one waits for its
// slot, so beyond the slack consecutive admissions are never closer than 1/rate. A slack of 0
// means strictly spaced. take() blocks until the caller's slot; try_take() admits only when a
// slot is free now; reserve() assigns a slot and returns its time without blocking, which is
// how the simulator drives a bucket on virtual time (reserve_at). A time point earlier than the
// latest one seen counts as that latest one.
//
// How it differs from goflow::TokenBucket: the token bucket starts full and lets a whole burst
// through at once after idling, takes requests of n tokens and reports a fractional level; it
// is a meter for an average rate with bursts allowed. The leaky bucket admits one request per
// slot and by default (slack 0) never two within 1/rate; it is a pacer for a downstream that
// wants evenly spaced calls. For single-token requests a leaky bucket with slack k admits the
// same sequence as a token bucket with burst k + 1 and the same rate.
//
// Slot times are computed from an integer slot count since the last idle period, as
// origin + ceil(count * 1e9 / rate) nanoseconds, so the spacing never drifts by rounding, and
// they saturate instead of overflowing: a take whose slot lies beyond TimePoint::max() never
// goes.
//
//     goflow::LeakyBucket pacer({.rate = 50, .slack = 0});
//     for (const Request& r : batch) {
//         if (auto ok = pacer.take(ctx); !ok) return ok.error();  // canceled or deadline
//         send(r);                                                  // at most one every 20 ms
//     }
//
// Thread safety: every member may be called concurrently; one mutex guards the state.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/result.hpp"

namespace goflow {

struct LeakyBucketOptions {
    // Admissions per second: positive, or LeakyBucket::unlimited to admit everything at once.
    double rate = 1;
    // Admissions beyond the first that may go at once after an idle period; 0 spaces every
    // admission 1/rate apart.
    std::int64_t slack = 0;
    // Time source; null means goflow::system_clock().
    std::shared_ptr<const Clock> clock;
};

// A cheap copy of a pacer's state for dashboards and tests.
struct LeakyBucketSnapshot {
    double rate = 0;
    std::int64_t slack = 0;
    double backlog = 0;          // slots assigned beyond now, in units of 1/rate (fractional)
    std::uint64_t admitted = 0;  // takes that went (try_take, take or reserve)
    std::uint64_t rejected = 0;  // takes refused by try_take, or failed in take or reserve
};

class LeakyBucket {
  public:
    static constexpr double unlimited = std::numeric_limits<double>::infinity();

    // Throws std::invalid_argument naming the field when the rate is zero, negative or NaN, or
    // the slack is negative.
    explicit LeakyBucket(LeakyBucketOptions options);

    LeakyBucket(const LeakyBucket&) = delete;
    LeakyBucket& operator=(const LeakyBucket&) = delete;

    // Admits one request if a slot is free now. Never blocks.
    [[nodiscard]] bool try_take();
    [[nodiscard]] bool try_take_at(TimePoint t);

    // Blocks until the caller's slot comes. Fails at once, taking no slot, when the context is
    // already canceled (errc::canceled) or when the slot would come after the context's deadline
    // (errc::deadline_exceeded). A slot that would never come fails with
    // errc::deadline_exceeded if the context has a deadline and errc::rate_limited otherwise. A
    // take canceled while blocked fails with errc::canceled. It frees its slot when no later take
    // holds one, and otherwise leaves the slot unused, so later takes keep their times. There is
    // no take_at(): on virtual time, reserve_at() returns the time at which the caller proceeds.
    Result<void> take(const Context& ctx = {});

    // Assigns the next slot and returns its time, which may be later than now. Never blocks.
    // Fails with errc::rate_limited, assigning nothing, when the slot would never come.
    [[nodiscard]] Result<TimePoint> reserve();
    [[nodiscard]] Result<TimePoint> reserve_at(TimePoint t);

    // Returns how long a take made now (or at `t`) would wait, assuming no other caller takes.
    // Duration::max() means never.
    [[nodiscard]] Duration time_until() const;
    [[nodiscard]] Duration time_until_at(TimePoint t) const;

    [[nodiscard]] double rate() const noexcept { return rate_; }
    [[nodiscard]] std::int64_t slack() const noexcept { return slack_; }
    [[nodiscard]] LeakyBucketSnapshot snapshot() const;
    [[nodiscard]] const Clock& clock() const noexcept { return *clock_; }

  private:
    // The slot a take at `now` would get, and the state after taking it.
    struct Slot {
        TimePoint at;          // kNoDeadline when the slot never comes
        TimePoint origin;      // origin_ after the take
        std::int64_t count{};  // count_ after the take
    };

    // Returns the offset of slot `index` (at least 0) from the origin, rounded up to whole
    // nanoseconds and saturated at Duration::max().
    Duration slot_offset(std::int64_t index) const;
    // Returns origin + offset, or kNoDeadline when that is beyond TimePoint::max().
    static TimePoint add_saturated(TimePoint origin, Duration offset);
    // Computes the slot for a take at `now` (not earlier than last_) without changing state.
    Slot next_slot_locked(TimePoint now) const;
    // Applies `slot` and moves last_ to `now`.
    void commit_locked(const Slot& slot, TimePoint now);

    std::shared_ptr<const Clock> clock_;
    const double rate_;
    const std::int64_t slack_;
    const double nanos_per_slot_;  // 1e9 / rate_; 0 when unlimited

    mutable std::mutex mutex_;
    TimePoint origin_;            // guarded by mutex_; when the current run of slots started
    std::int64_t count_ = 0;      // guarded by mutex_; slots assigned since origin_
    TimePoint next_free_;         // guarded by mutex_; time of slot count_ of the current run
    TimePoint last_;              // guarded by mutex_; latest time point seen
    std::uint64_t admitted_ = 0;  // guarded by mutex_
    std::uint64_t rejected_ = 0;  // guarded by mutex_
};

}  // namespace goflow
