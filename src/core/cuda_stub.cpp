// Linked in builds without CUDA: no devices, and every GPU object raises "built without CUDA".
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"

namespace panorama {

int cuda_device_count() noexcept { return 0; }
std::vector<CudaDeviceInfo> cuda_devices() { return {}; }
std::string cuda_unavailable_reason() { return "panoramasdk was built without CUDA"; }
void require_cuda_device(const std::string& feature) { throw_no_cuda(feature); }
CudaDeviceScope::CudaDeviceScope(int) { throw_no_cuda("CudaDeviceScope"); }
CudaDeviceScope::~CudaDeviceScope() = default;

void* cuda_allocate(MemoryKind kind, size_t) {
  throw_no_cuda(kind == MemoryKind::Device ? "a device buffer" : "a pinned host buffer");
}
void cuda_release(MemoryKind, void*) noexcept {}

void require_device_accessible(const void*, const std::string& what) { throw_no_cuda(what); }
void copy_host_to_device(void*, const void*, size_t, CudaStreamHandle, CopyWhat) { throw_no_cuda("copy_host_to_device"); }
void copy_device_to_host(void*, const void*, size_t, CudaStreamHandle, CopyWhat) { throw_no_cuda("copy_device_to_host"); }
void copy_device_to_device(void*, const void*, size_t, CudaStreamHandle) { throw_no_cuda("copy_device_to_device"); }
void clear_device_memory(void*, size_t, CudaStreamHandle) { throw_no_cuda("clear_device_memory"); }
HostDeviceCopyCounts host_device_copy_counts() noexcept { return {}; }
void reset_host_device_copy_counts() noexcept {}

CudaStream::CudaStream() { throw_no_cuda("CudaStream"); }
void CudaStream::Destroy::operator()(CUstream_st*) const noexcept {}
void CudaStream::synchronize() const { throw_no_cuda("CudaStream"); }

CudaEvent::CudaEvent(bool) { throw_no_cuda("CudaEvent"); }
void CudaEvent::Destroy::operator()(CUevent_st*) const noexcept {}
void CudaEvent::record(CudaStreamHandle) { throw_no_cuda("CudaEvent"); }
void CudaEvent::wait_on(CudaStreamHandle) const { throw_no_cuda("CudaEvent"); }
void CudaEvent::synchronize() const { throw_no_cuda("CudaEvent"); }
float CudaEvent::elapsed_ms_since(const CudaEvent&) const { throw_no_cuda("CudaEvent"); }

}  // namespace panorama
