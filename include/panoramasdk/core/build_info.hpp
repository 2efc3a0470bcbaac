#pragma once
// What this build of the core contains, for `panorama --version` and GPU test skips.
#include <string>

namespace panorama {

bool built_with_cuda() noexcept;
// Versions of the FFmpeg libraries linked at build time, e.g. "libavcodec 59.37.100".
std::string ffmpeg_versions();

}  // namespace panorama
