#include "goflow/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace goflow {
namespace {

constexpr double kNanosPerSecond = 1e9;

}  // namespace

double TokenBucketOptions::every(Duration interval) {
    require_option(interval > Duration::zero(), "interval", "positive (in ns)",
                   static_cast<double>(interval.count()));
    return kNanosPerSecond / static_cast<double>(interval.count());
}

TokenBucket::TokenBucket(TokenBucketOptions options)
    : clock_(options.clock ? std::move(options.clock) : system_clock()),
      rate_(options.rate),
      burst_(options.burst) {
    require_option(!std::isnan(rate_) && rate_ >= 0, "rate", "a non-negative number or unlimited",
                   rate_);
    require_option(burst_ >= 0, "burst", "non-negative", static_cast<double>(burst_));
    tokens_ = options.initial_tokens.value_or(static_cast<double>(burst_));
    require_option(!std::isnan(tokens_) && tokens_ >= 0 && tokens_ <= static_cast<double>(burst_),
                   "initial_tokens", "between 0 and the burst", tokens_);
    last_ = clock_->now();
    last_event_ = last_;
}

double TokenBucket::tokens_at_locked(TimePoint t) const {
    if (t <= last_ || rate_ == 0) {
        return tokens_;
    }
    const double elapsed_ns = static_cast<double>((t - last_).count());
    return std::min(static_cast<double>(burst_), tokens_ + elapsed_ns * rate_ / kNanosPerSecond);
}

double TokenBucket::advance_locked(TimePoint t) {
    if (t > last_) {
        tokens_ = tokens_at_locked(t);
        last_ = t;
    }
    return tokens_;
}

Duration TokenBucket::duration_for_locked(double tokens) const {
    if (tokens <= 0) {
        return Duration::zero();
    }
    if (rate_ == 0) {
        return Duration::max();
    }
    const double ns = std::ceil(tokens * kNanosPerSecond / rate_);
    // Anything at or beyond the largest representable wait saturates rather than overflowing.
    if (!(ns < static_cast<double>(Duration::max().count()))) {
        return Duration::max();
    }
    return Duration(static_cast<Duration::rep>(ns));
}

bool TokenBucket::allow(std::int64_t n) {
    return allow_at(clock_->now(), n);
}

bool TokenBucket::allow_at(TimePoint t, std::int64_t n) {
    if (n < 0) {
        throw std::invalid_argument("TokenBucket::allow: n must be non-negative, got " +
                                    std::to_string(n));
    }
    std::lock_guard guard(mutex_);
    if (rate_ == unlimited) {
        ++admitted_;
        return true;
    }
    const double available = advance_locked(t);
    if (n > burst_ || available < static_cast<double>(n)) {
        ++rejected_;
        return false;
    }
    tokens_ -= static_cast<double>(n);
    ++admitted_;
    return true;
}

Result<void> TokenBucket::wait(std::int64_t n, const Context& ctx) {
    if (n < 0) {
        throw std::invalid_argument("TokenBucket::wait: n must be non-negative, got " +
                                    std::to_string(n));
    }
    TimePoint act_at;
    {
        std::lock_guard guard(mutex_);
        if (rate_ == unlimited) {
            ++admitted_;
            return {};
        }
        if (n > burst_) {
            ++rejected_;
            return Error(errc::exceeds_burst, "requested " + std::to_string(n) +
                                                  " tokens, burst is " + std::to_string(burst_));
        }
        const TimePoint now = clock_->now();
        if (std::error_code ec = ctx.error(now)) {
            ++rejected_;
            return Error(ec);
        }
        const double available = advance_locked(now);
        const Duration delay = duration_for_locked(static_cast<double>(n) - available);
        act_at = delay >= kNoDeadline - now ? kNoDeadline : now + delay;
        if (act_at > ctx.deadline()) {
            ++rejected_;
            return Error(errc::deadline_exceeded, "tokens would be available after the deadline");
        }
        tokens_ -= static_cast<double>(n);
        if (delay == Duration::zero()) {
            ++admitted_;
            return {};
        }
        last_event_ = std::max(last_event_, act_at);
    }

    const std::error_code ec = sleep_until(*clock_, ctx, act_at);
    std::lock_guard guard(mutex_);
    if (!ec) {
        ++admitted_;
        return {};
    }
    cancel_reservation_locked(n, act_at, clock_->now());
    ++rejected_;
    return Error(ec);
}

void TokenBucket::cancel_reservation_locked(std::int64_t n, TimePoint act_at, TimePoint now) {
    if (act_at <= now) {
        return;
    }
    // Tokens reserved after this one were counted against the deficit this reservation left,
    // so only the part not covered by those later reservations can be handed back.
    const double claimed_later =
        static_cast<double>((last_event_ - act_at).count()) * rate_ / kNanosPerSecond;
    const double restore = static_cast<double>(n) - claimed_later;
    if (restore <= 0) {
        return;
    }
    advance_locked(now);
    tokens_ = std::min(static_cast<double>(burst_), tokens_ + restore);
    if (act_at == last_event_) {
        const TimePoint previous = act_at - duration_for_locked(static_cast<double>(n));
        if (previous >= now) {
            last_event_ = previous;
        }
    }
}

double TokenBucket::tokens() const {
    return tokens_at(clock_->now());
}

double TokenBucket::tokens_at(TimePoint t) const {
    std::lock_guard guard(mutex_);
    if (rate_ == unlimited) {
        return static_cast<double>(burst_);
    }
    return tokens_at_locked(t);
}

Duration TokenBucket::time_until(std::int64_t n) const {
    std::lock_guard guard(mutex_);
    if (rate_ == unlimited) {
        return Duration::zero();
    }
    if (n > burst_) {
        return Duration::max();
    }
    return duration_for_locked(static_cast<double>(n) - tokens_at_locked(clock_->now()));
}

double TokenBucket::rate() const {
    std::lock_guard guard(mutex_);
    return rate_;
}

std::int64_t TokenBucket::burst() const {
    std::lock_guard guard(mutex_);
    return burst_;
}

TokenBucketSnapshot TokenBucket::snapshot() const {
    std::lock_guard guard(mutex_);
    const double level = rate_ == unlimited ? static_cast<double>(burst_)
                                            : tokens_at_locked(clock_->now());
    return {level, rate_, burst_, admitted_, rejected_};
}

}  // namespace goflow
