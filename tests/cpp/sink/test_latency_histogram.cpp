#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "panoramasdk/sink/latency_histogram.hpp"

using namespace panorama;

namespace {

// The exact nearest-rank percentile of `values` (sorted in place).
int64_t exact_percentile(std::vector<int64_t>& values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(p / 100.0 * values.size())));
  return values[static_cast<size_t>(rank - 1)];
}

}  // namespace

TEST(LatencyHistogram, EmptyReportsZeros) {
  LatencyHistogram h;
  const LatencySummary s = h.summary();
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.p50_us, 0);
  EXPECT_EQ(s.p99_us, 0);
  EXPECT_EQ(s.max_us, 0);
  EXPECT_EQ(s.mean_us, 0.0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 20; ++v) h.add(v);
  EXPECT_EQ(h.percentile_us(50), 10);
  EXPECT_EQ(h.percentile_us(100), 20);
  EXPECT_EQ(h.percentile_us(0), 1);
  EXPECT_DOUBLE_EQ(h.summary().mean_us, 10.5);
}

TEST(LatencyHistogram, PercentilesAreWithinOneBucketAboveTheTruth) {
  std::mt19937_64 rng(42);
  // Log-uniform from 10 µs to 10 s: every octave the histogram covers in practice.
  std::uniform_real_distribution<double> log_us(std::log(10.0), std::log(1e7));
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<int64_t>(std::exp(log_us(rng)));
    values.push_back(v);
    h.add(v);
  }
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    const int64_t truth = exact_percentile(values, p);
    const int64_t got = h.percentile_us(p);
    EXPECT_GE(got, truth) << "p" << p;
    EXPECT_LE(got, truth + truth / 32 + 1) << "p" << p;
  }
  EXPECT_EQ(h.max_us(), values.back());
  EXPECT_EQ(h.count(), 20000);
}

TEST(LatencyHistogram, NegativeCountsAsZeroAndHugeIsCappedAtTheMaximum) {
  LatencyHistogram h;
  h.add(-500);
  EXPECT_EQ(h.percentile_us(100), 0);
  const int64_t huge = int64_t{1} << 50;  // beyond the last octave
  h.add(huge);
  EXPECT_EQ(h.percentile_us(100), huge);
  EXPECT_EQ(h.percentile_us(50), 0);
}

TEST(LatencyHistogram, MergeEqualsAddingEverything) {
  LatencyHistogram a, b, all;
  for (int v = 0; v < 1000; v += 7) {
    (v % 2 ? a : b).add(v * 13);
    all.add(v * 13);
  }
  a.merge(b);
  const LatencySummary m = a.summary(), s = all.summary();
  EXPECT_EQ(m.count, s.count);
  EXPECT_EQ(m.p50_us, s.p50_us);
  EXPECT_EQ(m.p99_us, s.p99_us);
  EXPECT_EQ(m.max_us, s.max_us);
  EXPECT_DOUBLE_EQ(m.mean_us, s.mean_us);
}
