#pragma once
// Which CUDA devices this machine has, asked through the CUDA runtime. The runtime is linked
// statically and loads the driver (libcuda) at run time, so these work on a machine without a
// driver or GPU: "none" is an answer there, not an error. Thread-safe.
#include <cstddef>
#include <string>
#include <vector>

namespace panorama {

struct CudaDeviceInfo {
  int index = 0;
  std::string name;                 // e.g. "NVIDIA H100 80GB HBM3"
  int major = 0;                    // compute capability, e.g. 9.0 for an H100
  int minor = 0;
  size_t total_memory_bytes = 0;
  int multiprocessors = 0;
  bool integrated = false;          // shares memory with the host (Jetson)
};

// Number of usable CUDA devices; 0 without a driver, without a GPU or in a build without CUDA.
int cuda_device_count() noexcept;

// One entry per usable device (empty where cuda_device_count() is 0).
std::vector<CudaDeviceInfo> cuda_devices();

// Why no CUDA device can be used, naming what is missing ("built without CUDA", "no NVIDIA driver
// (libcuda.so.1) found", "no CUDA device found"); empty when at least one device is usable.
std::string cuda_unavailable_reason();

// Throws Error(NoCuda) naming `feature` and cuda_unavailable_reason() when no device is usable.
void require_cuda_device(const std::string& feature);

// Makes `device` the calling thread's current CUDA device for the scope's lifetime, then restores the
// previous one (for work on a frame that lives on another GPU). Throws Error(NoCuda) without CUDA.
class CudaDeviceScope {
 public:
  explicit CudaDeviceScope(int device);
  ~CudaDeviceScope();
  CudaDeviceScope(const CudaDeviceScope&) = delete;
  CudaDeviceScope& operator=(const CudaDeviceScope&) = delete;

 private:
  int previous_ = -1;  // -1: nothing to restore
};

}  // namespace panorama
