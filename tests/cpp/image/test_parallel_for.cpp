// parallel_for: every index exactly once, errors reach the caller, many callers at once.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "panoramasdk/core/parallel_for.hpp"

namespace panorama {
namespace {

TEST(ParallelFor, CoversEveryIndexOnce) {
  for (int threads : {0, 1, 2, 5}) {
    std::vector<std::atomic<int>> hits(1001);
    parallel_for(hits.size(), threads, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) hits[i]++;
    });
    for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 1) << "index " << i << ", threads " << threads;
  }
}

TEST(ParallelFor, OneThreadRunsOnTheCaller) {
  std::thread::id seen;
  parallel_for(10, 1, [&](size_t, size_t) { seen = std::this_thread::get_id(); });
  EXPECT_EQ(seen, std::this_thread::get_id());
}

TEST(ParallelFor, RethrowsAChunksException) {
  EXPECT_THROW(parallel_for(8, 4,
                            [](size_t b, size_t) {
                              if (b >= 4) throw std::runtime_error("chunk failed");
                            }),
               std::runtime_error);
}

TEST(ParallelFor, ManyCallersAtOnce) {
  std::atomic<long> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 6; ++c)
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round)
        parallel_for(100, 3, [&](size_t b, size_t e) { total += static_cast<long>(e - b); });
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), 6L * 50 * 100);
}

}  // namespace
}  // namespace panorama
