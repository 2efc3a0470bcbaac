#pragma once
// The overlay drawn on a BGR24 frame in device memory: the same draw list (draw.hpp) and the same
// pixels as draw_overlay_cpu, exactly (integer maths shared through draw_math.hpp).
//
// One kernel launch a frame draws every item: each 32x32 tile of the frame keeps, in order, the items
// that touch it and applies them to its pixels (overlapping labels blend in drawing order). The glyph
// atlas is uploaded once and again only when its revision changes (glyphs added); the draw list
// (32 bytes an item) is copied host to device once a frame through a pinned staging buffer (one
// counted host-to-device copy; no frame crosses PCIe). Asynchronous on `stream`.
// Thread-safe (calls are serialised on an internal lock); one drawer per output keeps the atlas upload
// per font and frame height. Constructing one in a build without CUDA or without a device throws
// Error(NoCuda).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "panoramasdk/core/cuda_handles.hpp"
#include "panoramasdk/overlay/draw.hpp"

namespace panorama {

class OverlayDrawerCuda {
 public:
  OverlayDrawerCuda();
  ~OverlayDrawerCuda();
  OverlayDrawerCuda(const OverlayDrawerCuda&) = delete;
  OverlayDrawerCuda& operator=(const OverlayDrawerCuda&) = delete;

  // frame: width x height BGR24 pixels, rows `stride` bytes apart (>= width * 3), in device memory.
  // Throws Error(InvalidArgument) for a frame that is not on the device or has no pixels, and for bad
  // items (check_draw_items). Returns once the work is queued.
  void draw(uint8_t* frame, int width, int height, size_t stride, const std::vector<DrawItem>& items,
            const GlyphAtlas& atlas, CudaStreamHandle stream);

  // How often the atlas was copied to the device (tests: once for a steady atlas).
  uint64_t atlas_uploads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama
