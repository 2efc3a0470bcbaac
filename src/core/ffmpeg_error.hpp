#pragma once
// Every FFmpeg call's return code goes through av_check(): a negative AVERROR becomes a
// panorama::Error whose code matches the cause (PyAV's err_check).
#include <string>

#include "panoramasdk/core/error.hpp"

namespace panorama {

// Throws when ret < 0; `what` names the object and the operation, e.g. "camera rtsp://h/x: open".
int av_check(int ret, const std::string& what);

// The FFmpeg message for an AVERROR code, e.g. "Connection refused".
std::string av_error_string(int ret);

// Maps an AVERROR code to the matching ErrorCode (used by av_check and by callers that report
// an error without throwing).
ErrorCode error_code_for_averror(int ret);

}  // namespace panorama
