#pragma once
// The fused preprocessing (preprocess.hpp) on the GPU, batched: `count` source images become items
// 0..count-1 of one tensor in ONE kernel launch (per 16 items), item i at
// out + i * preprocess_output_bytes(params). Each output pixel is pixel_math::preprocess_pixel, the
// function the CPU variant is tested against, so the two agree up to float rounding (float32: 1e-4
// relative to max(1, |value|); float16: one float16 ulp).
//
// Sources may differ in format and size (BGR, RGB, NV12, I420, as preprocess.hpp lists); all share
// `params`. Source planes and `out` are device memory (or managed / mapped pinned): checked on the
// host with the same rules as preprocess_cpu, plus that every pointer is device-accessible. The work
// is queued on `stream` (asynchronous; nullptr = legacy default stream); nothing is copied to or from
// the host. Thread-safe. Throws Error(NoCuda) in a build without CUDA or without a device.
#include <cstddef>
#include <vector>

#include "panoramasdk/core/cuda_handles.hpp"
#include "panoramasdk/image/preprocess.hpp"

namespace panorama {

std::vector<ResizeTransform> preprocess_cuda(const ImageView* sources, size_t count, const PreprocessParams& params,
                                             void* out, size_t out_bytes, CudaStreamHandle stream);

}  // namespace panorama
