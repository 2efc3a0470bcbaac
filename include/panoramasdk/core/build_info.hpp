#pragma once
// What this build of the core contains, for `panorama --version` and GPU test skips.
#include <string>

namespace panorama {

bool built_with_cuda() noexcept;
// False for PANORAMA_WITH_MEDIA=OFF builds (no FFmpeg/FreeType areas: media, decode, overlay, sink).
bool built_with_media() noexcept;
// Versions of the FFmpeg libraries linked at build time (media builds only), e.g. "libavcodec 59.37.100".
std::string ffmpeg_versions();

}  // namespace panorama
