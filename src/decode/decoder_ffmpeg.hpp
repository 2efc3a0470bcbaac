#pragma once
// The libavcodec (CPU) backend of make_decoder.
#include <memory>

#include "panoramasdk/decode/decoder.hpp"

namespace panorama {

// Throws Error(Unsupported) when this FFmpeg has no decoder for the codec.
std::unique_ptr<Decoder> make_ffmpeg_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool);

}  // namespace panorama
