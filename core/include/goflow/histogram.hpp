// Latency histogram: lock-free recording into log-linear buckets, percentiles from snapshots.
//
// Values are durations in nanoseconds. Values below 16 ns get one bucket each. Above that, every
// power of two is split into 16 equal buckets, so a reported percentile is within 1/16 (6.25 %)
// of the true value while the whole range up to 2^63 ns fits in 960 counters. record() is a
// handful of relaxed atomic increments, cheap enough for a worker's hot path. A snapshot is a
// plain value that can be merged with others (for example one per stage into an end-to-end view)
// and queried for percentiles.
//
//     goflow::LatencyHistogram run_time;
//     run_time.record(finished - started);
//     goflow::HistogramSnapshot s = run_time.snapshot();
//     auto p99 = s.percentile(0.99);
//
// Thread safety: LatencyHistogram::record, merge, reset and snapshot may be called concurrently.
// A snapshot taken while others record is not atomic across buckets: it may miss values recorded
// during the copy, but each counter it reports was reached. HistogramSnapshot is a value type.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "goflow/clock.hpp"

namespace goflow {

// Bucket layout shared by LatencyHistogram and HistogramSnapshot.
struct HistogramBuckets {
    static constexpr int kSubBucketBits = 4;
    static constexpr std::uint64_t kSubBuckets = 1u << kSubBucketBits;  // 16
    static constexpr std::size_t kCount = kSubBuckets + (63 - kSubBucketBits) * kSubBuckets;

    // Returns the bucket that counts `ns`; negative values count as 0.
    [[nodiscard]] static std::size_t index_of(std::int64_t ns) noexcept;
    // Returns the smallest and the largest value that bucket `index` counts.
    [[nodiscard]] static std::uint64_t lower_bound(std::size_t index) noexcept;
    [[nodiscard]] static std::uint64_t upper_bound(std::size_t index) noexcept;
};

// A copy of a histogram's counters. Empty when count == 0.
struct HistogramSnapshot {
    std::uint64_t count = 0;
    std::uint64_t sum_ns = 0;  // wraps after about 584 years of recorded time
    std::int64_t min_ns = 0;   // 0 when empty
    std::int64_t max_ns = 0;   // 0 when empty
    std::vector<std::uint64_t>
        buckets;  // HistogramBuckets::kCount entries, or empty when count == 0

    // Returns the value at quantile `q` in [0, 1] (0.5 = median, 0.99 = p99): the upper bound of
    // the bucket holding that rank, clamped to [min, max]. Returns zero when empty. Throws
    // std::invalid_argument when q is outside [0, 1] or NaN.
    [[nodiscard]] Duration percentile(double q) const;
    [[nodiscard]] Duration mean() const noexcept;
    [[nodiscard]] Duration min() const noexcept { return Duration(min_ns); }
    [[nodiscard]] Duration max() const noexcept { return Duration(max_ns); }

    // Adds the counts of `other` to this snapshot.
    void merge(const HistogramSnapshot& other);
};

class LatencyHistogram {
  public:
    LatencyHistogram() noexcept;
    LatencyHistogram(const LatencyHistogram&) = delete;
    LatencyHistogram& operator=(const LatencyHistogram&) = delete;

    // Counts one value. Negative durations count as zero. Lock-free; never blocks.
    void record(Duration value) noexcept;

    // Adds every count of `other` into this histogram.
    void merge(const HistogramSnapshot& other) noexcept;

    // Sets every counter to zero. Values recorded concurrently may survive the reset.
    void reset() noexcept;

    [[nodiscard]] HistogramSnapshot snapshot() const;
    [[nodiscard]] std::uint64_t count() const noexcept {
        return count_.load(std::memory_order_relaxed);
    }

  private:
    void update_extremes(std::int64_t min_ns, std::int64_t max_ns) noexcept;

    std::array<std::atomic<std::uint64_t>, HistogramBuckets::kCount> buckets_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_ns_{0};
    std::atomic<std::int64_t> min_ns_;
    std::atomic<std::int64_t> max_ns_;
};

}  // namespace goflow
