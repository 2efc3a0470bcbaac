#include <gtest/gtest.h>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/frame.hpp"

using namespace panorama;

TEST(FramePool, ReusesReleasedBuffers) {
  auto pool = FramePool::create(4);
  uint8_t* first_data;
  {
    FramePtr a = pool->acquire(64, 48);
    first_data = a->data;
    EXPECT_EQ(a->stride, 64u * 3);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data) % 64, 0u);
  }
  EXPECT_EQ(pool->idle(), 1u);
  FramePtr b = pool->acquire(64, 48);
  EXPECT_EQ(b->data, first_data);
  EXPECT_EQ(pool->allocated(), 1u);
  EXPECT_EQ(pool->idle(), 0u);
}

TEST(FramePool, DifferentSizesGetDifferentBuffers) {
  auto pool = FramePool::create(4);
  { auto a = pool->acquire(64, 48); }
  auto b = pool->acquire(32, 48);
  EXPECT_EQ(pool->allocated(), 2u);
}

TEST(FramePool, KeepsAtMostMaxFreeIdleBuffers) {
  auto pool = FramePool::create(2);
  {
    std::vector<FramePtr> frames;
    for (int i = 0; i < 5; ++i) frames.push_back(pool->acquire(16, 16));
    EXPECT_EQ(pool->allocated(), 5u);
  }
  EXPECT_EQ(pool->idle(), 2u);
  EXPECT_EQ(pool->allocated(), 2u);
}

TEST(FramePool, FrameOutlivesPool) {
  FramePtr f;
  {
    auto pool = FramePool::create(2);
    f = pool->acquire(8, 8);
  }
  f->data[0] = 7;  // still valid; freed on release without the pool (ASan would catch misuse)
  EXPECT_EQ(f->data[0], 7);
}

TEST(FramePool, RejectsBadSizes) {
  auto pool = FramePool::create(2);
  EXPECT_THROW(pool->acquire(0, 10), Error);
  EXPECT_THROW(pool->acquire(10, -1), Error);
}

TEST(BlackFrame, IsZeroed) {
  auto f = make_black_frame(4, 2);
  for (size_t i = 0; i < f->size_bytes(); ++i) ASSERT_EQ(f->data[i], 0);
}
