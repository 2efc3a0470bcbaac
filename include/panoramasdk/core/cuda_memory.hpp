#pragma once
// RAII device and pinned host memory, and host<->device copies that are counted so benchmarks and
// tests can prove a hot path moves no frame across PCIe. Buffers are move-only; constructing one in
// a build without CUDA, or on a machine without a device, throws Error(NoCuda).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "panoramasdk/core/cuda_handles.hpp"

namespace panorama {

enum class MemoryKind {
  Device,  // cudaMalloc / cudaFree
  Pinned,  // page-locked host memory (cudaMallocHost / cudaFreeHost): copies to and from it run async
};

// The allocation behind CudaBuffer; `bytes` > 0. Throws Error(NoCuda) or Error(Internal) (out of memory).
void* cuda_allocate(MemoryKind kind, size_t bytes);
void cuda_release(MemoryKind kind, void* p) noexcept;

// Owns `size()` bytes of `Kind` memory, freed when the buffer goes away. Move-only.
template <MemoryKind Kind>
class CudaBuffer {
 public:
  CudaBuffer() = default;
  // Uninitialised contents; 0 bytes gives an empty buffer with a null data().
  explicit CudaBuffer(size_t bytes) : ptr_(bytes ? cuda_allocate(Kind, bytes) : nullptr), size_(bytes) {}
  CudaBuffer(CudaBuffer&& other) noexcept : ptr_(std::move(other.ptr_)), size_(std::exchange(other.size_, 0)) {}
  CudaBuffer& operator=(CudaBuffer&& other) noexcept {
    ptr_ = std::move(other.ptr_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  void* data() const noexcept { return ptr_.get(); }
  size_t size() const noexcept { return size_; }
  template <class T>
  T* as() const noexcept { return static_cast<T*>(ptr_.get()); }

 private:
  struct Free {
    void operator()(void* p) const noexcept { cuda_release(Kind, p); }
  };
  std::unique_ptr<void, Free> ptr_;
  size_t size_ = 0;
};
using DeviceBuffer = CudaBuffer<MemoryKind::Device>;
using PinnedBuffer = CudaBuffer<MemoryKind::Pinned>;

// Throws Error(InvalidArgument) "`what`: expected device memory ..." unless a kernel can read `p`
// (cudaMalloc, managed, or pinned host memory mapped into the device's address space).
void require_device_accessible(const void* p, const std::string& what);

// What a copy moves, for the counts: a whole picture (a decoded or composed frame: what the GPU path
// must not move unless the application asks for the pixels) or anything smaller (tensors, draw lists).
enum class CopyWhat { Data, Frame };

// Asynchronous copies on `stream`. Host pointers should be pinned for the copy to overlap.
void copy_host_to_device(void* device_dst, const void* host_src, size_t bytes, CudaStreamHandle stream,
                         CopyWhat what = CopyWhat::Data);
void copy_device_to_host(void* host_dst, const void* device_src, size_t bytes, CudaStreamHandle stream,
                         CopyWhat what = CopyWhat::Data);
void copy_device_to_device(void* device_dst, const void* device_src, size_t bytes, CudaStreamHandle stream);
// Sets `bytes` bytes of device memory to zero, asynchronously on `stream`.
void clear_device_memory(void* device_dst, size_t bytes, CudaStreamHandle stream);

// Process-wide counts of the host<->device copies made through the functions above (every code path
// of the SDK that moves pixels between host and device goes through them).
struct HostDeviceCopyCounts {
  uint64_t host_to_device = 0;
  uint64_t device_to_host = 0;
  uint64_t host_to_device_bytes = 0;
  uint64_t device_to_host_bytes = 0;
  uint64_t frames_host_to_device = 0;  // of the copies above, those of whole pictures (CopyWhat::Frame)
  uint64_t frames_device_to_host = 0;
};
HostDeviceCopyCounts host_device_copy_counts() noexcept;
void reset_host_device_copy_counts() noexcept;

}  // namespace panorama
