#pragma once
// Per-pixel and per-frame maths of the overlay, shared by the CPU drawing (src/overlay/draw_cpu.cpp)
// and the CUDA drawing (src/overlay/draw_cuda.cu), so both agree by construction: every value is
// integer arithmetic, so the two give identical pixels. Plain inline functions on plain values: no
// allocation, no exceptions, no library calls.
#include <cstddef>
#include <cstdint>

#include "panoramasdk/core/host_device.hpp"

namespace panorama {

// A pixel rectangle, half-open: [x0, x1) x [y0, y1).
struct PixelBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  PANORAMA_HD int width() const { return x1 - x0; }
  PANORAMA_HD int height() const { return y1 - y0; }
  PANORAMA_HD bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

// One drawing operation of a frame's overlay. A frame's overlay is an array of these in drawing order
// (overlay_draw_list in draw.hpp): all rectangle outlines, then per label its backing, then its glyphs.
enum class DrawOp : int32_t {
  Outline = 0,  // box outline, `thickness` px wide, inside `box`, in the kRect* colour
  Darken = 1,   // box blended towards black (a label's backing)
  Glyph = 2,    // the atlas bitmap at (atlas_x, atlas_y), box-sized, blended in the kText* colour
};

// Plain data (32 bytes), copied as is to the device. The box is not clipped: it may extend past the
// frame, and drawing clips it (so an outline's outside edges stay undrawn).
struct DrawItem {
  DrawOp op = DrawOp::Outline;
  PixelBox box;
  int32_t thickness = 0;           // Outline
  int32_t atlas_x = 0, atlas_y = 0;  // Glyph
};

}  // namespace panorama

namespace panorama::overlay_math {

// Box outline colour (BGR): bright green, readable on most scenes.
constexpr uint8_t kRectB = 0, kRectG = 255, kRectR = 0;
// Text colour (BGR): white.
constexpr uint8_t kTextB = 255, kTextG = 255, kTextR = 255;
// Opacity of the dark backing box behind labels, 0..255 (the frame keeps 255 - this).
constexpr int kBackingAlpha = 160;

PANORAMA_HD inline int clamp_int(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

PANORAMA_HD inline float clamp01(float v) {
  // NaN compares false both ways: treat it as 0.
  if (!(v > 0.0f)) return 0.0f;
  return v > 1.0f ? 1.0f : v;
}

// A normalised 0..1 coordinate to a pixel edge 0..size (rounded to nearest).
PANORAMA_HD inline int norm_to_px(float v, int size) {
  return static_cast<int>(clamp01(v) * static_cast<float>(size) + 0.5f);
}

// Outline thickness in pixels for a frame: 2 px up to 480 lines, growing with the frame
// (4 px at 1080p, 9 px at 2160p).
PANORAMA_HD inline int rect_thickness(int width, int height) {
  const int shorter = width < height ? width : height;
  const int t = shorter / 240;
  return t < 2 ? 2 : t;
}

// Label text size (FreeType pixel size) for a frame height: max(12, height / 32).
PANORAMA_HD inline int text_pixel_size(int height) {
  const int s = height / 32;
  return s < 12 ? 12 : s;
}

// Padding between the backing box edge and the text, for a text pixel size.
PANORAMA_HD inline int label_padding(int pixel_size) {
  const int p = pixel_size / 6;
  return p < 2 ? 2 : p;
}

// dst * (255 - alpha) / 255 + src * alpha / 255, rounded, for one 8-bit channel.
PANORAMA_HD inline uint8_t blend_channel(uint8_t dst, uint8_t src, int alpha) {
  const int v = dst * (255 - alpha) + src * alpha;
  return static_cast<uint8_t>((v + 127) / 255);
}

// The dark backing box: blend towards black with kBackingAlpha.
PANORAMA_HD inline uint8_t darken_channel(uint8_t dst) { return blend_channel(dst, 0, kBackingAlpha); }

// Blends one BGR pixel towards a colour with an 8-bit coverage (antialiased glyph edge).
PANORAMA_HD inline void blend_pixel(uint8_t* px, uint8_t b, uint8_t g, uint8_t r, int coverage) {
  if (coverage <= 0) return;
  if (coverage >= 255) {
    px[0] = b;
    px[1] = g;
    px[2] = r;
    return;
  }
  px[0] = blend_channel(px[0], b, coverage);
  px[1] = blend_channel(px[1], g, coverage);
  px[2] = blend_channel(px[2], r, coverage);
}

// The columns [a0, a1) and [b0, b1) of row y (inside the box) that an outline `t` px wide covers: the
// whole row in the top and bottom bands, else the left and right bands. The CPU fills these spans;
// outline_covers below is the same test for one pixel.
struct RowSpans {
  int a0, a1, b0, b1;
};
PANORAMA_HD inline RowSpans outline_row(const PixelBox& box, int t, int y) {
  if (y < box.y0 + t || y >= box.y1 - t) return {box.x0, box.x1, box.x1, box.x1};
  const int left_end = box.x0 + t < box.x1 ? box.x0 + t : box.x1;
  const int right_start = box.x1 - t > box.x0 ? box.x1 - t : box.x0;
  return {box.x0, left_end, right_start, box.x1};
}

PANORAMA_HD inline bool outline_covers(const PixelBox& box, int t, int x, int y) {
  if (t <= 0 || !box.contains(x, y)) return false;
  const RowSpans s = outline_row(box, t, y);
  return (x >= s.a0 && x < s.a1) || (x >= s.b0 && x < s.b1);
}

PANORAMA_HD inline void set_rect_colour(uint8_t* px) {
  px[0] = kRectB;
  px[1] = kRectG;
  px[2] = kRectR;
}

PANORAMA_HD inline void darken_pixel(uint8_t* px) {
  px[0] = darken_channel(px[0]);
  px[1] = darken_channel(px[1]);
  px[2] = darken_channel(px[2]);
}

// A glyph's coverage at frame pixel (x, y) inside item.box, from an 8-bit atlas `atlas_stride` bytes a row.
PANORAMA_HD inline int glyph_coverage(const DrawItem& item, const uint8_t* atlas, size_t atlas_stride, int x, int y) {
  return atlas[static_cast<size_t>(item.atlas_y + y - item.box.y0) * atlas_stride +
               static_cast<size_t>(item.atlas_x + x - item.box.x0)];
}

PANORAMA_HD inline void blend_text_pixel(uint8_t* px, int coverage) { blend_pixel(px, kTextB, kTextG, kTextR, coverage); }

// Applies one item to BGR pixel px at (x, y) (a pixel of the frame); true when the item covers it.
// Applying a frame's items in order to every pixel gives its overlay (the CUDA kernel does exactly
// that; the CPU walks each item's clipped box with the same functions).
PANORAMA_HD inline bool draw_item_pixel(const DrawItem& item, const uint8_t* atlas, size_t atlas_stride, int x, int y,
                                        uint8_t* px) {
  switch (item.op) {
    case DrawOp::Outline:
      if (!outline_covers(item.box, item.thickness, x, y)) return false;
      set_rect_colour(px);
      return true;
    case DrawOp::Darken:
      if (!item.box.contains(x, y)) return false;
      darken_pixel(px);
      return true;
    case DrawOp::Glyph:
      if (!item.box.contains(x, y)) return false;
      blend_text_pixel(px, glyph_coverage(item, atlas, atlas_stride, x, y));
      return true;
  }
  return false;
}

}  // namespace panorama::overlay_math
