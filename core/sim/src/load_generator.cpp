#include "load_generator.hpp"

#include <cmath>
#include <numbers>

namespace goflow::sim::detail {
namespace {

double seconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

LoadGenerator::LoadGenerator(const LoadConfig& load, Random& random)
    : load_(load), random_(random) {}

double LoadGenerator::integral(const LoadPhase& p, double offset) {
    switch (p.shape) {
        case LoadPhase::Shape::constant:
            return p.rate * offset;
        case LoadPhase::Shape::ramp: {
            const double length = seconds(p.duration);
            return p.from * offset + (p.to - p.from) * offset * offset / (2 * length);
        }
        case LoadPhase::Shape::sine: {
            const double period = seconds(p.period);
            const double omega = 2 * std::numbers::pi / period;
            return p.mean * offset + p.amplitude * (1 - std::cos(omega * offset)) / omega;
        }
    }
    return 0;
}

double LoadGenerator::inverse(const LoadPhase& p, double target) {
    const double length = seconds(p.duration);
    if (p.shape == LoadPhase::Shape::constant) {
        return target / p.rate;
    }
    if (p.shape == LoadPhase::Shape::ramp && p.from != p.to) {
        const double a = (p.to - p.from) / (2 * length);
        const double b = p.from;
        return (-b + std::sqrt(b * b + 4 * a * target)) / (2 * a);
    }
    if (p.shape == LoadPhase::Shape::ramp) {
        return target / p.from;
    }
    // The sine's integral is non-decreasing because the amplitude never exceeds the mean, so
    // bisection converges; 100 halvings reach double precision for any phase length.
    double lo = 0;
    double hi = length;
    for (int i = 0; i < 100 && hi - lo > 1e-12; ++i) {
        const double mid = (lo + hi) / 2;
        (integral(p, mid) < target ? lo : hi) = mid;
    }
    return hi;
}

std::optional<Duration> LoadGenerator::next() {
    if (!load_.trace.empty()) {
        if (trace_index_ == load_.trace.size()) {
            return std::nullopt;
        }
        return load_.trace[trace_index_++];
    }
    double needed = load_.arrivals == ArrivalProcess::even ? 1.0 : random_.unit_exponential();
    if (first_ && load_.arrivals == ArrivalProcess::even) {
        needed = 0;
    }
    first_ = false;
    while (phase_ < load_.phases.size()) {
        const LoadPhase& p = load_.phases[phase_];
        const double length = seconds(p.duration);
        const double total = integral(p, length);
        // The target accumulates the drawn amounts themselves, not the integral recomputed at
        // the last arrival's rounded time, so even spacing hits whole numbers exactly.
        const double target = consumed_ + needed;
        if (p.peak_rate() > 0 && target < total) {
            const double at = std::max(offset_, inverse(p, target));
            if (at < length) {
                offset_ = at;
                consumed_ = target;
                return phase_start_ + Duration(std::llround(at * 1e9));
            }
        }
        needed = std::max(0.0, target - total);
        phase_start_ += p.duration;
        offset_ = 0;
        consumed_ = 0;
        ++phase_;
    }
    return std::nullopt;
}

}  // namespace goflow::sim::detail
