#include "limiter_model.hpp"

#include <unordered_map>

#include "goflow/concurrency_limiter.hpp"
#include "goflow/leaky_bucket.hpp"
#include "goflow/token_bucket.hpp"

namespace goflow::sim::detail {
namespace {

TimePoint at(Duration t) {
    return TimePoint(t);
}

void advance_clock(ManualClock* clock, Duration t) {
    if (clock != nullptr && at(t) > clock->now()) {
        clock->advance_to(at(t));
    }
}

class TokenBucketModel final : public LimiterModel {
  public:
    TokenBucketModel(const LimiterConfig& c, std::shared_ptr<const Clock> clock, ManualClock*)
        : bucket_({.rate = c.rate, .burst = c.burst, .clock = std::move(clock)}) {}

    bool admit(Duration t, std::uint64_t) override { return bucket_.allow_at(at(t)); }

    double level(Duration t) override { return bucket_.tokens_at(at(t)); }

    void set(std::string_view field, double value, Duration t) override {
        if (field == "rate") {
            bucket_.set_rate_at(at(t), value);
        } else if (field == "burst") {
            bucket_.set_burst_at(at(t), static_cast<std::int64_t>(value));
        }
    }

  private:
    TokenBucket bucket_;
};

class LeakyBucketModel final : public LimiterModel {
  public:
    LeakyBucketModel(const LimiterConfig& c, std::shared_ptr<const Clock> clock,
                     ManualClock* manual)
        : config_(c), clock_(std::move(clock)), manual_(manual), bucket_(make_bucket()) {}

    bool admit(Duration t, std::uint64_t) override { return bucket_->try_take_at(at(t)); }

    double level(Duration t) override {
        advance_clock(manual_, t);
        return bucket_->snapshot().backlog;
    }

    // The leaky bucket has no reconfiguration; a change starts a fresh pacer from `t`, which
    // forgets slots promised beyond `t`. A pacer only promises slots to admitted requests, and
    // the simulator admits only at a slot's own time, so nothing is lost.
    void set(std::string_view field, double value, Duration t) override {
        if (field == "rate") {
            config_.rate = value;
        } else if (field == "slack") {
            config_.slack = static_cast<std::int64_t>(value);
        }
        advance_clock(manual_, t);
        bucket_ = make_bucket();
    }

  private:
    std::unique_ptr<LeakyBucket> make_bucket() const {
        return std::make_unique<LeakyBucket>(
            LeakyBucketOptions{.rate = config_.rate, .slack = config_.slack, .clock = clock_});
    }

    LimiterConfig config_;
    std::shared_ptr<const Clock> clock_;
    ManualClock* manual_;
    std::unique_ptr<LeakyBucket> bucket_;
};

class ConcurrencyModel final : public LimiterModel {
  public:
    ConcurrencyModel(const LimiterConfig& c, std::shared_ptr<const Clock> clock, ManualClock*)
        : limiter_({.limit = c.limit, .clock = std::move(clock)}) {}

    bool admit(Duration, std::uint64_t job) override {
        auto permit = limiter_.try_acquire(1);
        if (!permit) {
            return false;
        }
        permits_.emplace(job, std::move(*permit));
        return true;
    }

    void release(std::uint64_t job) override { permits_.erase(job); }

    double level(Duration) override { return static_cast<double>(limiter_.in_use()); }

    void set(std::string_view field, double value, Duration) override {
        if (field == "limit") {
            limiter_.set_limit(static_cast<std::int64_t>(value));
        }
    }

  private:
    ConcurrencyLimiter limiter_;
    std::unordered_map<std::uint64_t, ConcurrencyLimiter::Permit> permits_;
};

}  // namespace

std::unique_ptr<LimiterModel> make_limiter_model(const LimiterConfig& config,
                                                 std::shared_ptr<const Clock> clock,
                                                 ManualClock* manual) {
    switch (config.type) {
        case LimiterConfig::Type::token_bucket:
            return std::make_unique<TokenBucketModel>(config, std::move(clock), manual);
        case LimiterConfig::Type::leaky_bucket:
            return std::make_unique<LeakyBucketModel>(config, std::move(clock), manual);
        case LimiterConfig::Type::concurrency:
            return std::make_unique<ConcurrencyModel>(config, std::move(clock), manual);
    }
    return nullptr;
}

}  // namespace goflow::sim::detail
