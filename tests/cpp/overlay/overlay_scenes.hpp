#pragma once
// Overlay test inputs made here, without a font: a glyph atlas of random glyphs, random scenes of
// rectangles and labels (edges, clipping, degenerate boxes, overlaps), noisy frames in buffers with
// guard bytes, and the per-pixel reference drawing (every item applied to every pixel in order, as
// the CUDA kernel does). Shared by the CPU tests, the GPU tests and benchmarks/gpu/bench_draw_cuda.cpp.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_math.hpp"
#include "panoramasdk/overlay/glyph_atlas.hpp"

namespace panorama::testing {

// Printable ASCII and U+FFFD (so other code points draw as it). Glyphs have random coverage (solid,
// empty and partial pixels), sizes up to the pixel size, bearings from -2 to +2 (neighbours overlap,
// so blends stack) and a space with no bitmap.
inline GlyphAtlas synthetic_atlas(int pixel_size, unsigned seed) {
  const int ascender = pixel_size * 4 / 5 + 1;
  GlyphAtlas atlas(pixel_size, ascender, pixel_size + pixel_size / 4);
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto add = [&](char32_t cp) {
    if (cp == U' ') {
      atlas.add(cp, 0, 0, 0, 0, pixel_size / 3, nullptr);
      return;
    }
    const int width = uniform(1, std::max(1, pixel_size * 3 / 4)), rows = uniform(1, pixel_size);
    std::vector<uint8_t> coverage(static_cast<size_t>(width) * rows);
    for (auto& c : coverage) {
      const int kind = uniform(0, 9);
      c = static_cast<uint8_t>(kind < 3 ? 0 : kind < 6 ? 255 : uniform(1, 254));
    }
    atlas.add(cp, width, rows, uniform(-2, 2), uniform(rows / 2, ascender), std::max(1, width + uniform(-2, 1)),
              coverage.data());
  };
  for (char32_t cp = 0x20; cp < 0x7F; ++cp) add(cp);
  add(0xFFFD);
  return atlas;
}

struct OverlayScene {
  std::vector<RectOverlay> rects;
  std::vector<LabelOverlay> labels;
};

// Rectangles across and past the frame edges (some reversed, some degenerate: zero width or height),
// labels of 1 to 3 lines with code points the synthetic atlas lacks ("é", "€": drawn as U+FFFD),
// anywhere from just outside the top-left to past the bottom-right (shifted inside).
inline OverlayScene random_scene(std::mt19937& rng, int rect_count, int label_count) {
  std::uniform_real_distribution<float> coord(-0.3f, 1.3f), anchor(-0.2f, 1.2f), unit(0.0f, 1.0f);
  static const char* const kWords[] = {"People", "3", "Person 0.93", "caf\xc3\xa9", "5\xe2\x82\xac", "WAVY", "x", "ij"};
  std::uniform_int_distribution<int> word(0, 7), words(1, 4);
  OverlayScene s;
  for (int i = 0; i < rect_count; ++i) {
    RectOverlay r{coord(rng), coord(rng), coord(rng), coord(rng)};
    const float kind = unit(rng);
    if (kind < 0.1f) {
      r.right = r.left;  // zero width: drawn as a 1-pixel line
    } else if (kind < 0.2f) {
      r.bottom = r.top;  // zero height
    } else if (kind < 0.3f) {
      r.right = r.left + 0.004f;  // narrower than two outline bands
    }
    s.rects.push_back(r);
  }
  for (int i = 0; i < label_count; ++i) {
    std::string text;
    for (int w = words(rng); w > 0; --w) {
      if (!text.empty()) text += unit(rng) < 0.2f ? "\n" : " ";
      text += kWords[word(rng)];
    }
    s.labels.push_back({text, anchor(rng), anchor(rng)});
  }
  return s;
}

// A width x height BGR frame with `pad` bytes after each row, inside a buffer with kGuard canary bytes
// before and after: drawing must leave the guards and the row padding as they were.
struct GuardedFrame {
  static constexpr size_t kGuard = 4096;
  std::vector<uint8_t> buffer;  // guard, height rows of `stride` bytes, guard
  Frame frame;

  GuardedFrame(int width, int height, size_t pad, unsigned seed) {
    frame.width = width;
    frame.height = height;
    frame.stride = static_cast<size_t>(width) * 3 + pad;
    buffer.resize(frame.size_bytes() + 2 * kGuard);
    std::mt19937 rng(seed);
    for (auto& b : buffer) b = static_cast<uint8_t>(rng());
    frame.data = buffer.data() + kGuard;
  }
  GuardedFrame(const GuardedFrame& other) : buffer(other.buffer), frame(other.frame) {
    frame.data = buffer.data() + kGuard;
  }
  GuardedFrame& operator=(const GuardedFrame&) = delete;
};

// The frame's overlay by definition: every item applied, in order, to every pixel.
inline void draw_reference(Frame& frame, const std::vector<DrawItem>& items, const GlyphAtlas& atlas) {
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      uint8_t* px = frame.data + static_cast<size_t>(y) * frame.stride + static_cast<size_t>(x) * 3;
      for (const DrawItem& item : items) overlay_math::draw_item_pixel(item, atlas.bitmap(), atlas.width(), x, y, px);
    }
}

}  // namespace panorama::testing
