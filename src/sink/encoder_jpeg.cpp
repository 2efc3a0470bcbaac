#include "panoramasdk/sink/encoder_jpeg.hpp"

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"
#include "sink/av_handles.hpp"
#include "sink/bgr_to_yuv.hpp"

namespace panorama {

using namespace sink_detail;

namespace {

void check_quality(int quality) {
  if (quality < 1 || quality > 100)
    fail(ErrorCode::InvalidArgument, "jpeg_quality must be in 1..100, got " + std::to_string(quality));
}

// JPEG quality 1..100 -> the mjpeg encoder's quantiser scale 31..2 (2 is near lossless).
int qscale_for(int quality) { return 2 + ((100 - quality) * 29 + 49) / 99; }

}  // namespace

struct JpegEncoder::Impl {
  int quality = 80;
  CodecContextPtr ctx;  // reopened when the frame size or quality changes
  AvFramePtr yuv;
  PacketPtr packet{av_packet_alloc()};
  BgrToYuv to_yuv{true};
  int64_t next_pts = 0;

  void open(int width, int height) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!codec) fail(ErrorCode::Unsupported, "live view: this FFmpeg has no mjpeg encoder");
    ctx.reset(avcodec_alloc_context3(codec));
    if (!ctx || !packet) fail(ErrorCode::Internal, "live view: out of memory creating the JPEG encoder");
    ctx->width = width;
    ctx->height = height;
    // Plain yuv420p tagged full range is what the deprecated yuvj420p means (JPEG is full range).
    ctx->pix_fmt = AV_PIX_FMT_YUV420P;
    ctx->color_range = AVCOL_RANGE_JPEG;
    ctx->time_base = AVRational{1, 25};
    const int q = qscale_for(quality);
    ctx->flags |= AV_CODEC_FLAG_QSCALE;
    ctx->global_quality = FF_QP2LAMBDA * q;
    ctx->qmin = ctx->qmax = q;
    av_check(avcodec_open2(ctx.get(), codec, nullptr),
             "live view: opening the JPEG encoder for " + std::to_string(width) + "x" + std::to_string(height));
    yuv = alloc_video_frame(AV_PIX_FMT_YUV420P, width, height);
    yuv->color_range = AVCOL_RANGE_JPEG;
  }
};

JpegEncoder::JpegEncoder(int quality) : impl_(std::make_unique<Impl>()) {
  check_quality(quality);
  impl_->quality = quality;
}

JpegEncoder::~JpegEncoder() = default;

void JpegEncoder::set_quality(int quality) {
  check_quality(quality);
  if (quality != impl_->quality) impl_->ctx.reset();
  impl_->quality = quality;
}

int JpegEncoder::quality() const { return impl_->quality; }

std::vector<uint8_t> JpegEncoder::encode(const Frame& frame) {
  Impl& s = *impl_;
  if (!frame.data || frame.width <= 0 || frame.height <= 0)
    fail(ErrorCode::InvalidArgument, "live view: expected a frame with pixels");
  if (!s.ctx || s.ctx->width != frame.width || s.ctx->height != frame.height) s.open(frame.width, frame.height);
  s.to_yuv.convert(frame, s.yuv.get());
  s.yuv->quality = s.ctx->global_quality;
  s.yuv->pts = s.next_pts++;  // the encoder insists on increasing pts
  av_check(avcodec_send_frame(s.ctx.get(), s.yuv.get()), "live view: encoding a JPEG");
  std::vector<uint8_t> out;
  for (;;) {
    const int ret = avcodec_receive_packet(s.ctx.get(), s.packet.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    av_check(ret, "live view: receiving a JPEG");
    out.insert(out.end(), s.packet->data, s.packet->data + s.packet->size);
    av_packet_unref(s.packet.get());
  }
  if (out.empty()) fail(ErrorCode::Internal, "live view: the JPEG encoder returned no data");
  return out;
}

}  // namespace panorama
