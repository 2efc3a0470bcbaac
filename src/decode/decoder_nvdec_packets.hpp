#pragma once
// make_decoder's NVDEC backend: demuxed packets (MP4's length-prefixed NAL units, or Annex-B from
// RTSP and .h264 files) -> Annex-B through FFmpeg's h264_mp4toannexb / hevc_mp4toannexb bitstream
// filters -> NvdecDecoder. Frames reach the Decoder interface as host BGR (DeviceFrame::bgr(), one
// download each); keeping them on the device up to media.image is the runtime's next step.
#include <memory>

#include "panoramasdk/decode/decoder.hpp"

namespace panorama {

// Throws Error(NoCuda) when NVDEC is unavailable, Error(Unsupported) for a codec the GPU lacks
// (make_decoder then falls back to libavcodec). Built without NVDEC: Error(NoCuda) always.
std::unique_ptr<Decoder> make_nvdec_packet_decoder(const DecoderConfig& config, std::shared_ptr<FramePool> pool);

}  // namespace panorama
