#include "overlay/draw_cpu.hpp"

#include <algorithm>

#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama {

namespace m = overlay_math;

namespace {

PixelBox clip(const PixelBox& b, const Frame& f) {
  return {std::max(b.x0, 0), std::max(b.y0, 0), std::min(b.x1, f.width), std::min(b.y1, f.height)};
}

void fill_span(Frame& f, int y, int x0, int x1) {
  uint8_t* px = f.data + static_cast<size_t>(y) * f.stride + static_cast<size_t>(x0) * 3;
  for (int x = x0; x < x1; ++x, px += 3) {
    px[0] = m::kRectB;
    px[1] = m::kRectG;
    px[2] = m::kRectR;
  }
}

}  // namespace

void draw_rect_outline_cpu(Frame& frame, const PixelBox& box, int thickness) {
  // The outline is computed on the unclipped box, then clipped, so edges outside stay undrawn.
  const PixelBox c = clip(box, frame);
  if (c.x0 >= c.x1 || c.y0 >= c.y1 || thickness <= 0) return;
  for (int y = c.y0; y < c.y1; ++y) {
    if (y < box.y0 + thickness || y >= box.y1 - thickness) {
      fill_span(frame, y, c.x0, c.x1);
    } else {
      fill_span(frame, y, c.x0, std::min(c.x1, box.x0 + thickness));
      fill_span(frame, y, std::max(c.x0, box.x1 - thickness), c.x1);
    }
  }
}

void darken_box_cpu(Frame& frame, const PixelBox& box) {
  const PixelBox c = clip(box, frame);
  for (int y = c.y0; y < c.y1; ++y) {
    uint8_t* row = frame.data + static_cast<size_t>(y) * frame.stride;
    for (int i = c.x0 * 3; i < c.x1 * 3; ++i) row[i] = m::darken_channel(row[i]);
  }
}

void draw_glyph_cpu(Frame& frame, const Glyph& glyph, int x, int y) {
  const PixelBox c = clip({x, y, x + glyph.width, y + glyph.rows}, frame);
  for (int py = c.y0; py < c.y1; ++py) {
    const uint8_t* cov = &glyph.coverage[static_cast<size_t>(py - y) * glyph.width];
    uint8_t* px = frame.data + static_cast<size_t>(py) * frame.stride + static_cast<size_t>(c.x0) * 3;
    for (int px_x = c.x0; px_x < c.x1; ++px_x, px += 3)
      m::blend_pixel(px, m::kTextB, m::kTextG, m::kTextR, cov[px_x - x]);
  }
}

}  // namespace panorama
