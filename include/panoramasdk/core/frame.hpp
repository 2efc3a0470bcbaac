#pragma once
// A decoded picture in host memory: packed BGR24 (3 bytes a pixel, rows `stride` bytes apart,
// stride >= width * 3). Frames come from a FramePool and their memory goes back to it when the
// last reference goes away: a FramePtr in C++ or a numpy view in Python (bindings keep a FramePtr
// alive in the array's base object). Thread-safe to share; the pixels are not synchronised.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace panorama {

struct Frame {
  int width = 0;
  int height = 0;
  size_t stride = 0;             // bytes between row starts
  uint8_t* data = nullptr;       // width*height*3 BGR pixels
  int64_t capture_time_us = 0;   // wall clock of capture (or of decode when unknown), µs since epoch
  int64_t sequence = 0;          // frame number within the stream, counted across reconnects
  std::shared_ptr<void> storage; // owns `data`; returns it to the pool when released

  size_t size_bytes() const noexcept { return stride * static_cast<size_t>(height); }
};
using FramePtr = std::shared_ptr<Frame>;

// Recycles frame buffers of equal size. Buffers are 64-byte aligned with stride = width*3 (packed,
// so numpy sees a C-contiguous H x W x 3 array). At most `max_free` idle buffers are kept.
class FramePool : public std::enable_shared_from_this<FramePool> {
 public:
  static std::shared_ptr<FramePool> create(size_t max_free = 8);
  ~FramePool();  // frees the idle buffers; frames still in use free themselves later

  // A frame with uninitialised pixels. Throws Error(InvalidArgument) for non-positive sizes.
  FramePtr acquire(int width, int height);

  size_t allocated() const;  // buffers created so far
  size_t idle() const;       // buffers waiting for reuse

 private:
  explicit FramePool(size_t max_free) : max_free_(max_free) {}
  void give_back(uint8_t* data, size_t bytes);

  size_t max_free_;
  mutable std::mutex mutex_;
  std::vector<std::pair<uint8_t*, size_t>> free_;
  size_t allocated_ = 0;
};

// A black frame (for a camera that has not delivered yet). Not pooled.
FramePtr make_black_frame(int width, int height);

}  // namespace panorama
