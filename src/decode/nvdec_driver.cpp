#include "decode/nvdec_driver.hpp"

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <mutex>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

// CUresult values (from cuda.h; ffnvcodec's enum names only a few) that mean "no usable device".
bool is_missing_device(CUresult status) {
  switch (static_cast<int>(status)) {
    case 3:    // CUDA_ERROR_NOT_INITIALIZED
    case 35:   // CUDA_ERROR_INSUFFICIENT_DRIVER
    case 46:   // CUDA_ERROR_DEVICE_UNAVAILABLE
    case 100:  // CUDA_ERROR_NO_DEVICE
    case 101:  // CUDA_ERROR_INVALID_DEVICE
    case 803:  // CUDA_ERROR_SYSTEM_DRIVER_MISMATCH
    case 804:  // CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE
      return true;
    default:
      return false;
  }
}

std::string error_text(const CudaFunctions* cu, CUresult status) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (cu && cu->cuGetErrorName) cu->cuGetErrorName(status, &name);
  if (cu && cu->cuGetErrorString) cu->cuGetErrorString(status, &text);
  std::string out = name ? name : "CUDA error " + std::to_string(static_cast<int>(status));
  if (text) out += std::string(" (") + text + ")";
  return out;
}

struct LoadedDriver {
  NvdecDriver driver;
  std::string reason;  // empty when driver is usable

  LoadedDriver() {
    std::string messages;
    if (cuda_load_functions(&driver.cu, &messages) != 0) {
      reason = "the NVIDIA driver library could not be opened: " + messages;
      return;
    }
    if (cuvid_load_functions(&driver.cuvid, &messages) != 0) {
      reason = "the NVIDIA video decoder library could not be opened: " + messages +
               " (libnvcuvid comes with the NVIDIA driver; containers need NVIDIA_DRIVER_CAPABILITIES=video)";
      return;
    }
    const CUresult status = driver.cu->cuInit(0);
    if (status != CUDA_SUCCESS) reason = "cuInit failed: " + error_text(driver.cu, status);
  }
  // The libraries stay open until the process ends, as every decoder may still use them.
  ~LoadedDriver() {
    cuvid_free_functions(&driver.cuvid);
    cuda_free_functions(&driver.cu);
  }
};

}  // namespace

void nvdec_loader_message(void* logctx, const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  std::string& out = *static_cast<std::string*>(logctx);
  std::string text = line;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  out += (out.empty() ? "" : "; ") + text;
}

const NvdecDriver* nvdec_driver(std::string* reason) {
  static const LoadedDriver loaded;  // thread-safe static initialisation
  if (!loaded.reason.empty()) {
    if (reason) *reason = loaded.reason;
    return nullptr;
  }
  return &loaded.driver;
}

void nvdec_check(const NvdecDriver& driver, CUresult status, const std::string& what) {
  if (status == CUDA_SUCCESS) return;
  fail(is_missing_device(status) ? ErrorCode::NoCuda : ErrorCode::Internal,
       what + ": " + error_text(driver.cu, status));
}

PrimaryContext::PrimaryContext(const NvdecDriver& driver, int device) : driver_(driver) {
  int count = 0;
  nvdec_check(driver, driver.cu->cuDeviceGetCount(&count), "NVDEC: cuDeviceGetCount");
  if (device < 0 || device >= count)
    fail(ErrorCode::NoCuda, "NVDEC: CUDA device " + std::to_string(device) + " asked for, but this machine has " +
                                std::to_string(count) + (count == 1 ? " device" : " devices"));
  nvdec_check(driver, driver.cu->cuDeviceGet(&device_, device), "NVDEC: cuDeviceGet");
  nvdec_check(driver, driver.cu->cuDevicePrimaryCtxRetain(&context_, device_), "NVDEC: cuDevicePrimaryCtxRetain");
}

PrimaryContext::~PrimaryContext() { driver_.cu->cuDevicePrimaryCtxRelease(device_); }

ContextScope::ContextScope(const NvdecDriver& driver, CUcontext context) : driver_(driver) {
  nvdec_check(driver, driver.cu->cuCtxPushCurrent(context), "NVDEC: cuCtxPushCurrent");
}

ContextScope::~ContextScope() {
  CUcontext popped = nullptr;
  driver_.cu->cuCtxPopCurrent(&popped);
}

}  // namespace panorama
