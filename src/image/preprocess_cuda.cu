// The fused preprocessing on the device; grid.z runs over the batch items. Every value is the one
// pixel_math::preprocess_pixel gives (the CPU oracle's reference): the tiled kernel only moves the
// resize taps out of the per-pixel work. A block derives the taps of its tile's columns and rows once,
// with pixel_math::resize_taps, into shared memory (the taps cost two 64-bit divisions each, more than
// the blend), then each thread blends, normalises and stores its pixels with pixel_math's functions.
#include <cuda_runtime_api.h>

#include <string>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"

namespace panorama {

namespace {

using pixel_math::AxisTaps;

// The plans travel as a kernel argument (no host-to-device copy, nothing to keep alive while the
// launch is queued). 16 plans stay well inside the 4 KB argument limit of every supported toolkit.
// The argument holds 1, 2, 4, 8 or 16 plans, the fewest that fit: every launch copies it whole, and
// 16 plans are 2 KB where batch 1 needs one.
constexpr size_t kItemsPerLaunch = 16;
template <int N>
struct PlanBatch {
  PreprocessPlan plans[N];
};
static_assert(sizeof(PlanBatch<kItemsPerLaunch>) <= 4000, "kernel arguments are limited to 4 KB");

template <int N>
__global__ void per_pixel_kernel(const PlanBatch<N> batch, uint8_t* __restrict__ out, size_t item_bytes) {
  const PreprocessPlan& plan = batch.plans[blockIdx.z];
  const int ox = blockIdx.x * blockDim.x + threadIdx.x;
  const int oy = blockIdx.y * blockDim.y + threadIdx.y;
  if (ox >= plan.out_width || oy >= plan.out_height) return;
  pixel_math::preprocess_pixel(plan, ox, oy, out + blockIdx.z * item_bytes);
}

// count 0 marks a pixel outside the content rectangle (it holds pad_value).
__device__ AxisTaps axis_taps(ResizeMethod method, int i, int content_size, int src_size) {
  if (i < 0 || i >= content_size) {
    AxisTaps none;
    none.count = 0;
    return none;
  }
  return pixel_math::resize_taps(method, i, src_size, content_size);
}

// pixel_math::blend_taps for at most 2x2 taps (bilinear, area upscaling): the four source pixels are
// read first, so their loads are in flight together (blend_taps' loop waits for each), then summed in
// blend_taps' order.
// A missing second tap reads the first again (in bounds, a cache hit) and is left out of the sum.
__device__ void blend_2x2(const PreprocessPlan& p, const AxisTaps& tx, const AxisTaps& ty, float v[3]) {
  float px[2][2][3];
#pragma unroll
  for (int ky = 0; ky < 2; ++ky)
#pragma unroll
    for (int kx = 0; kx < 2; ++kx)
      pixel_math::source_pixel(p.src, p.full_range, tx.first + (kx < tx.count ? kx : 0),
                               ty.first + (ky < ty.count ? ky : 0), px[ky][kx]);
  v[0] = v[1] = v[2] = 0.0f;
#pragma unroll
  for (int ky = 0; ky < 2 && ky < ty.count; ++ky) {
    const float wy = pixel_math::tap_weight(ty, ky);
    float row[3] = {0.0f, 0.0f, 0.0f};
#pragma unroll
    for (int kx = 0; kx < 2 && kx < tx.count; ++kx) {
      const float wx = pixel_math::tap_weight(tx, kx);
      row[0] += wx * px[ky][kx][0];
      row[1] += wx * px[ky][kx][1];
      row[2] += wx * px[ky][kx][2];
    }
    v[0] += wy * row[0];
    v[1] += wy * row[1];
    v[2] += wy * row[2];
  }
}

// Selects instead of v[index]: a dynamic index would put v in local memory.
__device__ float channel(const float v[3], int c) { return c == 0 ? v[0] : (c == 1 ? v[1] : v[2]); }

// A block covers blockDim.x columns and blockDim.y * rows output rows; shared memory holds the
// tile's column taps, then its row taps.
template <int N>
__global__ void tiled_kernel(const PlanBatch<N> batch, uint8_t* __restrict__ out, size_t item_bytes, int rows,
                             bool early_loads) {
  extern __shared__ AxisTaps taps[];
  const PreprocessPlan& p = batch.plans[blockIdx.z];
  const int tile_w = blockDim.x, tile_h = blockDim.y * rows;
  const int x0 = blockIdx.x * tile_w, y0 = blockIdx.y * tile_h;
  AxisTaps* col_taps = taps;
  AxisTaps* row_taps = taps + tile_w;
  const int threads = blockDim.x * blockDim.y;
  for (int i = threadIdx.y * blockDim.x + threadIdx.x; i < tile_w + tile_h; i += threads) {
    if (i < tile_w)
      col_taps[i] = axis_taps(p.resize, x0 + i - p.content.x, p.content.width, p.src.width);
    else
      row_taps[i - tile_w] = axis_taps(p.resize, y0 + (i - tile_w) - p.content.y, p.content.height, p.src.height);
  }
  __syncthreads();
  const int ox = x0 + threadIdx.x;
  if (ox >= p.out_width) return;
  const AxisTaps tx = col_taps[threadIdx.x];
  void* item = out + blockIdx.z * item_bytes;
  for (int r = 0; r < rows; ++r) {
    const int ty_index = threadIdx.y + r * blockDim.y;
    const int oy = y0 + ty_index;
    if (oy >= p.out_height) return;
    const AxisTaps ty = row_taps[ty_index];
    float v[3];
    if (tx.count == 0 || ty.count == 0)
      v[0] = v[1] = v[2] = p.pad_value;
    else if (early_loads && tx.count <= 2 && ty.count <= 2)
      blend_2x2(p, tx, ty, v);
    else
      pixel_math::blend_taps(p.src, p.full_range, tx, ty, v);
    for (int c = 0; c < 3; ++c)
      pixel_math::store_value(p, item, pixel_math::output_index(p, ox, oy, c),
                              pixel_math::normalise(channel(v, p.channel_source[c]), p.mul[c], p.add[c]));
  }
}

int plane_count(PixelFormat format) {
  return format == PixelFormat::I420 ? 3 : (format == PixelFormat::NV12 ? 2 : 1);
}

// Launches the kernel with the smallest PlanBatch that holds plans[0..n).
template <int N>
void launch_batch(const PreprocessPlan* plans, size_t n, const PreprocessCudaLaunch& launch, dim3 grid, dim3 block,
                  size_t shared, uint8_t* items, size_t item_bytes, cudaStream_t stream) {
  if constexpr (N > 1) {
    if (n <= static_cast<size_t>(N / 2)) {
      launch_batch<N / 2>(plans, n, launch, grid, block, shared, items, item_bytes, stream);
      return;
    }
  }
  PlanBatch<N> batch;
  for (size_t i = 0; i < n; ++i) batch.plans[i] = plans[i];
  if (launch.per_pixel_taps)
    per_pixel_kernel<N><<<grid, block, 0, stream>>>(batch, items, item_bytes);
  else
    tiled_kernel<N>
        <<<grid, block, shared, stream>>>(batch, items, item_bytes, launch.rows_per_thread, launch.early_loads);
}

void check_launch(const PreprocessCudaLaunch& l) {
  const auto bad = [](const std::string& field, const std::string& expected, int got) {
    fail(ErrorCode::InvalidArgument,
         "preprocess_cuda launch." + field + ": expected " + expected + ", got " + std::to_string(got));
  };
  if (l.block_width < 32 || l.block_width > 1024 || l.block_width % 32 != 0)
    bad("block_width", "a multiple of 32 in 32..1024", l.block_width);
  if (l.block_height < 1 || l.block_width * l.block_height > 1024)
    bad("block_height", "1.." + std::to_string(1024 / l.block_width) + " (at most 1024 threads a block)",
        l.block_height);
  if (l.rows_per_thread < 1 || l.rows_per_thread > 16) bad("rows_per_thread", "1..16", l.rows_per_thread);
}

}  // namespace

std::vector<ResizeTransform> preprocess_cuda(const ImageView* sources, size_t count, const PreprocessParams& params,
                                             void* out, size_t out_bytes, CudaStreamHandle stream,
                                             const PreprocessCudaLaunch& launch) {
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
  check_launch(launch);
  require_device_accessible(out, "preprocess_cuda out");

  std::vector<ResizeTransform> transforms;
  transforms.reserve(count);
  const dim3 block(launch.block_width, launch.block_height);
  const unsigned tile_h = launch.per_pixel_taps ? block.y : block.y * launch.rows_per_thread;
  const dim3 grid_xy((params.out_width + block.x - 1) / block.x, (params.out_height + tile_h - 1) / tile_h);
  const size_t shared = (block.x + tile_h) * sizeof(AxisTaps);
  for (size_t first = 0; first < count; first += kItemsPerLaunch) {
    const size_t n = count - first < kItemsPerLaunch ? count - first : kItemsPerLaunch;
    PreprocessPlan plans[kItemsPerLaunch];
    for (size_t i = 0; i < n; ++i) {
      const ImageView& src = sources[first + i];
      plans[i] = plan_preprocess(src, params);  // throws naming the field at fault
      for (int p = 0; p < plane_count(src.format); ++p)
        require_device_accessible(src.planes[p], "preprocess_cuda sources[" + std::to_string(first + i) +
                                                      "] planes[" + std::to_string(p) + "]");
      transforms.push_back(plan_transform(plans[i]));
    }
    const dim3 grid(grid_xy.x, grid_xy.y, static_cast<unsigned>(n));
    uint8_t* items = static_cast<uint8_t*>(out) + first * item_bytes;
    launch_batch<kItemsPerLaunch>(plans, n, launch, grid, block, shared, items, item_bytes, stream);
    cuda_check(cudaGetLastError(), "preprocess_cuda: kernel launch");
  }
  return transforms;
}

}  // namespace panorama
