#include "goflow/sim/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace goflow::sim {
namespace {

constexpr int kSubBits = 7;
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBits;
constexpr std::size_t kBucketCount = (64 - kSubBits + 1) * kSubBuckets;

std::size_t bucket_of(std::uint64_t value) {
    if (value < kSubBuckets) {
        return static_cast<std::size_t>(value);
    }
    const int msb = 63 - std::countl_zero(value);
    const int shift = msb - kSubBits;
    const std::uint64_t offset = (value >> shift) - kSubBuckets;
    return static_cast<std::size_t>((shift + 1) * kSubBuckets + offset);
}

std::uint64_t midpoint_of(std::size_t index) {
    if (index < kSubBuckets) {
        return index;
    }
    const std::size_t shift = index / kSubBuckets - 1;
    const std::uint64_t lower = (kSubBuckets + index % kSubBuckets) << shift;
    return lower + ((std::uint64_t{1} << shift) >> 1);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

void LatencyHistogram::record(std::uint64_t value) {
    ++buckets_[bucket_of(value)];
    ++count_;
    max_ = std::max(max_, value);
    min_ = std::min(min_, value);
    sum_ += static_cast<long double>(value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        buckets_[i] += other.buckets_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
    min_ = std::min(min_, other.min_);
    sum_ += other.sum_;
}

void LatencyHistogram::clear() {
    if (count_ == 0) {
        return;
    }
    std::fill(buckets_.begin(), buckets_.end(), 0);
    count_ = 0;
    max_ = 0;
    min_ = UINT64_MAX;
    sum_ = 0;
}

double LatencyHistogram::mean() const {
    return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t LatencyHistogram::percentile(double p) const {
    if (count_ == 0) {
        return 0;
    }
    const double clamped = std::clamp(p, 0.0, 100.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(clamped / 100.0 * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            return std::clamp(midpoint_of(i), min(), max_);
        }
    }
    return max_;
}

}  // namespace goflow::sim
