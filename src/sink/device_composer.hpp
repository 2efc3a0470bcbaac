#pragma once
// An output frame composed on the GPU: a frame that lives on the device (NVDEC) is converted to BGR and
// gets its overlay drawn by OverlayDrawerCuda. For the live view nvJPEG then encodes it there and only the
// JPEG's bytes come to the host (compose_jpeg); otherwise the finished picture comes to the host, once,
// for the host encoders (libx264 for a recording; libavcodec's MJPEG where nvJPEG is missing). The output
// chain composes a device frame only when a sink needs it (a recording, or a JPEG for someone watching),
// so an unwatched output moves nothing.
// Used by one thread (the output chain's).
#include <memory>
#include <vector>

#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/compositor.hpp"
#include "sink/jpeg_encoder_nvjpeg.hpp"

namespace panorama {
class DeviceFrame;
}

namespace panorama::sink_detail {

class DeviceComposer {
 public:
  explicit DeviceComposer(Compositor& compositor) : compositor_(compositor) {}

  // The composed BGR24 picture of `frame` (Frame::device set) in a frame from `pool`. Throws Error(NoCuda/Internal) when the device fails.
  FramePtr compose(const Frame& frame, const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels,
                   FramePool& pool);
  // The composed picture as a JPEG made on the GPU by `encoder`: no picture crosses to the host.
  std::vector<uint8_t> compose_jpeg(const Frame& frame, const std::vector<RectOverlay>& rects,
                                    const std::vector<LabelOverlay>& labels, NvjpegEncoder& encoder);

 private:
  // NV12 -> BGR24 rows `pitch` bytes apart in device scratch, with the overlay drawn; the device is current.
  BufferPtr draw(const DeviceFrame& device, size_t pitch, const std::vector<RectOverlay>& rects,
                 const std::vector<LabelOverlay>& labels);

  Compositor& compositor_;
  // Made with the first device frame: a chain that only sees host frames never touches CUDA.
  std::unique_ptr<OverlayDrawerCuda> drawer_;
  std::unique_ptr<CudaStream> stream_;
};

}  // namespace panorama::sink_detail
