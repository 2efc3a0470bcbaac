#include "panoramasdk/sink/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace panorama {

int LatencyHistogram::bucket_of(int64_t us) {
  if (us < kSub) return static_cast<int>(us);
  // Octave e >= kSubBits: keep the top kSubBits+1 bits (mantissa in [kSub, 2*kSub)).
  int e = 63 - __builtin_clzll(static_cast<unsigned long long>(us));
  if (e >= kMaxBits) return kBuckets - 1;
  const int shift = e - kSubBits;
  const int mantissa = static_cast<int>(us >> shift);  // kSub..2*kSub-1
  return (shift + 1) * kSub + (mantissa - kSub);
}

int64_t LatencyHistogram::upper_edge(int bucket) {
  if (bucket < kSub) return bucket;
  const int shift = bucket / kSub - 1;
  const int64_t mantissa = kSub + bucket % kSub;
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::add(int64_t us) {
  us = std::max<int64_t>(us, 0);
  ++counts_[bucket_of(us)];
  ++count_;
  max_ = std::max(max_, us);
  sum_ += static_cast<double>(us);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

int64_t LatencyHistogram::percentile_us(double p) const {
  if (count_ == 0) return 0;
  p = std::isfinite(p) ? std::clamp(p, 0.0, 100.0) : 100.0;
  const auto rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
  int64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    // The last bucket also holds every larger value: only the maximum bounds it.
    if (seen >= rank) return i == kBuckets - 1 ? max_ : std::min(upper_edge(i), max_);
  }
  return max_;
}

LatencySummary LatencyHistogram::summary() const {
  LatencySummary s;
  s.count = count_;
  s.p50_us = percentile_us(50.0);
  s.p99_us = percentile_us(99.0);
  s.max_us = max_;
  s.mean_us = count_ ? sum_ / static_cast<double>(count_) : 0.0;
  return s;
}

}  // namespace panorama
