#include "goflow/concurrency_limiter.hpp"

#include <stdexcept>
#include <string>
#include <utility>

// How a waiter that gives up keeps no permit: grant_waiters_locked() hands permits over and
// dequeues the waiter under mutex_, and the waiter checks `granted` under the same mutex after
// its wait ends. A waiter that was granted its permits before it got the mutex back returns
// them as a Permit and reports success, even if its context ended in the same instant. A waiter
// that was not granted removes itself from the queue before it releases the mutex, so no later
// release can hand it anything.

namespace goflow {
namespace {

[[noreturn, gnu::noinline, gnu::cold]] void throw_invalid_count(std::int64_t n,
                                                                const char* function) {
    throw std::invalid_argument(std::string(function) + ": n must be at least 1, got " +
                                std::to_string(n));
}

void require_count(std::int64_t n, const char* function) {
    if (n < 1) [[unlikely]] {
        throw_invalid_count(n, function);
    }
}

void require_limit(std::int64_t limit) {
    require_option(limit >= 1, "limit", "at least 1", static_cast<double>(limit));
}

}  // namespace

ConcurrencyLimiter::ConcurrencyLimiter(ConcurrencyLimiterOptions options)
    : clock_(options.clock ? std::move(options.clock) : system_clock()), limit_(options.limit) {
    require_limit(limit_);
}

Error ConcurrencyLimiter::exceeds_limit_error(std::int64_t n) const {
    return Error(errc::exceeds_limit,
                 "requested " + std::to_string(n) + " permits, limit is " + std::to_string(limit_));
}

void ConcurrencyLimiter::grant_waiters_locked() {
    while (!waiters_.empty()) {
        Waiter* head = waiters_.front();
        if (in_use_ + head->count > limit_) {
            return;
        }
        in_use_ += head->count;
        head->granted = true;
        waiters_.pop_front();
        // Notified under the lock: the waiter cannot return, and destroy `wake`, before the
        // lock is released.
        head->wake.notify_one();
    }
}

// ---- Acquisition ----

Result<ConcurrencyLimiter::Permit> ConcurrencyLimiter::acquire(std::int64_t n, const Context& ctx) {
    require_count(n, "ConcurrencyLimiter::acquire");
    std::unique_lock lock(mutex_);
    if (std::error_code ec = ctx.error(*clock_)) {
        ++rejected_;
        return Error(ec);
    }
    if (n > limit_) {
        ++rejected_;
        return exceeds_limit_error(n);
    }
    if (waiters_.empty() && in_use_ + n <= limit_) {
        in_use_ += n;
        ++acquired_;
        return Permit(this, n);
    }

    Waiter waiter{n};
    const auto position = waiters_.insert(waiters_.end(), &waiter);
    const std::error_code ec =
        wait(*clock_, lock, waiter.wake, ctx, [&] { return waiter.granted || waiter.failure; });
    if (waiter.granted) {
        ++acquired_;
        return Permit(this, n);
    }
    if (!waiter.failure) {
        waiters_.erase(position);
    }
    // Removing a waiter from the head may let the ones behind it through.
    grant_waiters_locked();
    ++rejected_;
    if (waiter.failure) {
        return Error(waiter.failure, "requested " + std::to_string(n) +
                                         " permits, limit was lowered to " +
                                         std::to_string(limit_));
    }
    return Error(ec);
}

Result<ConcurrencyLimiter::Permit> ConcurrencyLimiter::acquire_for(Duration timeout, std::int64_t n,
                                                                   const Context& ctx) {
    return acquire(n, ctx.with_timeout(*clock_, timeout));
}

Result<ConcurrencyLimiter::Permit> ConcurrencyLimiter::try_acquire(std::int64_t n) {
    require_count(n, "ConcurrencyLimiter::try_acquire");
    std::lock_guard guard(mutex_);
    if (n > limit_) {
        ++rejected_;
        return exceeds_limit_error(n);
    }
    if (!waiters_.empty() || in_use_ + n > limit_) {
        ++rejected_;
        return Error(errc::rate_limited, std::to_string(in_use_) + " of " + std::to_string(limit_) +
                                             " permits in use, " + std::to_string(waiters_.size()) +
                                             " waiting");
    }
    in_use_ += n;
    ++acquired_;
    return Permit(this, n);
}

// ---- Release and reconfiguration ----

Result<void> ConcurrencyLimiter::release(Permit& permit, std::int64_t n) {
    require_count(n, "ConcurrencyLimiter::release");
    std::lock_guard guard(mutex_);
    if (permit.owner_ != this || permit.count_ < n) {
        return Error(errc::not_acquired, "the permit holds " + std::to_string(permit.count_) +
                                             " permits of this limiter, release of " +
                                             std::to_string(n) + " rejected");
    }
    permit.count_ -= n;
    if (permit.count_ == 0) {
        permit.owner_ = nullptr;
    }
    in_use_ -= n;
    ++released_;
    grant_waiters_locked();
    return {};
}

void ConcurrencyLimiter::give_back(std::int64_t n) noexcept {
    std::lock_guard guard(mutex_);
    in_use_ -= n;
    ++released_;
    if (!waiters_.empty()) {
        grant_waiters_locked();
    }
}

void ConcurrencyLimiter::set_limit(std::int64_t limit) {
    require_limit(limit);
    std::lock_guard guard(mutex_);
    limit_ = limit;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
        Waiter* waiter = *it;
        if (waiter->count > limit_) {
            waiter->failure = make_error_code(errc::exceeds_limit);
            it = waiters_.erase(it);
            waiter->wake.notify_one();
        } else {
            ++it;
        }
    }
    grant_waiters_locked();
}

// ---- Readout ----

std::int64_t ConcurrencyLimiter::limit() const {
    std::lock_guard guard(mutex_);
    return limit_;
}

std::int64_t ConcurrencyLimiter::available() const {
    std::lock_guard guard(mutex_);
    return in_use_ < limit_ ? limit_ - in_use_ : 0;
}

std::int64_t ConcurrencyLimiter::in_use() const {
    std::lock_guard guard(mutex_);
    return in_use_;
}

std::int64_t ConcurrencyLimiter::waiting() const {
    std::lock_guard guard(mutex_);
    return static_cast<std::int64_t>(waiters_.size());
}

ConcurrencyLimiterSnapshot ConcurrencyLimiter::snapshot() const {
    std::lock_guard guard(mutex_);
    return {limit_,    in_use_,   static_cast<std::int64_t>(waiters_.size()),
            acquired_, rejected_, released_};
}

// ---- Permit ----

ConcurrencyLimiter::Permit& ConcurrencyLimiter::Permit::operator=(Permit&& other) noexcept {
    if (this != &other) {
        if (owner_ != nullptr) {
            owner_->give_back(count_);
        }
        owner_ = std::exchange(other.owner_, nullptr);
        count_ = std::exchange(other.count_, 0);
    }
    return *this;
}

Result<void> ConcurrencyLimiter::Permit::release() {
    if (owner_ == nullptr) {
        return Error(errc::not_acquired, "the permit holds no permits");
    }
    return owner_->release(*this, count_);
}

Result<void> ConcurrencyLimiter::Permit::release(std::int64_t n) {
    require_count(n, "ConcurrencyLimiter::Permit::release");
    if (owner_ == nullptr) {
        return Error(errc::not_acquired, "the permit holds no permits");
    }
    return owner_->release(*this, n);
}

}  // namespace goflow
