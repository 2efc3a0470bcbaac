// Chooses the decoder backend. Today: libavcodec. NVDEC joins here (under PANORAMA_WITH_NVDEC),
// falling back to libavcodec for codecs or sizes the GPU does not take.
#include "decode/decoder_ffmpeg.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/decoder.hpp"

namespace panorama {

std::unique_ptr<Decoder> make_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool) {
  if (!config.codec) fail(ErrorCode::InvalidArgument, config.what + ": no codec parameters given to the decoder");
  if (!pool) fail(ErrorCode::InvalidArgument, config.what + ": no frame pool given to the decoder");
  return make_ffmpeg_decoder(config, std::move(pool));
}

}  // namespace panorama
