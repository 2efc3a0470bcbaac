#include "sink/device_composer.hpp"

#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/decode/device_frame.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama::sink_detail {

FramePtr DeviceComposer::compose(const Frame& frame, const std::vector<RectOverlay>& rects,
                                 const std::vector<LabelOverlay>& labels, FramePool& pool) {
  const DeviceFrame& device = *frame.device;
  CudaDeviceScope on_device(device.device());
  if (!drawer_) {
    drawer_ = std::make_unique<OverlayDrawerCuda>();
    stream_ = std::make_unique<CudaStream>();
  }
  FramePtr out = pool.acquire(device.width(), device.height());
  BufferPtr bgr = device.device_scratch(out->size_bytes());
  yuv_to_bgr_cuda(device.nv12(), device.full_range(), bgr->data, out->stride, stream_->get());
  compositor_.draw_device(bgr->data, out->width, out->height, out->stride, rects, labels, *drawer_, stream_->get());
  copy_device_to_host(out->data, bgr->data, out->size_bytes(), stream_->get(), CopyWhat::Frame);
  stream_->synchronize();
  return out;
}

}  // namespace panorama::sink_detail
