// Built in every configuration: without CUDA, cuda_allocate raises "built without CUDA".
#include "panoramasdk/core/cuda_buffer_pool.hpp"

#include <algorithm>

namespace panorama {

namespace {

template <MemoryKind Kind>
uint8_t* allocate(size_t bytes) {
  return static_cast<uint8_t*>(cuda_allocate(Kind, std::max<size_t>(bytes, 1)));
}

template <MemoryKind Kind>
void release(uint8_t* data) noexcept {
  cuda_release(Kind, data);
}

}  // namespace

std::shared_ptr<BufferPool> make_cuda_buffer_pool(MemoryKind kind, size_t max_free) {
  if (kind == MemoryKind::Device)
    return BufferPool::create(max_free, {&allocate<MemoryKind::Device>, &release<MemoryKind::Device>});
  return BufferPool::create(max_free, {&allocate<MemoryKind::Pinned>, &release<MemoryKind::Pinned>});
}

}  // namespace panorama
