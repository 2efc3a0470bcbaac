#include "sink/device_composer.hpp"

#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/decode/device_frame.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama::sink_detail {

BufferPtr DeviceComposer::draw(const DeviceFrame& device, size_t pitch, const std::vector<RectOverlay>& rects,
                               const std::vector<LabelOverlay>& labels) {
  if (!drawer_) {
    drawer_ = std::make_unique<OverlayDrawerCuda>();
    stream_ = std::make_unique<CudaStream>();
  }
  BufferPtr bgr = device.device_scratch(pitch * static_cast<size_t>(device.height()));
  yuv_to_bgr_cuda(device.nv12(), device.full_range(), bgr->data, pitch, stream_->get());
  compositor_.draw_device(bgr->data, device.width(), device.height(), pitch, rects, labels, *drawer_, stream_->get());
  return bgr;
}

FramePtr DeviceComposer::compose(const Frame& frame, const std::vector<RectOverlay>& rects,
                                 const std::vector<LabelOverlay>& labels, FramePool& pool) {
  const DeviceFrame& device = *frame.device;
  CudaDeviceScope on_device(device.device());
  FramePtr out = pool.acquire(device.width(), device.height());
  BufferPtr bgr = draw(device, out->stride, rects, labels);
  copy_device_to_host(out->data, bgr->data, out->size_bytes(), stream_->get(), CopyWhat::Frame);
  stream_->synchronize();
  return out;
}

std::vector<uint8_t> DeviceComposer::compose_jpeg(const Frame& frame, const std::vector<RectOverlay>& rects,
                                                  const std::vector<LabelOverlay>& labels, NvjpegEncoder& encoder) {
  const DeviceFrame& device = *frame.device;
  CudaDeviceScope on_device(device.device());
  const size_t pitch = static_cast<size_t>(device.width()) * 3;
  BufferPtr bgr = draw(device, pitch, rects, labels);
  return encoder.encode(bgr->data, device.width(), device.height(), pitch, stream_->get());
}

}  // namespace panorama::sink_detail
