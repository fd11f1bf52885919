#include "goflow/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace goflow {
namespace {

constexpr double kNanosPerSecond = 1e9;

// Levels are kept in units of 1e-9 token. Refilling over `elapsed` nanoseconds at `rate` tokens
// per second is then the single product elapsed * rate, which is exact for integer rates and
// products below 2^53 and needs no division on the admission path.
constexpr double kLevelPerToken = 1e9;

double to_level(double tokens) {
    return tokens * kLevelPerToken;
}

double to_tokens(double level) {
    return level / kLevelPerToken;
}

[[noreturn, gnu::noinline, gnu::cold]] void throw_negative_count(std::int64_t n,
                                                                 const char* function) {
    throw std::invalid_argument(std::string(function) + ": n must be non-negative, got " +
                                std::to_string(n));
}

void require_count(std::int64_t n, const char* function) {
    if (n < 0) [[unlikely]] {
        throw_negative_count(n, function);
    }
}

void pause_while_spinning() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

void require_rate(double rate) {
    require_option(!std::isnan(rate) && rate >= 0, "rate", "a non-negative number or unlimited",
                   rate);
}

void require_burst(std::int64_t burst) {
    require_option(burst >= 0, "burst", "non-negative", static_cast<double>(burst));
}

}  // namespace

void detail::SpinThenWaitLock::lock_contended() noexcept {
    // A hundred pauses (a few microseconds, depending on the CPU's pause latency) cover a
    // holder that is running. Past that the holder was probably preempted, and sleeping is
    // cheaper.
    constexpr int kSpins = 100;
    for (int i = 0; i < kSpins; ++i) {
        std::uint32_t expected = kFree;
        if (state_.load(std::memory_order_relaxed) == kFree &&
            state_.compare_exchange_weak(expected, kLocked, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
            return;
        }
        pause_while_spinning();
    }
    // Marking the lock "with sleepers" before sleeping makes the holder's unlock() notify. A
    // thread that gets the lock this way keeps the mark, which costs at most one spare notify.
    while (state_.exchange(kLockedWithSleepers, std::memory_order_acquire) != kFree) {
        state_.wait(kLockedWithSleepers, std::memory_order_relaxed);
    }
}

double TokenBucketOptions::every(Duration interval) {
    require_option(interval > Duration::zero(), "interval", "positive (in ns)",
                   static_cast<double>(interval.count()));
    return kNanosPerSecond / static_cast<double>(interval.count());
}

TokenBucket::TokenBucket(TokenBucketOptions options)
    : clock_(options.clock ? std::move(options.clock) : system_clock()),
      rate_(options.rate),
      burst_(options.burst) {
    require_rate(rate_);
    require_burst(burst_);
    const double initial = options.initial_tokens.value_or(static_cast<double>(burst_));
    require_option(!std::isnan(initial) && initial >= 0 && initial <= static_cast<double>(burst_),
                   "initial_tokens", "between 0 and the burst", initial);
    level_ = to_level(initial);
    burst_level_ = to_level(static_cast<double>(burst_));
    last_ = clock_->now();
    last_event_ = last_;
}

// ---- Arithmetic (callers hold mutex_) ----

inline double TokenBucket::level_at_locked(TimePoint t) const {
    if (rate_ == unlimited) {
        return burst_level_;
    }
    if (t <= last_ || rate_ == 0) {
        return level_;
    }
    // The product may overflow to infinity for huge rates or gaps; the cap still applies.
    const double elapsed_ns = static_cast<double>((t - last_).count());
    return std::min(burst_level_, level_ + elapsed_ns * rate_);
}

inline double TokenBucket::advance_locked(TimePoint t) {
    if (t > last_) {
        level_ = level_at_locked(t);
        last_ = t;
    }
    return level_;
}

Duration TokenBucket::duration_for_locked(double level) const {
    if (level <= 0 || rate_ == unlimited) {
        return Duration::zero();
    }
    if (rate_ == 0) {
        return Duration::max();
    }
    const double ns = std::ceil(level / rate_);
    // Anything at or beyond the largest representable wait saturates rather than overflowing.
    if (!(ns < static_cast<double>(Duration::max().count()))) {
        return Duration::max();
    }
    return Duration(static_cast<Duration::rep>(ns));
}

Result<TimePoint> TokenBucket::reserve_locked(TimePoint t, std::int64_t n, TimePoint latest) {
    const TimePoint now = std::max(t, last_);
    if (rate_ == unlimited) {
        return now;
    }
    if (n > burst_) {
        ++rejected_;
        return Error(errc::exceeds_burst, "requested " + std::to_string(n) + " tokens, burst is " +
                                              std::to_string(burst_));
    }
    const double request = to_level(static_cast<double>(n));
    const Duration delay = duration_for_locked(request - advance_locked(now));
    if (delay == Duration::max() || now >= kNoDeadline - delay) {
        ++rejected_;
        if (latest != kNoDeadline) {
            return Error(errc::deadline_exceeded, "tokens would never become available");
        }
        return Error(errc::rate_limited,
                     "tokens would never become available at rate " + std::to_string(rate_));
    }
    const TimePoint act_at = now + delay;
    if (act_at > latest) {
        ++rejected_;
        return Error(errc::deadline_exceeded, "tokens would be available after the deadline");
    }
    level_ -= request;
    last_event_ = std::max(last_event_, act_at);
    return act_at;
}

double TokenBucket::cancel_reservation_locked(std::int64_t n, TimePoint act_at, TimePoint now) {
    if (act_at <= now || rate_ == unlimited) {
        return 0;
    }
    // Tokens reserved after this one were counted against the deficit this reservation left,
    // so only the part not covered by those later reservations can be handed back.
    const double claimed_later = static_cast<double>((last_event_ - act_at).count()) * rate_;
    const double request = to_level(static_cast<double>(n));
    const double restore = request - claimed_later;
    if (restore <= 0) {
        return 0;
    }
    advance_locked(now);
    const double before = level_;
    level_ = std::min(burst_level_, level_ + restore);
    if (act_at == last_event_) {
        const Duration own_share = duration_for_locked(request);
        if (own_share <= act_at - now) {
            last_event_ = act_at - own_share;
        }
    }
    return to_tokens(level_ - before);
}

// ---- Admission ----

bool TokenBucket::allow(std::int64_t n) {
    return allow_at(clock_->now(), n);
}

bool TokenBucket::allow_at(TimePoint t, std::int64_t n) {
    require_count(n, "TokenBucket::allow");
    std::lock_guard guard(mutex_);
    if (rate_ == unlimited) {
        ++admitted_;
        return true;
    }
    const double request = to_level(static_cast<double>(n));
    const double available = advance_locked(t);
    if (n > burst_ || available < request) {
        ++rejected_;
        return false;
    }
    level_ -= request;
    ++admitted_;
    return true;
}

Result<void> TokenBucket::wait(std::int64_t n, const Context& ctx) {
    require_count(n, "TokenBucket::wait");
    TimePoint act_at;
    {
        std::lock_guard guard(mutex_);
        const TimePoint now = clock_->now();
        if (std::error_code ec = ctx.error(now)) {
            ++rejected_;
            return Error(ec);
        }
        Result<TimePoint> reserved = reserve_locked(now, n, ctx.deadline());
        if (!reserved) {
            return reserved.error();
        }
        act_at = *reserved;
        if (act_at <= now) {
            ++admitted_;
            return {};
        }
    }

    const std::error_code ec = sleep_until(*clock_, ctx, act_at);
    std::lock_guard guard(mutex_);
    if (!ec) {
        ++admitted_;
        return {};
    }
    cancel_reservation_locked(n, act_at, std::max(clock_->now(), last_));
    ++rejected_;
    return Error(ec);
}

Result<TokenBucket::Reservation> TokenBucket::reserve(std::int64_t n) {
    return reserve_at(clock_->now(), n);
}

Result<TokenBucket::Reservation> TokenBucket::reserve_at(TimePoint t, std::int64_t n) {
    require_count(n, "TokenBucket::reserve");
    std::lock_guard guard(mutex_);
    Result<TimePoint> reserved = reserve_locked(t, n, kNoDeadline);
    if (!reserved) {
        return reserved.error();
    }
    ++admitted_;
    return Reservation(this, n, *reserved);
}

// ---- Reconfiguration ----

void TokenBucket::set_rate(double rate) {
    set_rate_at(clock_->now(), rate);
}

void TokenBucket::set_rate_at(TimePoint t, double rate) {
    require_rate(rate);
    std::lock_guard guard(mutex_);
    advance_locked(std::max(t, last_));
    if (rate_ == unlimited) {
        // An unlimited bucket is full by definition; it starts the new rate full.
        level_ = burst_level_;
    }
    rate_ = rate;
}

void TokenBucket::set_burst(std::int64_t burst) {
    set_burst_at(clock_->now(), burst);
}

void TokenBucket::set_burst_at(TimePoint t, std::int64_t burst) {
    require_burst(burst);
    std::lock_guard guard(mutex_);
    advance_locked(std::max(t, last_));
    burst_ = burst;
    burst_level_ = to_level(static_cast<double>(burst_));
    level_ = std::min(level_, burst_level_);
}

// ---- Readout ----

double TokenBucket::tokens() const {
    return tokens_at(clock_->now());
}

double TokenBucket::tokens_at(TimePoint t) const {
    std::lock_guard guard(mutex_);
    return to_tokens(level_at_locked(t));
}

Duration TokenBucket::time_until(std::int64_t n) const {
    return time_until_at(clock_->now(), n);
}

Duration TokenBucket::time_until_at(TimePoint t, std::int64_t n) const {
    std::lock_guard guard(mutex_);
    if (rate_ == unlimited) {
        return Duration::zero();
    }
    if (n > burst_) {
        return Duration::max();
    }
    return duration_for_locked(to_level(static_cast<double>(n)) - level_at_locked(t));
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
    return {to_tokens(level_at_locked(clock_->now())), rate_, burst_, admitted_, rejected_};
}

// ---- Reservation ----

TokenBucket::Reservation::Reservation(Reservation&& other) noexcept
    : bucket_(std::exchange(other.bucket_, nullptr)),
      tokens_(std::exchange(other.tokens_, 0)),
      act_at_(other.act_at_),
      active_(std::exchange(other.active_, false)) {}

TokenBucket::Reservation& TokenBucket::Reservation::operator=(Reservation&& other) noexcept {
    if (this != &other) {
        bucket_ = std::exchange(other.bucket_, nullptr);
        tokens_ = std::exchange(other.tokens_, 0);
        act_at_ = other.act_at_;
        active_ = std::exchange(other.active_, false);
    }
    return *this;
}

Duration TokenBucket::Reservation::delay_from(TimePoint t) const noexcept {
    return act_at_ > t ? act_at_ - t : Duration::zero();
}

Duration TokenBucket::Reservation::delay() const {
    return bucket_ == nullptr ? Duration::zero() : delay_from(bucket_->clock_->now());
}

double TokenBucket::Reservation::cancel() {
    return bucket_ == nullptr ? 0 : cancel_at(bucket_->clock_->now());
}

double TokenBucket::Reservation::cancel_at(TimePoint t) {
    if (!active_) {
        return 0;
    }
    active_ = false;
    std::lock_guard guard(bucket_->mutex_);
    return bucket_->cancel_reservation_locked(tokens_, act_at_, std::max(t, bucket_->last_));
}

}  // namespace goflow
