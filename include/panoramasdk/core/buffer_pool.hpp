#pragma once
// Pooled host memory (decoded frames, batch inputs, results): buffers go back
// to their pool when the last reference goes away (a Frame or Tensor in C++, a numpy view in Python).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace panorama {

// A host buffer of `size` bytes, 64-byte aligned. `storage` owns `data`.
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
  static std::shared_ptr<BufferPool> create(size_t max_free = 16);
  ~BufferPool();  // frees the idle buffers; buffers in use are freed by their last holder
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  BufferPtr acquire(size_t bytes);  // uninitialised contents; 0 bytes gives a valid empty buffer
  size_t allocated() const;          // buffers alive now, in use or idle
  size_t idle() const;               // buffers waiting for reuse

 private:
  explicit BufferPool(size_t max_free) : max_free_(max_free) {}
  void give_back(uint8_t* data, size_t bytes);

  size_t max_free_;
  mutable std::mutex mutex_;
  std::vector<std::pair<uint8_t*, size_t>> free_;
  size_t allocated_ = 0;
};

}  // namespace panorama
