#include "decode/decoder_ffmpeg.hpp"

#include <string>

#include "core/ffmpeg_error.hpp"
#include "decode/bgr_converter.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace panorama {

namespace {

struct CodecContextFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};

class FfmpegDecoder final : public Decoder {
 public:
  FfmpegDecoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool)
      : what_(config.what), pool_(std::move(pool)), converter_(config.threads) {
    const AVCodec* codec = avcodec_find_decoder(config.codec->codec_id);
    if (!codec)
      fail(ErrorCode::Unsupported, what_ + ": this FFmpeg build has no decoder for " +
                                       avcodec_get_name(config.codec->codec_id) + " video; expected H.264 or H.265");
    ctx_.reset(avcodec_alloc_context3(codec));
    frame_.reset(av_frame_alloc());
    if (!ctx_ || !frame_) fail(ErrorCode::Internal, what_ + ": out of memory creating the decoder");
    av_check(avcodec_parameters_to_context(ctx_.get(), config.codec), what_ + ": decoder parameters");
    ctx_->pkt_timebase = AVRational{config.time_base_num, config.time_base_den};
    ctx_->thread_count = config.threads;  // 0: libavcodec picks one per CPU
    ctx_->thread_type = FF_THREAD_FRAME;
    av_check(avcodec_open2(ctx_.get(), codec, nullptr), what_ + ": opening the " + codec->name + " decoder");
    description_ = std::string(codec->name) + " (libavcodec, " + std::to_string(ctx_->thread_count) +
                   (ctx_->active_thread_type & FF_THREAD_FRAME ? " frame threads)" : " threads)");
  }

  void decode(const AVPacket* packet, const FrameCallback& on_frame) override {
    if (drained_) return;
    int ret = avcodec_send_packet(ctx_.get(), packet);
    // EAGAIN cannot happen (every frame is received after each send); a data error is counted and
    // the decoder carries on with the next packet.
    if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
      if (ret == AVERROR(ENOMEM)) av_check(ret, what_ + ": decoding");
      ++errors_;
    }
    int failures = 0;
    for (;;) {
      ret = avcodec_receive_frame(ctx_.get(), frame_.get());
      if (ret == AVERROR(EAGAIN)) break;
      if (ret == AVERROR_EOF) {
        drained_ = true;
        break;
      }
      if (ret < 0) {
        if (ret == AVERROR(ENOMEM)) av_check(ret, what_ + ": decoding");
        ++errors_;
        if (!packet && ++failures < 64) continue;  // draining: the frames after a bad one still count
        break;
      }
      // Damaged but concealed pictures are still shown (a smear beats a gap) and counted.
      if (frame_->decode_error_flags || (frame_->flags & AV_FRAME_FLAG_CORRUPT)) ++errors_;
      FramePtr out;
      try {
        out = converter_.convert(frame_.get(), *pool_);
      } catch (const Error& e) {
        av_frame_unref(frame_.get());
        if (e.code() != ErrorCode::InvalidArgument && e.code() != ErrorCode::Decode) throw;
        ++errors_;
        continue;
      }
      const int64_t pts = frame_->best_effort_timestamp;
      av_frame_unref(frame_.get());
      on_frame(std::move(out), pts == AV_NOPTS_VALUE ? kNoTimestamp : pts);
    }
  }

  int64_t errors() const override { return errors_; }
  std::string description() const override { return description_; }
  const char* backend() const noexcept override { return "libavcodec"; }

 private:
  std::string what_;
  std::shared_ptr<FramePool> pool_;
  BgrConverter converter_;
  std::unique_ptr<AVCodecContext, CodecContextFreer> ctx_;
  std::unique_ptr<AVFrame, FrameFreer> frame_;
  std::string description_;
  int64_t errors_ = 0;
  bool drained_ = false;
};

}  // namespace

std::unique_ptr<Decoder> make_ffmpeg_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool) {
  return std::make_unique<FfmpegDecoder>(config, std::move(pool));
}

}  // namespace panorama
