// Codec names of the NVDEC decoder; built in every configuration (the stub and the bindings use them).
#include <algorithm>
#include <cctype>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

namespace panorama {

NvdecCodec nvdec_codec_from_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "h264" || lower == "avc") return NvdecCodec::H264;
  if (lower == "h265" || lower == "hevc") return NvdecCodec::H265;
  fail(ErrorCode::Unsupported, "NVDEC codec '" + name + "': expected h264 (avc) or h265 (hevc)");
}

const char* nvdec_codec_name(NvdecCodec codec) noexcept { return codec == NvdecCodec::H264 ? "h264" : "hevc"; }

}  // namespace panorama
