// The fused preprocessing on the device: one thread per output pixel computes
// pixel_math::preprocess_pixel, the CPU oracle's reference; grid.z runs over the batch items.
#include <cuda_runtime_api.h>

#include <string>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"

namespace panorama {

namespace {

// The plans travel as a kernel argument (no host-to-device copy, nothing to keep alive while the
// launch is queued). 16 plans stay well inside the 4 KB argument limit of every supported toolkit.
constexpr size_t kItemsPerLaunch = 16;
struct PlanBatch {
  PreprocessPlan plans[kItemsPerLaunch];
};
static_assert(sizeof(PlanBatch) <= 4000, "kernel arguments are limited to 4 KB");

__global__ void preprocess_kernel(const PlanBatch batch, uint8_t* out, size_t item_bytes) {
  const PreprocessPlan& plan = batch.plans[blockIdx.z];
  const int ox = blockIdx.x * blockDim.x + threadIdx.x;
  const int oy = blockIdx.y * blockDim.y + threadIdx.y;
  if (ox >= plan.out_width || oy >= plan.out_height) return;
  pixel_math::preprocess_pixel(plan, ox, oy, out + blockIdx.z * item_bytes);
}

int plane_count(PixelFormat format) {
  return format == PixelFormat::I420 ? 3 : (format == PixelFormat::NV12 ? 2 : 1);
}

}  // namespace

std::vector<ResizeTransform> preprocess_cuda(const ImageView* sources, size_t count, const PreprocessParams& params,
                                             void* out, size_t out_bytes, CudaStreamHandle stream) {
  require_cuda_device("preprocess_cuda");
  const size_t item_bytes = preprocess_output_bytes(params);
  if (count == 0 || sources == nullptr)
    fail(ErrorCode::InvalidArgument, "preprocess_cuda sources: expected at least one image, got none");
  if (out == nullptr) fail(ErrorCode::InvalidArgument, "preprocess_cuda out: expected device memory, got a null pointer");
  if (out_bytes < count * item_bytes)
    fail(ErrorCode::InvalidArgument, "preprocess_cuda out_bytes: expected at least " +
                                         std::to_string(count * item_bytes) + " bytes (" + std::to_string(count) +
                                         " items of " + std::to_string(item_bytes) + "), got " + std::to_string(out_bytes));
  if (reinterpret_cast<uintptr_t>(out) % dtype_size(params.dtype) != 0)
    fail(ErrorCode::InvalidArgument, std::string("preprocess_cuda out: expected an address aligned to ") +
                                         std::to_string(dtype_size(params.dtype)) + " bytes for " + dtype_name(params.dtype));
  require_device_accessible(out, "preprocess_cuda out");

  std::vector<ResizeTransform> transforms;
  transforms.reserve(count);
  const dim3 block(32, 8);
  const dim3 grid_xy((params.out_width + block.x - 1) / block.x, (params.out_height + block.y - 1) / block.y);
  for (size_t first = 0; first < count; first += kItemsPerLaunch) {
    const size_t n = count - first < kItemsPerLaunch ? count - first : kItemsPerLaunch;
    PlanBatch batch;
    for (size_t i = 0; i < n; ++i) {
      const ImageView& src = sources[first + i];
      batch.plans[i] = plan_preprocess(src, params);  // throws naming the field at fault
      for (int p = 0; p < plane_count(src.format); ++p)
        require_device_accessible(src.planes[p], "preprocess_cuda sources[" + std::to_string(first + i) +
                                                      "] planes[" + std::to_string(p) + "]");
      transforms.push_back(plan_transform(batch.plans[i]));
    }
    const dim3 grid(grid_xy.x, grid_xy.y, static_cast<unsigned>(n));
    preprocess_kernel<<<grid, block, 0, stream>>>(batch, static_cast<uint8_t*>(out) + first * item_bytes, item_bytes);
    cuda_check(cudaGetLastError(), "preprocess_cuda: kernel launch");
  }
  return transforms;
}

}  // namespace panorama
