#include "goflow/sim/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace goflow::sim {
namespace {

constexpr double kNanosPerSecond = 1e9;

double to_ms(std::uint64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

}  // namespace

Engine::Engine(Scenario scenario)
    : scenario_(std::move(scenario)),
      clock_(std::make_shared<ManualClock>()),
      random_(scenario_.seed),
      load_end_(scenario_.load_duration()),
      next_sample_(scenario_.sample_interval) {
    if (scenario_.token_bucket) {
        bucket_.emplace(TokenBucketOptions{.rate = scenario_.token_bucket->rate,
                                           .burst = scenario_.token_bucket->burst,
                                           .clock = clock_});
    }
    totals_.load_duration = load_end_;
    schedule_next_arrival();
}

double Engine::draw_uniform() {
    // 53 random bits give every double in [0, 1) with step 2^-53, the same on every platform.
    return static_cast<double>(random_() >> 11) * 0x1.0p-53;
}

Duration Engine::draw_service_time() {
    const ServiceTime& st = scenario_.pool.service_time;
    switch (st.distribution) {
        case ServiceDistribution::constant: return st.mean;
        case ServiceDistribution::exponential: {
            const double mean_ns = static_cast<double>(st.mean.count());
            return Duration(static_cast<Duration::rep>(-std::log1p(-draw_uniform()) * mean_ns));
        }
        case ServiceDistribution::uniform: {
            const double span = static_cast<double>((st.max - st.min).count());
            return st.min + Duration(static_cast<Duration::rep>(draw_uniform() * span));
        }
    }
    return st.mean;
}

// Poisson arrivals within a phase have exponential gaps. A gap that crosses the phase's end is
// discarded and redrawn from the boundary at the next phase's rate; because the exponential
// distribution is memoryless, this is exact for piecewise-constant rates.
void Engine::schedule_next_arrival() {
    const auto& phases = scenario_.load.phases;
    Duration from = next_arrival_.value_or(Duration::zero());
    while (phase_ < phases.size()) {
        const LoadPhase& phase = phases[phase_];
        const Duration phase_end = phase_start_ + phase.duration;
        if (phase.rate > 0) {
            Duration candidate;
            if (scenario_.load.arrivals == ArrivalProcess::even) {
                const double offset_ns =
                    static_cast<double>(phase_arrivals_) * kNanosPerSecond / phase.rate;
                candidate = phase_start_ + Duration(std::llround(offset_ns));
            } else {
                const double gap_ns = -std::log1p(-draw_uniform()) * kNanosPerSecond / phase.rate;
                candidate = std::max(from, phase_start_) +
                            Duration(static_cast<Duration::rep>(std::ceil(gap_ns)));
            }
            if (candidate < phase_end) {
                ++phase_arrivals_;
                next_arrival_ = candidate;
                return;
            }
        }
        from = phase_end;
        phase_start_ = phase_end;
        phase_arrivals_ = 0;
        ++phase_;
    }
    next_arrival_.reset();
}

void Engine::run_until(Duration t) {
    while (!finished_) {
        const Duration arrival = next_arrival_.value_or(Duration::max());
        const Duration completion = in_service_.empty() ? Duration::max() : in_service_.top().at;
        const Duration next = std::min({arrival, completion, next_sample_});
        if (next > t) {
            break;
        }
        now_ = next;
        ++totals_.events;
        // At equal times a completion frees its worker before an arrival looks for one, and the
        // sample sees the state after both.
        if (completion == next) {
            on_completion();
        } else if (arrival == next) {
            on_arrival();
        } else {
            on_sample();
        }
    }
    if (!finished_ && t > now_) {
        now_ = t;
    }
}

void Engine::run_to_end() {
    run_until(Duration::max());
}

void Engine::on_arrival() {
    const Duration arrived = *next_arrival_;
    ++interval_.offered;
    ++totals_.offered;
    if (bucket_ && !bucket_->allow_at(TimePoint(arrived))) {
        ++interval_.rejected_by_limiter;
        ++totals_.rejected_by_limiter;
    } else if (std::cmp_less(in_service_.size(), scenario_.pool.workers)) {
        ++interval_.admitted;
        ++totals_.admitted;
        start_service(arrived);
    } else if (std::cmp_less(waiting_.size(), scenario_.pool.queue_capacity)) {
        ++interval_.admitted;
        ++totals_.admitted;
        waiting_.push_back(arrived);
        totals_.max_queue_depth =
            std::max(totals_.max_queue_depth, static_cast<int>(waiting_.size()));
    } else {
        ++interval_.rejected_by_queue;
        ++totals_.rejected_by_queue;
    }
    schedule_next_arrival();
}

void Engine::start_service(Duration arrived) {
    in_service_.push({now_ + draw_service_time(), next_sequence_++, arrived});
}

void Engine::on_completion() {
    const Completion done = in_service_.top();
    in_service_.pop();
    const auto latency = static_cast<std::uint64_t>((done.at - done.arrived).count());
    interval_latency_.record(latency);
    latency_.record(latency);
    ++interval_.completed;
    ++totals_.completed;
    if (!waiting_.empty()) {
        const Duration arrived = waiting_.front();
        waiting_.pop_front();
        start_service(arrived);
    }
}

void Engine::on_sample() {
    interval_.time = now_;
    interval_.tokens = bucket_ ? bucket_->tokens_at(TimePoint(now_))
                               : std::numeric_limits<double>::quiet_NaN();
    interval_.queue_depth = static_cast<int>(waiting_.size());
    interval_.busy_workers = static_cast<int>(in_service_.size());
    interval_.latency_p50_ms = to_ms(interval_latency_.percentile(50));
    interval_.latency_p95_ms = to_ms(interval_latency_.percentile(95));
    interval_.latency_p99_ms = to_ms(interval_latency_.percentile(99));
    samples_.push_back(interval_);
    interval_ = Sample{};
    interval_latency_.clear();

    const bool drained = !next_arrival_ && in_service_.empty() && waiting_.empty();
    if (drained && now_ >= load_end_) {
        finished_ = true;
        totals_.simulated = now_;
        return;
    }
    next_sample_ += scenario_.sample_interval;
}

Summary Engine::summary() const {
    Summary s = totals_;
    s.simulated = finished_ ? totals_.simulated : now_;
    s.latency_mean_ms = latency_.mean() / 1e6;
    s.latency_p50_ms = to_ms(latency_.percentile(50));
    s.latency_p95_ms = to_ms(latency_.percentile(95));
    s.latency_p99_ms = to_ms(latency_.percentile(99));
    s.latency_max_ms = to_ms(latency_.max());
    return s;
}

SimulationResult simulate(const Scenario& scenario) {
    Engine engine(scenario);
    engine.run_to_end();
    return {engine.samples(), engine.summary()};
}

}  // namespace goflow::sim
