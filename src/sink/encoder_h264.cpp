#include "sink/encoder_h264.hpp"

#include <algorithm>
#include <cmath>

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavutil/dict.h>
}

namespace panorama::sink_detail {

std::string x264_preset_error(const std::string& preset) {
  std::string known;
  for (const char* p : kX264Presets) {
    if (preset == p) return "";
    known += known.empty() ? p : std::string(", ") + p;
  }
  return "preset '" + preset + "' is not an x264 preset; expected one of " + known;
}

H264Encoder::H264Encoder(int width, int height, AVRational frame_rate, int crf, const std::string& preset,
                         bool global_header, const std::string& what)
    : what_(what) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec)
    fail(ErrorCode::Unsupported, what + ": this FFmpeg has no libx264 encoder (install an FFmpeg built with libx264)");
  ctx_.reset(avcodec_alloc_context3(codec));
  packet_.reset(av_packet_alloc());
  if (!ctx_ || !packet_) fail(ErrorCode::Internal, what + ": out of memory creating the H.264 encoder");

  ctx_->width = width;
  ctx_->height = height;
  ctx_->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx_->framerate = frame_rate;
  ctx_->time_base = av_inv_q(frame_rate);
  ctx_->sample_aspect_ratio = AVRational{1, 1};
  const double fps = av_q2d(frame_rate);
  ctx_->gop_size = std::max(1, static_cast<int>(std::lround(2.0 * fps)));
  // swscale writes BT.601 limited range; say so, so players do not guess.
  ctx_->color_range = AVCOL_RANGE_MPEG;
  ctx_->colorspace = AVCOL_SPC_SMPTE170M;
  ctx_->color_primaries = AVCOL_PRI_SMPTE170M;
  ctx_->color_trc = AVCOL_TRC_SMPTE170M;
  if (global_header) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", preset.c_str(), 0);
  av_dict_set(&opts, "crf", std::to_string(crf).c_str(), 0);
  // x264 prints its banner and statistics at info level through av_log; keep warnings and errors.
  av_dict_set(&opts, "x264-params", "log=1", 0);
  const int ret = avcodec_open2(ctx_.get(), codec, &opts);
  av_dict_free(&opts);
  av_check(ret, what + ": opening the libx264 encoder for " + std::to_string(width) + "x" + std::to_string(height));
}

void H264Encoder::encode(const AVFrame* frame, const std::function<void(AVPacket*)>& on_packet) {
  av_check(avcodec_send_frame(ctx_.get(), frame), what_ + (frame ? ": encoding a frame" : ": flushing the encoder"));
  for (;;) {
    const int ret = avcodec_receive_packet(ctx_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    av_check(ret, what_ + ": receiving an encoded packet");
    on_packet(packet_.get());
    av_packet_unref(packet_.get());
  }
}

}  // namespace panorama::sink_detail
