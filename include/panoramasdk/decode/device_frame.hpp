#pragma once
// A decoded picture that stays on the GPU: NV12 (8-bit YUV 4:2:0) in one pooled device buffer, the
// luma rows then the interleaved chroma rows, all `pitch` bytes apart, so the whole frame is one
// (height * 3/2) x width uint8 array with row stride `pitch`. NVDEC makes them (decoder_nvdec.hpp);
// the pixels are complete when the frame is handed out. bgr() is the one way to the host: converted
// on the device (yuv_to_bgr_cuda) and downloaded once, on first use, then the same Frame every time.
// The device memory goes back to its pool with the last reference. Thread-safe to share.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "panoramasdk/core/cuda_buffer_pool.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/image/pixel_math.hpp"

namespace panorama {

class DeviceFrame {
 public:
  // Where a decoder's frames go: the device pool for NV12 and BGR scratch, the host pool for bgr().
  struct Pools {
    std::shared_ptr<BufferPool> device;  // make_cuda_buffer_pool(MemoryKind::Device)
    std::shared_ptr<FramePool> host;
  };

  // Takes `buffer` (device memory of at least pitch * height * 3/2 bytes from pools.device) as is.
  DeviceFrame(int width, int height, size_t pitch, BufferPtr buffer, bool full_range, int device, Pools pools);

  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }
  size_t pitch() const noexcept { return pitch_; }
  uint8_t* data() const noexcept { return buffer_->data; }  // device pointer to the luma plane
  uint8_t* chroma() const noexcept { return buffer_->data + pitch_ * static_cast<size_t>(height_); }
  bool full_range() const noexcept { return full_range_; }  // YUV range from the stream's VUI
  int device() const noexcept { return device_; }           // CUDA device index
  ImageView nv12() const;                                   // device pointers, for preprocess_cuda

  int64_t pts = INT64_MIN;  // presentation time stamp given with the input (INT64_MIN: unknown)
  int64_t index = 0;        // position in display order within its decoder

  // The packed BGR24 host copy (BT.601, the stream's range): computed on first call, then cached.
  // Counted as one device-to-host copy. Throws Error(NoCuda/Internal) when the device fails.
  FramePtr bgr() const;
  // Device memory for work on this frame (its decoder's pool, on its device): scratch for kernels.
  BufferPtr device_scratch(size_t bytes) const { return pools_.device->acquire(bytes); }
  // Whether bgr() has made its host copy (an application that wrote into it expects to see that).
  bool has_bgr() const;

 private:
  int width_, height_;
  size_t pitch_;
  BufferPtr buffer_;
  bool full_range_;
  int device_;
  Pools pools_;
  mutable std::mutex bgr_mutex_;
  mutable FramePtr bgr_;
};
using DeviceFramePtr = std::shared_ptr<DeviceFrame>;

// A Frame (what streams, media and outputs pass around) whose picture is `device`: same size and time
// stamp fields, no host pixels until host_pixels() asks for them.
FramePtr frame_on_device(DeviceFramePtr device);

// The host BGR pixels of any frame: the frame itself when it lives in host memory, else its device
// picture's bgr() copy (downloaded on the first call, then shared). Thread-safe. Throws what bgr() throws.
const Frame& host_pixels(const Frame& frame);

// A device frame that nobody has downloaded yet: the GPU path may still use it without a host copy.
bool only_on_device(const Frame& frame);

}  // namespace panorama
