#pragma once
// The libavformat backend of make_source: RTSP cameras and files.
#include <memory>
#include <string>

#include "panoramasdk/media/source.hpp"

namespace panorama {

std::unique_ptr<Source> make_ffmpeg_source(const StreamOptions& options, const std::string& what,
                                           const StopSignal& stop);

}  // namespace panorama
