#include <cstdlib>
#include <cstring>
#include <string>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/frame.hpp"

namespace panorama {

namespace {

constexpr size_t kAlignment = 64;

uint8_t* allocate_aligned(size_t bytes) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (!p) fail(ErrorCode::Internal, "out of memory allocating a frame of " + std::to_string(bytes) + " bytes");
  return static_cast<uint8_t*>(p);
}

void check_size(int width, int height) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    fail(ErrorCode::InvalidArgument,
         "frame size " + std::to_string(width) + "x" + std::to_string(height) + " is not in 1..16384");
}

}  // namespace

std::shared_ptr<FramePool> FramePool::create(size_t max_free) {
  return std::shared_ptr<FramePool>(new FramePool(max_free));
}

FramePool::~FramePool() {
  for (auto& [data, bytes] : free_) std::free(data);
}

FramePtr FramePool::acquire(int width, int height) {
  check_size(width, height);
  const size_t stride = static_cast<size_t>(width) * 3;
  const size_t bytes = stride * static_cast<size_t>(height);
  uint8_t* data = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].second == bytes) {
        data = free_[i].first;
        free_[i] = free_.back();
        free_.pop_back();
        break;
      }
    }
    if (!data) ++allocated_;
  }
  if (!data) data = allocate_aligned(bytes);

  // The storage's deleter returns the buffer to the pool, or frees it if the pool is gone.
  std::weak_ptr<FramePool> weak_pool = weak_from_this();
  std::shared_ptr<void> storage(data, [weak_pool, bytes](void* p) {
    if (auto pool = weak_pool.lock()) {
      pool->give_back(static_cast<uint8_t*>(p), bytes);
    } else {
      std::free(p);
    }
  });

  auto frame = std::make_shared<Frame>();
  frame->width = width;
  frame->height = height;
  frame->stride = stride;
  frame->data = data;
  frame->storage = std::move(storage);
  return frame;
}

void FramePool::give_back(uint8_t* data, size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < max_free_) {
      free_.emplace_back(data, bytes);
      return;
    }
    --allocated_;
  }
  std::free(data);
}

size_t FramePool::allocated() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return allocated_;
}

size_t FramePool::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return free_.size();
}

FramePtr make_black_frame(int width, int height) {
  check_size(width, height);
  auto frame = std::make_shared<Frame>();
  frame->width = width;
  frame->height = height;
  frame->stride = static_cast<size_t>(width) * 3;
  uint8_t* data = allocate_aligned(frame->size_bytes());
  std::memset(data, 0, frame->size_bytes());
  frame->data = data;
  frame->storage = std::shared_ptr<void>(data, [](void* p) { std::free(p); });
  return frame;
}

}  // namespace panorama
