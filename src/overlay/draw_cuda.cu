// The overlay on a device BGR24 frame, overlay_math::draw_item_pixel per pixel (the function whose
// pieces draw_cpu.cpp walks): one launch for all items. A block owns a 32x32 tile; it reads the draw
// list a chunk of 256 items at a time, keeps the items touching its tile in shared memory IN ORDER
// (ballot + prefix count, so darkening and glyph blends stack as on the CPU), and each thread applies
// them to its 4 pixels, held in registers from the first load to the one store.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <type_traits>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw_cuda.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama {

namespace {

namespace m = overlay_math;

constexpr int kTileWidth = 32;                          // threads along x (one warp a row)
constexpr int kBlockRows = 8;                           // threads along y
constexpr int kRowsPerThread = 4;                       // tile = 32 x 32 pixels
constexpr int kTileHeight = kBlockRows * kRowsPerThread;
constexpr int kThreads = kTileWidth * kBlockRows;       // 256: also the items culled per chunk
constexpr int kWarps = kThreads / 32;
static_assert(std::is_trivially_copyable<DrawItem>::value && sizeof(DrawItem) == 32,
              "the draw list is copied to the device byte for byte");

// Whether an item can change a pixel of the tile [x0, x1) x [y0, y1). A tile inside an outline's hole
// is skipped: for large boxes most tiles of the bounding box are.
__device__ bool touches_tile(const DrawItem& it, int x0, int y0, int x1, int y1) {
  if (it.box.x1 <= x0 || it.box.x0 >= x1 || it.box.y1 <= y0 || it.box.y0 >= y1) return false;
  if (it.op != DrawOp::Outline) return true;
  const int t = it.thickness;
  if (t <= 0) return false;
  return !(x0 >= it.box.x0 + t && x1 <= it.box.x1 - t && y0 >= it.box.y0 + t && y1 <= it.box.y1 - t);
}

__global__ void __launch_bounds__(kThreads)
    draw_kernel(uint8_t* __restrict__ frame, int width, int height, size_t stride, const DrawItem* __restrict__ items,
                int count, const uint8_t* __restrict__ atlas, int atlas_stride) {
  // Raw storage: a __shared__ array may not have constructors (DrawItem's members have initialisers).
  __shared__ alignas(DrawItem) unsigned char tile_storage[kThreads * sizeof(DrawItem)];
  DrawItem* tile_items = reinterpret_cast<DrawItem*>(tile_storage);
  __shared__ int warp_hits[kWarps];
  const int tid = threadIdx.y * kTileWidth + threadIdx.x;
  const int lane = tid & 31, warp = tid >> 5;
  const int tile_x0 = blockIdx.x * kTileWidth, tile_y0 = blockIdx.y * kTileHeight;
  const int x = tile_x0 + threadIdx.x;

  uint8_t px[kRowsPerThread][3];
  bool inside[kRowsPerThread], changed[kRowsPerThread];
#pragma unroll
  for (int r = 0; r < kRowsPerThread; ++r) {
    const int y = tile_y0 + threadIdx.y + r * kBlockRows;
    inside[r] = x < width && y < height;
    changed[r] = false;
    if (inside[r]) {
      const uint8_t* p = frame + static_cast<size_t>(y) * stride + static_cast<size_t>(x) * 3;
      px[r][0] = p[0];
      px[r][1] = p[1];
      px[r][2] = p[2];
    }
  }

  // Every thread runs every chunk (no early return): the chunks synchronise the block.
  for (int chunk = 0; chunk < count; chunk += kThreads) {
    const int i = chunk + tid;
    DrawItem item;
    bool hit = false;
    if (i < count) {
      item = items[i];
      hit = touches_tile(item, tile_x0, tile_y0, tile_x0 + kTileWidth, tile_y0 + kTileHeight);
    }
    const unsigned ballot = __ballot_sync(0xffffffffu, hit);
    if (lane == 0) warp_hits[warp] = __popc(ballot);
    __syncthreads();
    int before = 0, total = 0;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) {
      before += w < warp ? warp_hits[w] : 0;
      total += warp_hits[w];
    }
    if (hit) tile_items[before + __popc(ballot & ((1u << lane) - 1u))] = item;
    __syncthreads();
    for (int j = 0; j < total; ++j) {
      const DrawItem& d = tile_items[j];
#pragma unroll
      for (int r = 0; r < kRowsPerThread; ++r) {
        const int y = tile_y0 + threadIdx.y + r * kBlockRows;
        if (inside[r] && m::draw_item_pixel(d, atlas, static_cast<size_t>(atlas_stride), x, y, px[r])) changed[r] = true;
      }
    }
    __syncthreads();  // the next chunk rewrites tile_items and warp_hits
  }

#pragma unroll
  for (int r = 0; r < kRowsPerThread; ++r) {
    if (!changed[r]) continue;
    const int y = tile_y0 + threadIdx.y + r * kBlockRows;
    uint8_t* p = frame + static_cast<size_t>(y) * stride + static_cast<size_t>(x) * 3;
    p[0] = px[r][0];
    p[1] = px[r][1];
    p[2] = px[r][2];
  }
}

// Capacity for `bytes`, doubling so a growing overlay reallocates rarely.
size_t grown(size_t have, size_t bytes) { return std::max(bytes, 2 * have); }

}  // namespace

struct OverlayDrawerCuda::Impl {
  std::mutex mutex;
  DeviceBuffer atlas;               // the glyph atlas bitmap
  bool atlas_uploaded = false;
  uint64_t atlas_revision = 0;
  uint64_t atlas_uploads = 0;
  PinnedBuffer staging;             // the draw list on its way to the device
  DeviceBuffer items;
  CudaEvent copied;                 // the last copy out of `staging`
  CudaEvent finished;               // the last kernel: done with `items` and `atlas`
  bool queued = false;
};

OverlayDrawerCuda::OverlayDrawerCuda() {
  require_cuda_device("OverlayDrawerCuda");
  impl_ = std::make_unique<Impl>();
}

OverlayDrawerCuda::~OverlayDrawerCuda() {
  // Buffers a queued kernel still reads must outlive it.
  if (impl_ && impl_->queued) cudaEventSynchronize(impl_->finished.get());
}

uint64_t OverlayDrawerCuda::atlas_uploads() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->atlas_uploads;
}

void OverlayDrawerCuda::draw(uint8_t* frame, int width, int height, size_t stride, const std::vector<DrawItem>& items,
                             const GlyphAtlas& atlas, CudaStreamHandle stream) {
  if (!frame || width <= 0 || height <= 0 || stride < static_cast<size_t>(width) * 3)
    fail(ErrorCode::InvalidArgument, "overlay frame: expected BGR24 device pixels with a stride >= width * 3, got " +
                                         std::to_string(width) + "x" + std::to_string(height) + ", stride " +
                                         std::to_string(stride));
  if (height > kTileHeight * 65535)
    fail(ErrorCode::InvalidArgument, "overlay frame: " + std::to_string(height) + " rows is more than the kernel covers");
  require_device_accessible(frame, "overlay frame");
  check_draw_items(items, atlas);
  if (items.size() > static_cast<size_t>(INT32_MAX))
    fail(ErrorCode::InvalidArgument, "overlay draw list: " + std::to_string(items.size()) + " items is too many");
  if (items.empty()) return;

  std::lock_guard<std::mutex> lock(impl_->mutex);
  Impl& s = *impl_;
  // The previous draw may run on another stream: this one's copies wait until it no longer reads.
  if (s.queued) s.finished.wait_on(stream);

  const size_t atlas_bytes = static_cast<size_t>(atlas.width()) * static_cast<size_t>(atlas.height());
  if (atlas_bytes > 0 && (!s.atlas_uploaded || s.atlas_revision != atlas.revision())) {
    if (s.atlas.size() < atlas_bytes) {
      if (s.queued) s.finished.synchronize();  // the old buffer is freed now
      s.atlas = DeviceBuffer(grown(s.atlas.size(), atlas_bytes));
    }
    // From pageable memory: staged before the call returns, so the host atlas may change afterwards.
    copy_host_to_device(s.atlas.data(), atlas.bitmap(), atlas_bytes, stream);
    s.atlas_uploaded = true;
    s.atlas_revision = atlas.revision();
    ++s.atlas_uploads;
  }

  const size_t item_bytes = items.size() * sizeof(DrawItem);
  if (s.queued) s.copied.synchronize();  // the staging buffer is free again
  if (s.staging.size() < item_bytes) s.staging = PinnedBuffer(grown(s.staging.size(), item_bytes));
  if (s.items.size() < item_bytes) {
    if (s.queued) s.finished.synchronize();
    s.items = DeviceBuffer(grown(s.items.size(), item_bytes));
  }
  std::memcpy(s.staging.data(), items.data(), item_bytes);
  copy_host_to_device(s.items.data(), s.staging.data(), item_bytes, stream);
  s.copied.record(stream);

  const dim3 block(kTileWidth, kBlockRows);
  const dim3 grid((width + kTileWidth - 1) / kTileWidth, (height + kTileHeight - 1) / kTileHeight);
  draw_kernel<<<grid, block, 0, stream>>>(frame, width, height, stride, s.items.as<DrawItem>(),
                                          static_cast<int>(items.size()), s.atlas.as<uint8_t>(), atlas.width());
  cuda_check(cudaGetLastError(), "overlay draw: kernel launch");
  s.finished.record(stream);
  s.queued = true;
}

}  // namespace panorama
