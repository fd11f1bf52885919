// A log-linear histogram of non-negative integer values (nanoseconds in practice).
//
// Values below 128 are counted exactly; above that each power of two is split into 128 equal
// buckets, so a reported percentile is within 0.8 % of the true value over the full 64-bit
// range. Histograms of the same layout merge by adding counts. Memory is fixed (about 58 KiB).
//
// Thread safety: none; one thread records, or the owner synchronizes.
#pragma once

#include <cstdint>
#include <vector>

namespace goflow::sim {

class LatencyHistogram {
  public:
    LatencyHistogram();

    void record(std::uint64_t value);
    void merge(const LatencyHistogram& other);
    void clear();

    [[nodiscard]] std::uint64_t count() const { return count_; }
    [[nodiscard]] std::uint64_t max() const { return max_; }
    [[nodiscard]] std::uint64_t min() const { return count_ ? min_ : 0; }
    [[nodiscard]] double mean() const;

    // Returns the value at percentile `p` in [0, 100]: the midpoint of the bucket that holds the
    // ceil(p / 100 * count)-th smallest value, clamped to the recorded min and max. 0 when empty.
    [[nodiscard]] std::uint64_t percentile(double p) const;

  private:
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    long double sum_ = 0;
};

}  // namespace goflow::sim
