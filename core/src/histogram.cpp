#include "goflow/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "goflow/error.hpp"

namespace goflow {
namespace {

constexpr std::int64_t kEmptyMin = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kEmptyMax = -1;

}  // namespace

std::size_t HistogramBuckets::index_of(std::int64_t ns) noexcept {
    const std::uint64_t v = ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
    if (v < kSubBuckets) {
        return static_cast<std::size_t>(v);
    }
    const int exponent = std::bit_width(v) - 1;  // >= kSubBucketBits
    const int shift = exponent - kSubBucketBits;
    const std::uint64_t sub = (v >> shift) - kSubBuckets;
    return static_cast<std::size_t>(kSubBuckets + static_cast<std::uint64_t>(shift) * kSubBuckets +
                                    sub);
}

std::uint64_t HistogramBuckets::lower_bound(std::size_t index) noexcept {
    if (index < kSubBuckets) {
        return index;
    }
    const std::uint64_t shift = (index - kSubBuckets) / kSubBuckets;
    const std::uint64_t sub = (index - kSubBuckets) % kSubBuckets;
    return (kSubBuckets + sub) << shift;
}

std::uint64_t HistogramBuckets::upper_bound(std::size_t index) noexcept {
    if (index < kSubBuckets) {
        return index;
    }
    const std::uint64_t shift = (index - kSubBuckets) / kSubBuckets;
    return lower_bound(index) + ((std::uint64_t{1} << shift) - 1);
}

Duration HistogramSnapshot::percentile(double q) const {
    require_option(!std::isnan(q) && q >= 0 && q <= 1, "quantile", "between 0 and 1", q);
    if (count == 0 || buckets.empty()) {
        return Duration::zero();
    }
    // The rank is 1-based: q = 0 selects the smallest value, q = 1 the largest.
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        seen += buckets[i];
        if (seen >= rank) {
            const auto upper = static_cast<std::int64_t>(std::min<std::uint64_t>(
                HistogramBuckets::upper_bound(i), std::numeric_limits<std::int64_t>::max()));
            return Duration(std::clamp(upper, min_ns, max_ns));
        }
    }
    return Duration(max_ns);
}

Duration HistogramSnapshot::mean() const noexcept {
    return count == 0 ? Duration::zero() : Duration(static_cast<std::int64_t>(sum_ns / count));
}

void HistogramSnapshot::merge(const HistogramSnapshot& other) {
    if (other.count == 0) {
        return;
    }
    if (count == 0) {
        min_ns = other.min_ns;
        max_ns = other.max_ns;
    } else {
        min_ns = std::min(min_ns, other.min_ns);
        max_ns = std::max(max_ns, other.max_ns);
    }
    buckets.resize(HistogramBuckets::kCount, 0);
    for (std::size_t i = 0; i < other.buckets.size() && i < buckets.size(); ++i) {
        buckets[i] += other.buckets[i];
    }
    count += other.count;
    sum_ns += other.sum_ns;
}

LatencyHistogram::LatencyHistogram() noexcept : min_ns_(kEmptyMin), max_ns_(kEmptyMax) {
    for (auto& bucket : buckets_) {
        bucket.store(0, std::memory_order_relaxed);
    }
}

void LatencyHistogram::record(Duration value) noexcept {
    const std::int64_t ns = std::max<std::int64_t>(0, value.count());
    buckets_[HistogramBuckets::index_of(ns)].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
    update_extremes(ns, ns);
    // count_ last, so that a snapshot that sees a count has usually seen its bucket as well.
    count_.fetch_add(1, std::memory_order_release);
}

void LatencyHistogram::update_extremes(std::int64_t min_ns, std::int64_t max_ns) noexcept {
    std::int64_t current = min_ns_.load(std::memory_order_relaxed);
    while (min_ns < current &&
           !min_ns_.compare_exchange_weak(current, min_ns, std::memory_order_relaxed)) {
    }
    current = max_ns_.load(std::memory_order_relaxed);
    while (max_ns > current &&
           !max_ns_.compare_exchange_weak(current, max_ns, std::memory_order_relaxed)) {
    }
}

void LatencyHistogram::merge(const HistogramSnapshot& other) noexcept {
    if (other.count == 0) {
        return;
    }
    for (std::size_t i = 0; i < other.buckets.size() && i < buckets_.size(); ++i) {
        if (other.buckets[i] != 0) {
            buckets_[i].fetch_add(other.buckets[i], std::memory_order_relaxed);
        }
    }
    sum_ns_.fetch_add(other.sum_ns, std::memory_order_relaxed);
    update_extremes(other.min_ns, other.max_ns);
    count_.fetch_add(other.count, std::memory_order_release);
}

void LatencyHistogram::reset() noexcept {
    count_.store(0, std::memory_order_relaxed);
    for (auto& bucket : buckets_) {
        bucket.store(0, std::memory_order_relaxed);
    }
    sum_ns_.store(0, std::memory_order_relaxed);
    min_ns_.store(kEmptyMin, std::memory_order_relaxed);
    max_ns_.store(kEmptyMax, std::memory_order_relaxed);
}

HistogramSnapshot LatencyHistogram::snapshot() const {
    HistogramSnapshot s;
    s.buckets.resize(HistogramBuckets::kCount);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
        total += s.buckets[i];
    }
    // The count is the sum of the copied buckets, so percentiles always find their rank even
    // when values arrive during the copy.
    s.count = total;
    if (total == 0) {
        s.buckets.clear();
        return s;
    }
    s.sum_ns = sum_ns_.load(std::memory_order_relaxed);
    // A value being recorded right now may be in its bucket before it is in min or max.
    const std::int64_t min_ns = min_ns_.load(std::memory_order_relaxed);
    s.min_ns = min_ns == kEmptyMin ? 0 : min_ns;
    s.max_ns = std::max(s.min_ns, max_ns_.load(std::memory_order_relaxed));
    return s;
}

}  // namespace goflow
