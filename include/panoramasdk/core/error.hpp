#pragma once
// The one error type of the C++ core. The code says which Python built-in it maps to
// (src/bindings/errors.cpp); the message names the object at fault and what was expected.
#include <stdexcept>
#include <string>

namespace panorama {

enum class ErrorCode {
  InvalidArgument,  // ValueError: bad shape, dtype, range, option
  NotFound,         // FileNotFoundError: missing file, model, stream path (404)
  Timeout,          // TimeoutError: a blocking call ran past its deadline
  Connection,       // ConnectionError: refused, reset, unreachable camera
  Auth,             // PermissionError + ConnectionError: camera rejected the credentials
  Io,               // OSError: read/write failure
  Decode,           // ValueError: corrupt or unsupported media data
  Unsupported,      // NotImplementedError-like: codec or feature not available in this build
  NoCuda,           // RuntimeError: built without CUDA, or no GPU
  Stopped,          // RuntimeError: the object was closed/finished
  State,            // RuntimeError: calls in the wrong order (get_result() before flush())
  Internal,         // RuntimeError: a bug or an unexpected library failure
};

const char* error_code_name(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] void fail(ErrorCode code, const std::string& message);

// Raised wherever a GPU feature is asked for in a build without CUDA (src/core/cuda_stub.cpp).
[[noreturn]] void throw_no_cuda(const std::string& feature);

}  // namespace panorama
