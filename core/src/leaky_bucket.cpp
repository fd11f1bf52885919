#include "goflow/leaky_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace goflow {
namespace {

constexpr double kNanosPerSecond = 1e9;

}  // namespace

LeakyBucket::LeakyBucket(LeakyBucketOptions options)
    : clock_(options.clock ? std::move(options.clock) : system_clock()),
      rate_(options.rate),
      slack_(options.slack),
      nanos_per_slot_(rate_ == unlimited ? 0.0 : kNanosPerSecond / rate_) {
    require_option(!std::isnan(rate_) && rate_ > 0, "rate", "positive or unlimited", rate_);
    require_option(slack_ >= 0, "slack", "non-negative", static_cast<double>(slack_));
    origin_ = clock_->now();
    next_free_ = origin_;
    last_ = origin_;
}

// ---- Slot arithmetic ----

Duration LeakyBucket::slot_offset(std::int64_t index) const {
    // Computed from the index each time, in extended precision, so that rounding never
    // accumulates from one slot to the next.
    const long double ns = std::ceil(static_cast<long double>(index) * kNanosPerSecond /
                                     static_cast<long double>(rate_));
    if (!(ns < static_cast<long double>(Duration::max().count()))) {
        return Duration::max();
    }
    return Duration(static_cast<Duration::rep>(ns));
}

TimePoint LeakyBucket::add_saturated(TimePoint origin, Duration offset) {
    if (origin >= kNoDeadline - offset) {
        return kNoDeadline;
    }
    return origin + offset;
}

LeakyBucket::Slot LeakyBucket::next_slot_locked(TimePoint now) const {
    if (rate_ == unlimited) {
        return {now, origin_, count_};
    }
    Slot slot{now, origin_, count_};
    if (next_free_ < now) {
        // Idle: the unused slots are gone, and a new run of slots starts now.
        slot.origin = now;
        slot.count = 0;
    }
    // Slot number `count` may go as early as the slot `slack` places before it; the first
    // `slack` + 1 slots of a run therefore go at once.
    if (slot.count > slack_) {
        // With no slack the earliest time is next_free_ itself, which saves a division.
        const TimePoint earliest =
            slack_ == 0 ? next_free_ : add_saturated(slot.origin, slot_offset(slot.count - slack_));
        slot.at = std::max(now, earliest);
    }
    ++slot.count;
    return slot;
}

void LeakyBucket::commit_locked(const Slot& slot, TimePoint now) {
    origin_ = slot.origin;
    count_ = slot.count;
    next_free_ = add_saturated(origin_, slot_offset(count_));
    last_ = std::max(last_, now);
}

// ---- Admission ----

bool LeakyBucket::try_take() {
    return try_take_at(clock_->now());
}

bool LeakyBucket::try_take_at(TimePoint t) {
    std::lock_guard guard(mutex_);
    const TimePoint now = std::max(t, last_);
    const Slot slot = next_slot_locked(now);
    if (slot.at > now) {
        last_ = now;
        ++rejected_;
        return false;
    }
    commit_locked(slot, now);
    ++admitted_;
    return true;
}

Result<void> LeakyBucket::take(const Context& ctx) {
    Slot slot;
    {
        std::lock_guard guard(mutex_);
        const TimePoint clock_now = clock_->now();
        if (std::error_code ec = ctx.error(clock_now)) {
            ++rejected_;
            return Error(ec);
        }
        const TimePoint now = std::max(clock_now, last_);
        slot = next_slot_locked(now);
        if (slot.at == kNoDeadline) {
            ++rejected_;
            if (ctx.has_deadline()) {
                return Error(errc::deadline_exceeded, "the next slot never comes");
            }
            return Error(errc::rate_limited, "the next slot never comes");
        }
        if (slot.at > ctx.deadline()) {
            ++rejected_;
            return Error(errc::deadline_exceeded, "the next slot comes after the deadline");
        }
        commit_locked(slot, now);
        if (slot.at <= clock_now) {
            ++admitted_;
            return {};
        }
    }

    const std::error_code ec = sleep_until(*clock_, ctx, slot.at);
    std::lock_guard guard(mutex_);
    if (!ec) {
        ++admitted_;
        return {};
    }
    // Free the slot only while it is the last one assigned; a later take keeps its own time.
    if (origin_ == slot.origin && count_ == slot.count) {
        --count_;
        next_free_ = add_saturated(origin_, slot_offset(count_));
    }
    ++rejected_;
    return Error(ec);
}

Result<TimePoint> LeakyBucket::reserve() {
    return reserve_at(clock_->now());
}

Result<TimePoint> LeakyBucket::reserve_at(TimePoint t) {
    std::lock_guard guard(mutex_);
    const TimePoint now = std::max(t, last_);
    const Slot slot = next_slot_locked(now);
    if (slot.at == kNoDeadline) {
        ++rejected_;
        return Error(errc::rate_limited, "the next slot never comes");
    }
    commit_locked(slot, now);
    ++admitted_;
    return slot.at;
}

// ---- Readout ----

Duration LeakyBucket::time_until() const {
    return time_until_at(clock_->now());
}

Duration LeakyBucket::time_until_at(TimePoint t) const {
    std::lock_guard guard(mutex_);
    const TimePoint now = std::max(t, last_);
    const Slot slot = next_slot_locked(now);
    if (slot.at == kNoDeadline) {
        return Duration::max();
    }
    return slot.at - now;
}

LeakyBucketSnapshot LeakyBucket::snapshot() const {
    std::lock_guard guard(mutex_);
    const TimePoint now = std::max(clock_->now(), last_);
    double backlog = 0;
    if (rate_ != unlimited) {
        if (next_free_ > now) {
            backlog = static_cast<double>((next_free_ - now).count()) / nanos_per_slot_;
        }
    }
    return {rate_, slack_, backlog, admitted_, rejected_};
}

}  // namespace goflow
