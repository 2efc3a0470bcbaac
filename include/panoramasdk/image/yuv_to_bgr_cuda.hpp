#pragma once
// NV12/I420 -> packed BGR24 on the GPU, same values as yuv_to_bgr_cpu (yuv_to_bgr.hpp) up to float
// rounding (at most 1 per channel). src planes and dst are device memory (or managed / mapped pinned);
// validated on the host, then one kernel is queued on `stream` (asynchronous; nullptr = default stream).
// pixels_per_thread (1 or 4) is a benchmark knob: 4, the default, stores 4 pixels as three 32-bit words
// where the destination row is 4-byte aligned; 1 is the first version (3 byte stores a pixel).
// Throws Error(NoCuda) in a build without CUDA or without a device.
#include <cstddef>
#include <cstdint>

#include "panoramasdk/core/cuda_handles.hpp"
#include "panoramasdk/image/pixel_math.hpp"

namespace panorama {

void yuv_to_bgr_cuda(const ImageView& src, bool full_range, uint8_t* dst, size_t dst_stride,
                     CudaStreamHandle stream, int pixels_per_thread = 4);

}  // namespace panorama
