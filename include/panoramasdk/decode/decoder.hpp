#pragma once
// Compressed video packets -> decoded Frames in pooled buffers. Backends, chosen by make_decoder():
//  - libavcodec on the CPU with frame threads (decoder_ffmpeg.cpp): packed BGR24 in host memory (the
//    one copy on the CPU path: libswscale writes straight into the Frame that Python views in place);
//  - NVDEC (decoder_nvdec.hpp) for H.264/H.265 when the config asks for the GPU and NVDEC is usable:
//    NV12 that stays on the device (Frame::device; host_pixels() downloads BGR only when asked);
//    otherwise libavcodec, with the reason logged once. Codecs: whatever the backend has: H.264 always, H.265
// when FFmpeg was built with it, raw video (the test pattern). A decoder is used by one thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "panoramasdk/core/frame.hpp"

extern "C" {
struct AVCodecParameters;
struct AVPacket;
}

namespace panorama {

// Time stamp value for "unknown" (FFmpeg's AV_NOPTS_VALUE).
constexpr int64_t kNoTimestamp = INT64_MIN;

struct DecoderConfig {
  const AVCodecParameters* codec = nullptr;  // from the source's VideoInfo
  int time_base_num = 1;                     // unit of packet time stamps
  int time_base_den = 1;
  int threads = 0;                           // decoder threads; 0 = automatic
  bool gpu = false;                          // decode on NVDEC where it can (the GPU path)
  std::string what;                          // names the stream in messages (a redacted URI)
};

class Decoder {
 public:
  // Receives each decoded frame with its presentation time stamp (in the config's time base, or
  // kNoTimestamp). Frames come in presentation order.
  using FrameCallback = std::function<void(FramePtr frame, int64_t pts)>;
  virtual ~Decoder() = default;

  // Decodes one packet; nullptr drains the frames still inside at the end of the stream. Corrupt
  // data never throws: it is counted in errors() and skipped, so at most the frames up to the next
  // key frame are lost. Throws Error only for failures outside the data (out of memory, bugs).
  virtual void decode(const AVPacket* packet, const FrameCallback& on_frame) = 0;

  // Packets and frames that failed to decode or came out damaged, since construction.
  virtual int64_t errors() const = 0;

  // For logs: "h264 (libavcodec, 3 frame threads)".
  virtual std::string description() const = 0;

  // Which backend decodes: "nvdec" or "libavcodec" (the streams' stats report it).
  virtual const char* backend() const noexcept = 0;
};

// The best decoder for `config.codec`. With config.gpu, NVDEC when it is usable and takes the stream
// (H.264/H.265, 8-bit 4:2:0); otherwise libavcodec, and the log (logger "panoramasdk.decode") says why
// once per stream (config.what) and reason. Throws Error(Unsupported) naming the codec when no backend
// decodes it, Error(InvalidArgument) when config.codec is null.
std::unique_ptr<Decoder> make_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool);

}  // namespace panorama
