#include "panoramasdk/core/cuda_device.hpp"

#include <cuda_runtime_api.h>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

std::string reason_for(cudaError_t status) {
  if (status == cudaErrorInsufficientDriver) {
    // CUDART_VERSION is e.g. 13000 for 13.0.
    const std::string runtime = std::to_string(CUDART_VERSION / 1000) + "." + std::to_string(CUDART_VERSION % 1000 / 10);
    return "no NVIDIA driver (libcuda.so.1) found, or one too old for CUDA runtime " + runtime;
  }
  if (status == cudaErrorNoDevice) return "no CUDA device found";
  return std::string("no usable CUDA device (") + cudaGetErrorString(status) + ")";
}

}  // namespace

int cuda_device_count() noexcept {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

std::vector<CudaDeviceInfo> cuda_devices() {
  std::vector<CudaDeviceInfo> out;
  const int count = cuda_device_count();
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    cuda_check(cudaGetDeviceProperties(&prop, i), "CUDA device " + std::to_string(i) + ": cudaGetDeviceProperties");
    CudaDeviceInfo info;
    info.index = i;
    info.name = prop.name;
    info.major = prop.major;
    info.minor = prop.minor;
    info.total_memory_bytes = prop.totalGlobalMem;
    info.multiprocessors = prop.multiProcessorCount;
    info.integrated = prop.integrated != 0;
    out.push_back(std::move(info));
  }
  return out;
}

std::string cuda_unavailable_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return reason_for(status);
  }
  return count > 0 ? std::string() : std::string("no CUDA device found");
}

void require_cuda_device(const std::string& feature) {
  const std::string reason = cuda_unavailable_reason();
  if (!reason.empty()) fail(ErrorCode::NoCuda, feature + " needs a CUDA device: " + reason);
}

CudaDeviceScope::CudaDeviceScope(int device) {
  int current = 0;
  cuda_check(cudaGetDevice(&current), "CudaDeviceScope: cudaGetDevice");
  if (current == device) return;
  cuda_check(cudaSetDevice(device), "CudaDeviceScope: cudaSetDevice(" + std::to_string(device) + ")");
  previous_ = current;
}

CudaDeviceScope::~CudaDeviceScope() {
  if (previous_ >= 0) cudaSetDevice(previous_);
}

}  // namespace panorama
