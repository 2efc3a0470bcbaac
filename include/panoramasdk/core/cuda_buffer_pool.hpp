#pragma once
// Pooled device or pinned host memory (NVDEC frames and their BGR downloads): a BufferPool whose
// buffers come from cudaMalloc / cudaMallocHost, so a steady stream allocates nothing after its first
// frames. Buffer::data is then a device (or pinned) pointer. Thread-safe, like every BufferPool. In a
// build without CUDA, or without a device, acquire() throws Error(NoCuda).
#include <cstddef>
#include <memory>

#include "panoramasdk/core/buffer_pool.hpp"
#include "panoramasdk/core/cuda_memory.hpp"

namespace panorama {

// Keeps at most `max_free` idle buffers. A 0-byte request gets a 1-byte allocation (CUDA has no empty one).
std::shared_ptr<BufferPool> make_cuda_buffer_pool(MemoryKind kind, size_t max_free = 8);

}  // namespace panorama
