// FFmpeg's own messages ("[h264 @ 0x..] error while decoding MB", "[rtsp @ 0x..] 401 Unauthorized")
// would go straight to stderr from any thread. Our code reports every failure itself, with the camera
// named, so FFmpeg's lines go to the log queue at DEBUG level (logger "panoramasdk.ffmpeg").
#include "core/ffmpeg_log.hpp"

#include <string>

#include "panoramasdk/core/log.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace panorama {

namespace {

void forward(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_WARNING) return;
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!text.empty()) log(LogLevel::Debug, "panoramasdk.ffmpeg", text);
}

}  // namespace

void install_ffmpeg_log_bridge() { av_log_set_callback(forward); }

}  // namespace panorama
