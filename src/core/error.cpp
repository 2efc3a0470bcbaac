#include "panoramasdk/core/error.hpp"

namespace panorama {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::Timeout: return "timeout";
    case ErrorCode::Connection: return "connection";
    case ErrorCode::Auth: return "auth";
    case ErrorCode::Io: return "io";
    case ErrorCode::Decode: return "decode";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::NoCuda: return "no_cuda";
    case ErrorCode::Stopped: return "stopped";
    case ErrorCode::State: return "state";
    case ErrorCode::Internal: return "internal";
  }
  return "unknown";
}

void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace panorama
