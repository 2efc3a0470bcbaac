#include <gtest/gtest.h>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/buffer_pool.hpp"
#include "panoramasdk/infer/tensor.hpp"

using namespace panorama;

TEST(Tensor, DTypeNamesRoundTrip) {
  for (DType d : {DType::Float32, DType::Float16, DType::Float64, DType::Int8, DType::Int16, DType::Int32,
                  DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64, DType::Bool})
    EXPECT_EQ(dtype_from_name(dtype_name(d)), d);
  EXPECT_EQ(dtype_size(DType::Float16), 2u);
  EXPECT_EQ(dtype_size(DType::Int64), 8u);
  try {
    dtype_from_name("complex64");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("complex64"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos);
  }
}

TEST(Tensor, ShapesAndSizes) {
  EXPECT_EQ(format_dims({2, 3, 8, 8}), "(2, 3, 8, 8)");
  EXPECT_EQ(format_dims({5}), "(5,)");
  EXPECT_EQ(element_count({2, 3, 8, 8}), 384u);
  EXPECT_EQ(element_count({}), 1u);
  EXPECT_THROW(element_count({2, -1}), Error);
  TensorSpec spec{"data", {4, 3, 2}, DType::Float16};
  EXPECT_EQ(spec.batch_bytes(), 48u);
  EXPECT_EQ(spec.item_bytes(), 12u);
  EXPECT_EQ(spec.item_dims(), (std::vector<int64_t>{1, 3, 2}));
}

TEST(BufferPool, ReusesAndBoundsIdleBuffers) {
  auto pool = BufferPool::create(2);
  uint8_t* first;
  {
    auto a = pool->acquire(100);
    first = a->data;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data) % 64, 0u);
  }
  EXPECT_EQ(pool->idle(), 1u);
  EXPECT_EQ(pool->acquire(100)->data, first);
  {
    std::vector<BufferPtr> many;
    for (int i = 0; i < 5; ++i) many.push_back(pool->acquire(10));
    EXPECT_EQ(pool->allocated(), 6u);  // 5 of 10 bytes plus the idle one of 100
  }
  EXPECT_EQ(pool->idle(), 2u);
  EXPECT_EQ(pool->allocated(), 2u);
}

TEST(BufferPool, BufferOutlivesPool) {
  BufferPtr b;
  {
    auto pool = BufferPool::create(2);
    b = pool->acquire(8);
  }
  b->data[7] = 9;
  EXPECT_EQ(b->data[7], 9);
  EXPECT_NE(BufferPool::create()->acquire(0)->data, nullptr);
}

TEST(Tensor, AllocateOwnsMemory) {
  Tensor t = Tensor::allocate({2, 5}, DType::Int32);
  EXPECT_EQ(t.bytes(), 40u);
  ASSERT_NE(t.data(), nullptr);
  t.data()[39] = 1;
}
