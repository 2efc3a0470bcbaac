#pragma once
// The driver side of NVDEC: libcuda and libnvcuvid opened once per process at run time through FFmpeg's
// ffnvcodec loader (dynlink_loader.h), so nothing links against them and a machine without them only
// loses NVDEC. Include this, never the loader directly: it routes the loader's messages into the reason.
#include <string>

// The loader prints failures to stderr by default; ours go into the reason string (logctx).
#define FFNV_LOG_FUNC(logctx, msg, ...) panorama::nvdec_loader_message(logctx, msg, __VA_ARGS__)
#define FFNV_DEBUG_LOG_FUNC(logctx, msg, ...)
namespace panorama {
void nvdec_loader_message(void* logctx, const char* format, ...);
}
#include <ffnvcodec/dynlink_loader.h>

namespace panorama {

struct NvdecDriver {
  CudaFunctions* cu = nullptr;
  CuvidFunctions* cuvid = nullptr;
};

// The loaded and initialised (cuInit) driver, or nullptr with `reason` naming what is missing:
// libcuda.so.1, libnvcuvid.so.1, a symbol, or cuInit's error. Loaded on the first call; thread-safe.
const NvdecDriver* nvdec_driver(std::string* reason);

// Throws Error (NoCuda for a missing or unusable device, Internal otherwise) naming `what` and the
// driver's error name, unless status is CUDA_SUCCESS.
void nvdec_check(const NvdecDriver& driver, CUresult status, const std::string& what);

// The device's primary context (the one the CUDA runtime uses, so our kernels share NVDEC's memory),
// retained for the object's lifetime.
class PrimaryContext {
 public:
  PrimaryContext(const NvdecDriver& driver, int device);
  ~PrimaryContext();
  PrimaryContext(const PrimaryContext&) = delete;
  PrimaryContext& operator=(const PrimaryContext&) = delete;
  CUcontext get() const noexcept { return context_; }
  CUdevice device() const noexcept { return device_; }

 private:
  const NvdecDriver& driver_;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
};

// Makes a context current on this thread for the scope (cuCtxPushCurrent / cuCtxPopCurrent).
class ContextScope {
 public:
  ContextScope(const NvdecDriver& driver, CUcontext context);
  ~ContextScope();
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  const NvdecDriver& driver_;
};

}  // namespace panorama
