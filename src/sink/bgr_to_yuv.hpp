#pragma once
// BGR24 frame -> planar YUV AVFrame with swscale, scaling when the sizes differ. BT.601 matrix;
// limited range for video (H.264) or full range for JPEG.
#include <vector>

#include "panoramasdk/core/frame.hpp"
#include "sink/av_handles.hpp"

namespace panorama::sink_detail {

class BgrToYuv {
 public:
  explicit BgrToYuv(bool full_range) : full_range_(full_range) {}

  // `dst` must have its format, size and buffers set; it is made writable first (an encoder may
  // still hold a reference to its previous contents).
  void convert(const Frame& src, AVFrame* dst);

 private:
  static constexpr size_t kReadPadding = 256;
  // A context for these sizes and format, made anew when they change.
  SwsContext* context_for(const Frame& src, const AVFrame* dst);

  bool full_range_;
  SwsPtr sws_;
  int made_for_[5] = {0, 0, 0, 0, -1};  // source width, height; destination width, height, format
  std::vector<uint8_t> scratch_;
};

// A frame with buffers of this format and size. Throws Error(Internal) on allocation failure.
AvFramePtr alloc_video_frame(AVPixelFormat format, int width, int height);

}  // namespace panorama::sink_detail
