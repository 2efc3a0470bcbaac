#pragma once
// The fused preprocessing (preprocess.hpp) on the GPU, batched: `count` source images become items
// 0..count-1 of one tensor in ONE kernel launch (per 16 items), item i at
// out + i * preprocess_output_bytes(params). Each output pixel has the value of
// pixel_math::preprocess_pixel, the function the CPU variant is tested against, so the two agree up to
// float rounding (float32: 1e-4 relative to max(1, |value|); float16: one float16 ulp).
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

// How the kernel is launched; the defaults are the expected best, the rest is for benchmarks
// (benchmarks/gpu/bench_preprocess_cuda.cpp compares shapes in one run). A block covers a tile of
// block_width x (block_height * rows_per_thread) output pixels and derives that tile's resize taps
// once, in shared memory. per_pixel_taps = true is the first version for comparison: every thread
// derives its own taps (two 64-bit divisions a pixel). early_loads: with at most 2x2 taps (bilinear,
// area upscaling) a thread reads its four source pixels before summing them, so the loads overlap;
// false sums in the taps' loop, one load at a time. Same values either way.
struct PreprocessCudaLaunch {
  int block_width = 32;     // threads along x: a multiple of 32, block_width * block_height <= 1024
  int block_height = 8;     // threads along y
  int rows_per_thread = 2;  // output rows each thread computes, 1..16
  bool early_loads = true;
  bool per_pixel_taps = false;
};

std::vector<ResizeTransform> preprocess_cuda(const ImageView* sources, size_t count, const PreprocessParams& params,
                                             void* out, size_t out_bytes, CudaStreamHandle stream,
                                             const PreprocessCudaLaunch& launch = {});

}  // namespace panorama
