// Built in every configuration: without CUDA its device calls raise "built without CUDA" (no NVDEC
// decoder makes frames there, but the bindings name the class).
#include "panoramasdk/decode/device_frame.hpp"

#include <utility>

#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama {

DeviceFrame::DeviceFrame(int width, int height, size_t pitch, BufferPtr buffer, bool full_range, int device,
                         Pools pools)
    : width_(width),
      height_(height),
      pitch_(pitch),
      buffer_(std::move(buffer)),
      full_range_(full_range),
      device_(device),
      pools_(std::move(pools)) {}

ImageView DeviceFrame::nv12() const {
  ImageView v;
  v.format = PixelFormat::NV12;
  v.width = width_;
  v.height = height_;
  v.planes[0] = data();
  v.planes[1] = chroma();
  v.strides[0] = v.strides[1] = pitch_;
  return v;
}

FramePtr DeviceFrame::bgr() const {
  std::lock_guard<std::mutex> lock(bgr_mutex_);
  if (bgr_) return bgr_;
  CudaDeviceScope on_device(device_);
  FramePtr host = pools_.host->acquire(width_, height_);
  // Converted on the device, so only the packed BGR crosses PCIe (one counted copy).
  BufferPtr scratch = pools_.device->acquire(host->size_bytes());
  CudaStream stream;
  yuv_to_bgr_cuda(nv12(), full_range_, scratch->data, host->stride, stream.get());
  copy_device_to_host(host->data, scratch->data, host->size_bytes(), stream.get(), CopyWhat::Frame);
  stream.synchronize();
  bgr_ = std::move(host);
  return bgr_;
}

bool DeviceFrame::has_bgr() const {
  std::lock_guard<std::mutex> lock(bgr_mutex_);
  return bgr_ != nullptr;
}

FramePtr frame_on_device(DeviceFramePtr device) {
  auto frame = std::make_shared<Frame>();
  frame->width = device->width();
  frame->height = device->height();
  frame->device = std::move(device);
  return frame;
}

const Frame& host_pixels(const Frame& frame) {
  if (frame.data || !frame.device) return frame;
  // bgr() caches its copy inside the DeviceFrame, which `frame` keeps alive: the reference stays valid.
  return *frame.device->bgr();
}

bool only_on_device(const Frame& frame) { return !frame.data && frame.device && !frame.device->has_bgr(); }

}  // namespace panorama
