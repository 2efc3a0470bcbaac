#pragma once
// What this build of the core contains, for `panorama --version` and GPU test skips.
#include <string>

namespace panorama {

bool built_with_cuda() noexcept;
// True when the NVDEC decoder was built (CUDA and the ffnvcodec headers); it may still be unusable at
// run time (nvdec_unavailable_reason() in decode/decoder_nvdec.hpp).
bool built_with_nvdec() noexcept;
// False for PANORAMA_WITH_MEDIA=OFF builds (no FFmpeg/FreeType areas: media, decode, overlay, sink).
bool built_with_media() noexcept;
// Versions of the FFmpeg libraries linked at build time (media builds only), e.g. "libavcodec 59.37.100".
std::string ffmpeg_versions();

}  // namespace panorama
