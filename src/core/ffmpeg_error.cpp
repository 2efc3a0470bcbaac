#include "core/ffmpeg_error.hpp"

#include <cerrno>

#include "panoramasdk/core/build_info.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
}

namespace panorama {

std::string av_error_string(int ret) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(ret, buf, sizeof(buf));
  return buf;
}

ErrorCode error_code_for_averror(int ret) {
  switch (ret) {
    case AVERROR(ETIMEDOUT):
    case AVERROR_EXIT:  // our interrupt callback fired: a deadline passed
      return ErrorCode::Timeout;
    case AVERROR(ECONNREFUSED):
    case AVERROR(ECONNRESET):
    case AVERROR(EHOSTUNREACH):
    case AVERROR(ENETUNREACH):
    case AVERROR(EPIPE):
      return ErrorCode::Connection;
    case AVERROR_HTTP_UNAUTHORIZED:
    case AVERROR_HTTP_FORBIDDEN:
      return ErrorCode::Auth;
    case AVERROR(ENOENT):
    case AVERROR_HTTP_NOT_FOUND:
    case AVERROR_STREAM_NOT_FOUND:
      return ErrorCode::NotFound;
    case AVERROR_INVALIDDATA:
      return ErrorCode::Decode;
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_ENCODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_PROTOCOL_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
      return ErrorCode::Unsupported;
    case AVERROR(EINVAL):
      return ErrorCode::InvalidArgument;
    case AVERROR(EIO):
      return ErrorCode::Io;
    default:
      return ErrorCode::Internal;
  }
}

int av_check(int ret, const std::string& what) {
  if (ret < 0) fail(error_code_for_averror(ret), what + ": " + av_error_string(ret));
  return ret;
}

static std::string version_of(const char* name, unsigned v) {
  return std::string(name) + " " + std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." +
         std::to_string(v & 0xff);
}

std::string ffmpeg_versions() {
  return version_of("libavformat", avformat_version()) + ", " + version_of("libavcodec", avcodec_version()) +
         ", " + version_of("libswscale", swscale_version());
}

}  // namespace panorama
