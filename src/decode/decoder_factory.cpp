// Chooses the decoder backend: NVDEC when the config asks for the GPU and NVDEC can take the stream,
// else libavcodec. Falling back is never an error: the log says why, once per stream and reason (a
// camera that reconnects makes a decoder each time and says it once).
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "decode/decoder_ffmpeg.hpp"
#include "decode/decoder_nvdec_packets.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/log.hpp"
#include "panoramasdk/decode/decoder.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>
}

namespace panorama {

namespace {

// Why NVDEC will not decode this stream ("" when it may): what the parameters already show.
std::string nvdec_refusal(const AVCodecParameters& codec) {
  if (codec.codec_id != AV_CODEC_ID_H264 && codec.codec_id != AV_CODEC_ID_HEVC)
    return std::string("NVDEC decodes H.264 and H.265 here, not ") + avcodec_get_name(codec.codec_id);
  const auto format = static_cast<AVPixelFormat>(codec.format);
  if (format != AV_PIX_FMT_NONE && format != AV_PIX_FMT_YUV420P && format != AV_PIX_FMT_YUVJ420P) {
    const char* name = av_get_pix_fmt_name(format);
    return std::string("the NVDEC decoder takes 8-bit 4:2:0 video; this stream is ") + (name ? name : "another format");
  }
  return nvdec_unavailable_reason();
}

void log_fallback_once(const std::string& what, std::string reason) {
  // The decoder's errors start with the stream's name, which the line gives already.
  if (reason.compare(0, what.size() + 2, what + ": ") == 0) reason.erase(0, what.size() + 2);
  static std::mutex mutex;
  static std::set<std::pair<std::string, std::string>> logged;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!logged.emplace(what, reason).second) return;
  }
  log(LogLevel::Warning, "panoramasdk.decode", what + ": decoding on the CPU with libavcodec, not NVDEC: " + reason);
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool) {
  if (!config.codec) fail(ErrorCode::InvalidArgument, config.what + ": no codec parameters given to the decoder");
  if (!pool) fail(ErrorCode::InvalidArgument, config.what + ": no frame pool given to the decoder");
  if (config.gpu) {
    std::string reason = nvdec_refusal(*config.codec);
    if (reason.empty()) {
      try {
        return make_nvdec_packet_decoder(config, pool);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::NoCuda && e.code() != ErrorCode::Unsupported) throw;
        reason = e.what();
      }
    }
    log_fallback_once(config.what, reason);
  }
  return make_ffmpeg_decoder(config, std::move(pool));
}

}  // namespace panorama
