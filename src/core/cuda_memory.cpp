#include "panoramasdk/core/cuda_memory.hpp"

#include <cuda_runtime_api.h>

#include <atomic>
#include <string>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

std::atomic<uint64_t> g_h2d{0}, g_d2h{0}, g_h2d_bytes{0}, g_d2h_bytes{0}, g_h2d_frames{0}, g_d2h_frames{0};

}  // namespace

void* cuda_allocate(MemoryKind kind, size_t bytes) {
  void* p = nullptr;
  if (kind == MemoryKind::Device)
    cuda_check(cudaMalloc(&p, bytes), "device buffer of " + std::to_string(bytes) + " bytes: cudaMalloc");
  else
    cuda_check(cudaMallocHost(&p, bytes), "pinned host buffer of " + std::to_string(bytes) + " bytes: cudaMallocHost");
  return p;
}

void cuda_release(MemoryKind kind, void* p) noexcept {
  if (kind == MemoryKind::Device)
    cudaFree(p);
  else
    cudaFreeHost(p);
}

void require_device_accessible(const void* p, const std::string& what) {
  cudaPointerAttributes attr{};
  const cudaError_t status = cudaPointerGetAttributes(&attr, p);
  if (status != cudaSuccess) cuda_check(status, what + ": cudaPointerGetAttributes");
  if (attr.type == cudaMemoryTypeUnregistered || attr.devicePointer == nullptr)
    fail(ErrorCode::InvalidArgument,
         what + ": expected device memory (cudaMalloc, managed or pinned host memory), got a host pointer");
}

void copy_host_to_device(void* device_dst, const void* host_src, size_t bytes, CudaStreamHandle stream,
                         CopyWhat what) {
  cuda_check(cudaMemcpyAsync(device_dst, host_src, bytes, cudaMemcpyHostToDevice, stream),
             "copy of " + std::to_string(bytes) + " bytes host to device");
  g_h2d.fetch_add(1, std::memory_order_relaxed);
  g_h2d_bytes.fetch_add(bytes, std::memory_order_relaxed);
  if (what == CopyWhat::Frame) g_h2d_frames.fetch_add(1, std::memory_order_relaxed);
}

void copy_device_to_host(void* host_dst, const void* device_src, size_t bytes, CudaStreamHandle stream,
                         CopyWhat what) {
  cuda_check(cudaMemcpyAsync(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, stream),
             "copy of " + std::to_string(bytes) + " bytes device to host");
  g_d2h.fetch_add(1, std::memory_order_relaxed);
  g_d2h_bytes.fetch_add(bytes, std::memory_order_relaxed);
  if (what == CopyWhat::Frame) g_d2h_frames.fetch_add(1, std::memory_order_relaxed);
}

void copy_device_to_device(void* device_dst, const void* device_src, size_t bytes, CudaStreamHandle stream) {
  cuda_check(cudaMemcpyAsync(device_dst, device_src, bytes, cudaMemcpyDeviceToDevice, stream),
             "copy of " + std::to_string(bytes) + " bytes device to device");
}

void clear_device_memory(void* device_dst, size_t bytes, CudaStreamHandle stream) {
  cuda_check(cudaMemsetAsync(device_dst, 0, bytes, stream),
             "clearing " + std::to_string(bytes) + " bytes of device memory");
}

HostDeviceCopyCounts host_device_copy_counts() noexcept {
  HostDeviceCopyCounts c;
  c.host_to_device = g_h2d.load(std::memory_order_relaxed);
  c.device_to_host = g_d2h.load(std::memory_order_relaxed);
  c.host_to_device_bytes = g_h2d_bytes.load(std::memory_order_relaxed);
  c.device_to_host_bytes = g_d2h_bytes.load(std::memory_order_relaxed);
  c.frames_host_to_device = g_h2d_frames.load(std::memory_order_relaxed);
  c.frames_device_to_host = g_d2h_frames.load(std::memory_order_relaxed);
  return c;
}

void reset_host_device_copy_counts() noexcept {
  g_h2d = 0;
  g_d2h = 0;
  g_h2d_bytes = 0;
  g_d2h_bytes = 0;
  g_h2d_frames = 0;
  g_d2h_frames = 0;
}

}  // namespace panorama
