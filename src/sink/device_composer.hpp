#pragma once
// An output frame composed on the GPU: a frame that lives on the device (NVDEC) is converted to BGR,
// gets its overlay drawn by OverlayDrawerCuda, and only the finished picture comes to the host, once,
// for the encoders (libx264, libjpeg-turbo). The output chain composes a device frame only when a sink
// needs it (a recording, or a JPEG for someone watching), so an unwatched output moves nothing.
// Used by one thread (the output chain's).
#include <memory>
#include <vector>

#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/compositor.hpp"

namespace panorama::sink_detail {

class DeviceComposer {
 public:
  explicit DeviceComposer(Compositor& compositor) : compositor_(compositor) {}

  // The composed BGR24 picture of `frame` (Frame::device set) in a frame from `pool`. Throws Error(NoCuda/Internal) when the device fails.
  FramePtr compose(const Frame& frame, const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels,
                   FramePool& pool);

 private:
  Compositor& compositor_;
  // Made with the first device frame: a chain that only sees host frames never touches CUDA.
  std::unique_ptr<OverlayDrawerCuda> drawer_;
  std::unique_ptr<CudaStream> stream_;
};

}  // namespace panorama::sink_detail
