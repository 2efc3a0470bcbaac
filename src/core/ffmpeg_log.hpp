#pragma once

namespace panorama {

// Routes FFmpeg's av_log output into panorama::log (process-wide; idempotent).
void install_ffmpeg_log_bridge();

}  // namespace panorama
