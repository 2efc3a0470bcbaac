// NV12/I420 -> BGR24 on the device: one thread per pixel, pixel_math::yuv_to_bgr_pixel as the CPU oracle.
#include <cuda_runtime_api.h>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama {

namespace {

__global__ void yuv_to_bgr_kernel(ImageView src, bool full_range, uint8_t* dst, size_t dst_stride) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= src.width || y >= src.height) return;
  pixel_math::yuv_to_bgr_pixel(src, full_range, x, y, dst + static_cast<size_t>(y) * dst_stride + 3 * x);
}

}  // namespace

void yuv_to_bgr_cuda(const ImageView& src, bool full_range, uint8_t* dst, size_t dst_stride,
                     CudaStreamHandle stream) {
  require_cuda_device("yuv_to_bgr_cuda");
  check_yuv_to_bgr(src, dst, dst_stride);
  const int planes = src.format == PixelFormat::NV12 ? 2 : 3;
  for (int i = 0; i < planes; ++i)
    require_device_accessible(src.planes[i], "yuv_to_bgr_cuda source planes[" + std::to_string(i) + "]");
  require_device_accessible(dst, "yuv_to_bgr_cuda dst");
  const dim3 block(32, 8);
  const dim3 grid((src.width + block.x - 1) / block.x, (src.height + block.y - 1) / block.y);
  yuv_to_bgr_kernel<<<grid, block, 0, stream>>>(src, full_range, dst, dst_stride);
  cuda_check(cudaGetLastError(), "yuv_to_bgr_cuda: kernel launch");
}

}  // namespace panorama
