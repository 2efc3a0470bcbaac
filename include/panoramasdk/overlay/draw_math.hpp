#pragma once
// Per-pixel and per-frame maths of the overlay, shared by the CPU drawing (src/overlay/draw_cpu.cpp)
// and a later CUDA variant, so both agree by construction. Plain inline functions on plain values:
// no allocation, no exceptions, no library calls.
#include <cstdint>

#include "panoramasdk/core/host_device.hpp"

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

}  // namespace panorama::overlay_math
