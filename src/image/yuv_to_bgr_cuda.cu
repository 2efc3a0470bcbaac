// NV12/I420 -> BGR24 on the device, pixel_math::yuv_to_bgr_pixel as the CPU oracle. A thread converts
// `run` horizontally adjacent pixels and, where the destination row allows it, stores them as 32-bit
// words (4 pixels = 12 bytes = 3 words) instead of 3 byte stores a pixel.
#include <cuda_runtime_api.h>

#include <string>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama {

namespace {

constexpr int kRun = 4;  // pixels a thread in the word-store kernel

__global__ void per_pixel_kernel(ImageView src, bool full_range, uint8_t* __restrict__ dst, size_t dst_stride) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= src.width || y >= src.height) return;
  pixel_math::yuv_to_bgr_pixel(src, full_range, x, y, dst + static_cast<size_t>(y) * dst_stride + 3 * x);
}

__global__ void run_kernel(ImageView src, bool full_range, uint8_t* __restrict__ dst, size_t dst_stride) {
  const int x0 = (blockIdx.x * blockDim.x + threadIdx.x) * kRun;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x0 >= src.width || y >= src.height) return;
  uint8_t* out = dst + static_cast<size_t>(y) * dst_stride + 3 * x0;
  if (x0 + kRun > src.width || reinterpret_cast<uintptr_t>(out) % 4 != 0) {  // row tail or unaligned row
    for (int x = x0; x < src.width && x < x0 + kRun; ++x)
      pixel_math::yuv_to_bgr_pixel(src, full_range, x, y, out + 3 * (x - x0));
    return;
  }
  uint8_t bgr[3 * kRun];
#pragma unroll
  for (int i = 0; i < kRun; ++i) pixel_math::yuv_to_bgr_pixel(src, full_range, x0 + i, y, bgr + 3 * i);
  uint32_t* words = reinterpret_cast<uint32_t*>(out);
#pragma unroll
  for (int w = 0; w < 3 * kRun / 4; ++w)
    words[w] = bgr[4 * w] | (bgr[4 * w + 1] << 8) | (bgr[4 * w + 2] << 16) |
               (static_cast<uint32_t>(bgr[4 * w + 3]) << 24);
}

}  // namespace

void yuv_to_bgr_cuda(const ImageView& src, bool full_range, uint8_t* dst, size_t dst_stride,
                     CudaStreamHandle stream, int pixels_per_thread) {
  require_cuda_device("yuv_to_bgr_cuda");
  check_yuv_to_bgr(src, dst, dst_stride);
  if (pixels_per_thread != 1 && pixels_per_thread != kRun)
    fail(ErrorCode::InvalidArgument, "yuv_to_bgr_cuda pixels_per_thread: expected 1 or " + std::to_string(kRun) +
                                         ", got " + std::to_string(pixels_per_thread));
  const int planes = src.format == PixelFormat::NV12 ? 2 : 3;
  for (int i = 0; i < planes; ++i)
    require_device_accessible(src.planes[i], "yuv_to_bgr_cuda source planes[" + std::to_string(i) + "]");
  require_device_accessible(dst, "yuv_to_bgr_cuda dst");
  const dim3 block(32, 8);
  const int columns = (src.width + pixels_per_thread - 1) / pixels_per_thread;
  const dim3 grid((columns + block.x - 1) / block.x, (src.height + block.y - 1) / block.y);
  if (pixels_per_thread == 1)
    per_pixel_kernel<<<grid, block, 0, stream>>>(src, full_range, dst, dst_stride);
  else
    run_kernel<<<grid, block, 0, stream>>>(src, full_range, dst, dst_stride);
  cuda_check(cudaGetLastError(), "yuv_to_bgr_cuda: kernel launch");
}

}  // namespace panorama
