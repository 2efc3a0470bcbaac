#pragma once
// Pooled memory (decoded frames, batch inputs, results; device and pinned memory through
// make_cuda_buffer_pool in cuda_buffer_pool.hpp): buffers go back to their pool when the last
// reference goes away (a Frame or Tensor in C++, a numpy view in Python).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace panorama {

// A buffer of `size` bytes (host memory 64-byte aligned, unless the pool's allocator says otherwise).
// `storage` owns `data`.
struct Buffer {
  uint8_t* data = nullptr;
  size_t size = 0;
  std::shared_ptr<void> storage;
};
using BufferPtr = std::shared_ptr<Buffer>;

// Recycles buffers of equal size; keeps at most `max_free` idle ones. Thread-safe. A buffer may
// outlive its pool (it is then freed instead of returned).
class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  // Where a pool's memory comes from; the default is 64-byte aligned host memory.
  struct Allocator {
    uint8_t* (*allocate)(size_t bytes);        // throws Error when out of memory
    void (*release)(uint8_t* data) noexcept;
  };
  static std::shared_ptr<BufferPool> create(size_t max_free = 16);
  static std::shared_ptr<BufferPool> create(size_t max_free, Allocator allocator);
  ~BufferPool();  // frees the idle buffers; buffers in use are freed by their last holder
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  BufferPtr acquire(size_t bytes);  // uninitialised contents; 0 bytes gives a valid empty buffer
  size_t allocated() const;          // buffers alive now, in use or idle
  size_t idle() const;               // buffers waiting for reuse

 private:
  BufferPool(size_t max_free, Allocator allocator) : max_free_(max_free), allocator_(allocator) {}
  void give_back(uint8_t* data, size_t bytes);

  size_t max_free_;
  Allocator allocator_;
  mutable std::mutex mutex_;
  std::vector<std::pair<uint8_t*, size_t>> free_;
  size_t allocated_ = 0;
};

}  // namespace panorama
