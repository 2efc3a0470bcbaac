#include "sink/bgr_to_yuv.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavutil/opt.h>
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

SwsContext* BgrToYuv::context_for(const Frame& src, const AVFrame* dst) {
  const int wanted[5] = {src.width, src.height, dst->width, dst->height, dst->format};
  if (sws_ && std::equal(wanted, wanted + 5, made_for_)) return sws_.get();
  const std::string what = "swscale: cannot convert " + std::to_string(src.width) + "x" + std::to_string(src.height) +
                           " BGR24 to " + std::to_string(dst->width) + "x" + std::to_string(dst->height) + " " +
                           av_get_pix_fmt_name(static_cast<AVPixelFormat>(dst->format));
  sws_.reset(sws_alloc_context());
  if (!sws_) fail(ErrorCode::Internal, what + ": out of memory");
  // The ranges must be options before sws_init_context: sws_setColorspaceDetails on a context made for
  // BGR input leaves the output limited range (FFmpeg 5.1), which made washed-out JPEGs. BT.601 is the
  // default matrix. Bilinear only matters when scaling; same-size conversion is exact either way.
  SwsContext* ctx = sws_.get();
  const std::pair<const char*, int64_t> options[] = {
      {"srcw", src.width}, {"srch", src.height}, {"src_format", AV_PIX_FMT_BGR24}, {"src_range", 1},
      {"dstw", dst->width}, {"dsth", dst->height}, {"dst_format", dst->format}, {"dst_range", full_range_ ? 1 : 0},
      {"sws_flags", SWS_BILINEAR}};
  for (const auto& [name, value] : options)
    av_check(av_opt_set_int(ctx, name, value, 0), what + ": setting " + name);
  av_check(sws_init_context(ctx, nullptr, nullptr), what);
  std::copy(wanted, wanted + 5, made_for_);
  return ctx;
}

void BgrToYuv::convert(const Frame& src, AVFrame* dst) {
  av_check(av_frame_make_writable(dst), "making a video frame writable");
  SwsContext* ctx = context_for(src, dst);
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
