#pragma once
// Latency samples (µs) in a fixed-size log-linear histogram: O(1) add, no allocation, any run length.
// Values below 32 µs are exact; above, each power of two is split into 32 buckets, so a reported
// percentile is at most 1/32 (3.1%) above the true sample and never below it (it is the bucket's
// upper edge, capped at the exact maximum). Values beyond 2^40 µs (12 days) share the last bucket.
// Negative samples (a wall clock stepped back) count as 0.
// Not thread-safe: the owner locks.
#include <array>
#include <cstdint>

namespace panorama {

struct LatencySummary {
  int64_t count = 0;
  int64_t p50_us = 0;  // 0 while empty
  int64_t p99_us = 0;
  int64_t max_us = 0;
  double mean_us = 0.0;
};

class LatencyHistogram {
 public:
  void add(int64_t us);
  void merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  int64_t max_us() const { return max_; }
  // Nearest-rank percentile, p in [0, 100] (clamped); 0 while empty.
  int64_t percentile_us(double p) const;
  LatencySummary summary() const;

 private:
  static constexpr int kSubBits = 5;  // 32 buckets per power of two
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kMaxBits = 40;
  static constexpr int kBuckets = (kMaxBits - kSubBits + 1) * kSub;

  static int bucket_of(int64_t us);
  static int64_t upper_edge(int bucket);

  std::array<int64_t, kBuckets> counts_{};
  int64_t count_ = 0;
  int64_t max_ = 0;
  double sum_ = 0.0;
};

}  // namespace panorama
