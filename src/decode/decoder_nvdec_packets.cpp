#include "decode/decoder_nvdec_packets.hpp"

#include <string>
#include <utility>

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
}

namespace panorama {

namespace {

struct BsfFreer {
  void operator()(AVBSFContext* c) const { av_bsf_free(&c); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

bool starts_with_start_code(const uint8_t* data, int size) {
  return (size >= 3 && data[0] == 0 && data[1] == 0 && data[2] == 1) ||
         (size >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 1);
}

class NvdecPacketDecoder final : public Decoder {
 public:
  NvdecPacketDecoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool)
      : what_(config.what), nvdec_(codec_of(config), config.what, options_with(std::move(pool))) {
    const char* filter_name = config.codec->codec_id == AV_CODEC_ID_H264 ? "h264_mp4toannexb" : "hevc_mp4toannexb";
    const AVBitStreamFilter* filter = av_bsf_get_by_name(filter_name);
    if (!filter) fail(ErrorCode::Unsupported, what_ + ": this FFmpeg has no " + filter_name + " bitstream filter");
    AVBSFContext* bsf = nullptr;
    av_check(av_bsf_alloc(filter, &bsf), what_ + ": " + filter_name);
    bsf_.reset(bsf);
    av_check(avcodec_parameters_copy(bsf->par_in, config.codec), what_ + ": " + filter_name + " parameters");
    bsf->time_base_in = AVRational{config.time_base_num, config.time_base_den};
    av_check(av_bsf_init(bsf), what_ + ": " + filter_name);
    in_.reset(av_packet_alloc());
    out_.reset(av_packet_alloc());
    if (!in_ || !out_) fail(ErrorCode::Internal, what_ + ": out of memory");
    description_ = nvdec_.description();
  }

  void decode(const AVPacket* packet, const FrameCallback& on_frame) override {
    if (drained_) return;
    // Frames stay on the device: the host BGR is made only if someone reads it (host_pixels()).
    auto deliver = [&](DeviceFramePtr frame) {
      const int64_t pts = frame->pts;
      on_frame(frame_on_device(std::move(frame)), pts);
    };
    if (!sent_parameter_sets_) {
      // Parameter sets carried outside the packets (RTSP's sprop-parameter-sets; MP4's avcC, which
      // the filter turns into Annex-B) go to the parser first.
      sent_parameter_sets_ = true;
      const AVCodecParameters* par = bsf_->par_out;
      if (par->extradata && starts_with_start_code(par->extradata, par->extradata_size))
        nvdec_.decode(par->extradata, static_cast<size_t>(par->extradata_size), kNoTimestamp, deliver);
    }
    int ret = 0;
    if (packet) {
      ret = av_packet_ref(in_.get(), packet);
      if (ret >= 0) ret = av_bsf_send_packet(bsf_.get(), in_.get());
      av_packet_unref(in_.get());
    } else {
      ret = av_bsf_send_packet(bsf_.get(), nullptr);
    }
    if (ret == AVERROR(ENOMEM)) av_check(ret, what_ + ": bitstream filter");
    if (ret < 0) ++filter_errors_;  // a malformed packet: skipped, like a corrupt one on the CPU path
    for (;;) {
      ret = av_bsf_receive_packet(bsf_.get(), out_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
      if (ret < 0) {
        if (ret == AVERROR(ENOMEM)) av_check(ret, what_ + ": bitstream filter");
        ++filter_errors_;
        break;
      }
      const int64_t pts = out_->pts;  // AV_NOPTS_VALUE is kNoTimestamp
      nvdec_.decode(out_->data, static_cast<size_t>(out_->size), pts, deliver, true);
      av_packet_unref(out_.get());
    }
    if (!packet) {
      nvdec_.flush(deliver);
      drained_ = true;
    }
  }

  int64_t errors() const override { return filter_errors_ + nvdec_.errors(); }
  std::string description() const override { return description_; }
  const char* backend() const noexcept override { return "nvdec"; }

 private:
  static NvdecCodec codec_of(const DecoderConfig& config) {
    if (config.codec->codec_id == AV_CODEC_ID_H264) return NvdecCodec::H264;
    if (config.codec->codec_id == AV_CODEC_ID_HEVC) return NvdecCodec::H265;
    fail(ErrorCode::Unsupported, config.what + ": NVDEC decodes H.264 and H.265 here, not " +
                                     avcodec_get_name(config.codec->codec_id));
  }
  static NvdecOptions options_with(std::shared_ptr<FramePool> pool) {
    NvdecOptions options;
    options.host_pool = std::move(pool);
    return options;
  }

  std::string what_;
  NvdecDecoder nvdec_;
  std::unique_ptr<AVBSFContext, BsfFreer> bsf_;
  std::unique_ptr<AVPacket, PacketFreer> in_, out_;
  std::string description_;
  int64_t filter_errors_ = 0;
  bool sent_parameter_sets_ = false;
  bool drained_ = false;
};

}  // namespace

std::unique_ptr<Decoder> make_nvdec_packet_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool) {
  return std::make_unique<NvdecPacketDecoder>(config, std::move(pool));
}

}  // namespace panorama
