#pragma once
// A decoded picture: packed BGR24 in host memory (3 bytes a pixel, rows `stride` bytes apart,
// stride >= width * 3), or NV12 on the GPU (`device` set, from NVDEC) with no host pixels until
// someone asks for them: host_pixels() in device_frame.hpp downloads them once, so a frame that only
// feeds GPU work never crosses PCIe. Frames come from a FramePool and their memory goes back to it
// when the last reference goes away: a FramePtr in C++ or a numpy view in Python (bindings keep a
// FramePtr alive in the array's base object). Thread-safe to share; the pixels are not synchronised.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "panoramasdk/core/buffer_pool.hpp"

namespace panorama {

class DeviceFrame;

struct Frame {
  int width = 0;
  int height = 0;
  size_t stride = 0;             // bytes between row starts
  uint8_t* data = nullptr;       // width*height*3 BGR pixels
  int64_t capture_time_us = 0;   // wall clock of capture (or of decode when unknown), µs since epoch
  int64_t sequence = 0;          // frame number within the stream, counted across reconnects
  std::shared_ptr<void> storage; // owns `data`; returns it to the pool when released
  // The picture on the GPU, when it lives there; `data` is then null (read pixels through
  // host_pixels(), never `data` directly, where a frame may come from NVDEC).
  std::shared_ptr<const DeviceFrame> device;

  size_t size_bytes() const noexcept { return stride * static_cast<size_t>(height); }
};
using FramePtr = std::shared_ptr<Frame>;

// Recycles frame buffers of equal size through a BufferPool. Buffers are 64-byte aligned with
// stride = width*3 (packed, so numpy sees a C-contiguous H x W x 3 array). At most `max_free` idle
// buffers are kept.
class FramePool {
 public:
  static std::shared_ptr<FramePool> create(size_t max_free = 8);

  // A frame with uninitialised pixels. Throws Error(InvalidArgument) for sizes outside 1..16384.
  FramePtr acquire(int width, int height);

  size_t allocated() const;  // buffers alive now, in use or idle
  size_t idle() const;       // buffers waiting for reuse

 private:
  explicit FramePool(size_t max_free);

  std::shared_ptr<BufferPool> buffers_;
};

// A black frame (for a camera that has not delivered yet). Not pooled.
FramePtr make_black_frame(int width, int height);

}  // namespace panorama
