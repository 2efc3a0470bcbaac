#include "decode/bgr_converter.hpp"

#include <string>

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavutil/buffer.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace panorama {

namespace {

struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};

int sws_colorspace(int colorspace) {
  switch (colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return SWS_CS_DEFAULT;  // BT.601, also what FFmpeg assumes for untagged video
  }
}

bool is_full_range(const AVFrame* f) {
  switch (f->format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
      return true;
    default:
      return f->color_range == AVCOL_RANGE_JPEG;
  }
}

// Lets an AVFrame point at a pooled buffer: the AVBufferRef holds a reference to the Frame's storage.
void release_storage(void* opaque, uint8_t*) { delete static_cast<std::shared_ptr<void>*>(opaque); }

}  // namespace

void BgrConverter::SwsFreer::operator()(SwsContext* ctx) const { sws_freeContext(ctx); }

void BgrConverter::rebuild(const Key& key) {
  sws_.reset();
  std::unique_ptr<SwsContext, SwsFreer> ctx(sws_alloc_context());
  if (!ctx) fail(ErrorCode::Internal, "out of memory creating a colour converter");
  // Slice threads pay off only on large pictures.
  const int threads = key.width * key.height >= 1280 * 720 ? threads_ : 1;
  SwsContext* c = ctx.get();
  av_opt_set_int(c, "srcw", key.width, 0);
  av_opt_set_int(c, "srch", key.height, 0);
  av_opt_set_int(c, "src_format", key.format, 0);
  av_opt_set_int(c, "dstw", key.width, 0);
  av_opt_set_int(c, "dsth", key.height, 0);
  av_opt_set_int(c, "dst_format", AV_PIX_FMT_BGR24, 0);
  av_opt_set_int(c, "sws_flags", SWS_BICUBIC, 0);
  av_opt_set_int(c, "threads", threads, 0);
  av_opt_set_int(c, "src_range", key.full_range, 0);
  av_opt_set_int(c, "dst_range", 1, 0);
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(key.format));
  av_check(sws_init_context(c, nullptr, nullptr),
           std::string("colour conversion from ") + (name ? name : "an unknown pixel format") + " to bgr24");
  const int* coefficients = sws_getCoefficients(sws_colorspace(key.colorspace));
  sws_setColorspaceDetails(c, coefficients, key.full_range, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
                           1 << 16);
  sws_ = std::move(ctx);
  key_ = key;
}

FramePtr BgrConverter::convert(const AVFrame* src, FramePool& pool) {
  Key key{src->width, src->height, src->format, src->colorspace, is_full_range(src) ? 1 : 0};
  if (!sws_ || !(key == key_)) rebuild(key);

  FramePtr out = pool.acquire(src->width, src->height);
  std::unique_ptr<AVFrame, FrameFreer> dst(av_frame_alloc());
  if (!dst) fail(ErrorCode::Internal, "out of memory");
  auto* hold = new std::shared_ptr<void>(out->storage);
  dst->buf[0] = av_buffer_create(out->data, static_cast<int>(out->size_bytes()), &release_storage, hold, 0);
  if (!dst->buf[0]) {
    delete hold;
    fail(ErrorCode::Internal, "out of memory");
  }
  dst->data[0] = out->data;
  dst->linesize[0] = static_cast<int>(out->stride);
  dst->width = src->width;
  dst->height = src->height;
  dst->format = AV_PIX_FMT_BGR24;
  av_check(sws_scale_frame(sws_.get(), dst.get(), src), "colour conversion to bgr24");
  return out;
}

}  // namespace panorama
