#pragma once
// H.264 encoding with libx264 through libavcodec: yuv420p, an x264 speed preset, constant quality (crf),
// one key frame every ~2 s. Width and height must be even (libx264 with 4:2:0).
#include <functional>
#include <string>

#include "sink/av_handles.hpp"

namespace panorama::sink_detail {

// x264's speed presets, fastest first; the default trades file size for CPU, which inference needs.
inline constexpr const char* kX264Presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                               "medium", "slow", "slower", "veryslow", "placebo"};
inline constexpr const char* kDefaultX264Preset = "ultrafast";
// "" when `preset` is one of kX264Presets, else an error text listing them.
std::string x264_preset_error(const std::string& preset);

class H264Encoder {
 public:
  // `global_header`: put SPS/PPS in extradata (MP4 and MKV want it). `what` names the output in errors.
  // Throws Error(Unsupported) when this FFmpeg has no libx264.
  H264Encoder(int width, int height, AVRational frame_rate, int crf, const std::string& preset, bool global_header,
              const std::string& what);

  // Sends one frame (its pts in time_base() units), or nullptr to flush; every packet that comes out
  // is handed to on_packet (the packet is unreferenced afterwards).
  void encode(const AVFrame* frame, const std::function<void(AVPacket*)>& on_packet);

  AVCodecContext* context() const { return ctx_.get(); }
  AVRational time_base() const { return ctx_->time_base; }

 private:
  std::string what_;
  CodecContextPtr ctx_;
  PacketPtr packet_;
};

}  // namespace panorama::sink_detail
