#include "sink/bgr_to_yuv.hpp"

#include <cstring>

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace panorama::sink_detail {

AvFramePtr alloc_video_frame(AVPixelFormat format, int width, int height) {
  AvFramePtr f(av_frame_alloc());
  if (!f) fail(ErrorCode::Internal, "out of memory allocating a video frame");
  f->format = format;
  f->width = width;
  f->height = height;
  av_check(av_frame_get_buffer(f.get(), 0),
           "allocating a " + std::to_string(width) + "x" + std::to_string(height) + " video frame");
  return f;
}

void BgrToYuv::convert(const Frame& src, AVFrame* dst) {
  av_check(av_frame_make_writable(dst), "making a video frame writable");
  SwsContext* previous = sws_.get();
  // Bilinear only matters when scaling; same-size conversion is exact in both cases.
  SwsContext* ctx = sws_getCachedContext(sws_.release(), src.width, src.height, AV_PIX_FMT_BGR24, dst->width,
                                         dst->height, static_cast<AVPixelFormat>(dst->format), SWS_BILINEAR,
                                         nullptr, nullptr, nullptr);
  if (!ctx)
    fail(ErrorCode::Internal, "swscale: cannot convert " + std::to_string(src.width) + "x" +
                                  std::to_string(src.height) + " BGR24 to " + std::to_string(dst->width) + "x" +
                                  std::to_string(dst->height) + " " +
                                  av_get_pix_fmt_name(static_cast<AVPixelFormat>(dst->format)));
  sws_.reset(ctx);
  if (ctx != previous) {
    const int* coeffs = sws_getCoefficients(SWS_CS_ITU601);
    sws_setColorspaceDetails(ctx, coeffs, 1, coeffs, full_range_ ? 1 : 0, 0, 1 << 16, 1 << 16);
  }
  const uint8_t* src_planes[1] = {src.data};
  const int src_strides[1] = {static_cast<int>(src.stride)};
  if (src.width != dst->width || src.height != dst->height || (src.width | src.height) & 1) {
    // When scaling, or for odd sizes, swscale reads past the last source pixel; frames are not padded
    // for that, so these rare cases go through a padded copy.
    const size_t bytes = src.stride * static_cast<size_t>(src.height);
    scratch_.resize(bytes + kReadPadding);
    std::memcpy(scratch_.data(), src.data, bytes);
    std::memset(scratch_.data() + bytes, 0, kReadPadding);
    src_planes[0] = scratch_.data();
  }
  sws_scale(ctx, src_planes, src_strides, 0, src.height, dst->data, dst->linesize);
}

}  // namespace panorama::sink_detail
