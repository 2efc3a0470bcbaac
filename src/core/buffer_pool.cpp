#include "panoramasdk/core/buffer_pool.hpp"

#include <cstdlib>
#include <string>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

constexpr size_t kAlignment = 64;

uint8_t* allocate_aligned(size_t bytes) {
  // aligned_alloc wants a non-zero multiple of the alignment.
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (!p) fail(ErrorCode::Internal, "out of memory allocating a buffer of " + std::to_string(bytes) + " bytes");
  return static_cast<uint8_t*>(p);
}

void free_aligned(uint8_t* p) noexcept { std::free(p); }

}  // namespace

std::shared_ptr<BufferPool> BufferPool::create(size_t max_free) {
  return create(max_free, Allocator{&allocate_aligned, &free_aligned});
}

std::shared_ptr<BufferPool> BufferPool::create(size_t max_free, Allocator allocator) {
  return std::shared_ptr<BufferPool>(new BufferPool(max_free, allocator));
}

BufferPool::~BufferPool() {
  for (auto& entry : free_) allocator_.release(entry.first);
}

BufferPtr BufferPool::acquire(size_t bytes) {
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
  if (!data) {
    try {
      data = allocator_.allocate(bytes);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      --allocated_;
      throw;
    }
  }

  // The storage's deleter returns the memory to the pool, or frees it if the pool is gone.
  std::weak_ptr<BufferPool> weak_pool = weak_from_this();
  auto buffer = std::make_shared<Buffer>();
  buffer->data = data;
  buffer->size = bytes;
  buffer->storage = std::shared_ptr<void>(data, [weak_pool, bytes, release = allocator_.release](void* p) {
    if (auto pool = weak_pool.lock()) {
      pool->give_back(static_cast<uint8_t*>(p), bytes);
    } else {
      release(static_cast<uint8_t*>(p));
    }
  });
  return buffer;
}

void BufferPool::give_back(uint8_t* data, size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < max_free_) {
      free_.emplace_back(data, bytes);
      return;
    }
    --allocated_;
  }
  allocator_.release(data);
}

size_t BufferPool::allocated() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return allocated_;
}

size_t BufferPool::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return free_.size();
}

}  // namespace panorama
