// CPU drawing of a draw list on a BGR24 host frame: each item's box is clipped to the frame once, then
// walked row by row with the per-pixel functions of draw_math.hpp (outlines as filled spans).
#include <algorithm>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama {

namespace m = overlay_math;

namespace {

PixelBox clip(const PixelBox& b, const Frame& f) {
  return {std::max(b.x0, 0), std::max(b.y0, 0), std::min(b.x1, f.width), std::min(b.y1, f.height)};
}

uint8_t* pixel(Frame& f, int x, int y) { return f.data + static_cast<size_t>(y) * f.stride + static_cast<size_t>(x) * 3; }

void fill_span(Frame& f, int y, int x0, int x1) {
  if (x0 >= x1) return;
  uint8_t* px = pixel(f, x0, y);
  for (int x = x0; x < x1; ++x, px += 3) m::set_rect_colour(px);
}

void draw_rect_outline(Frame& frame, const PixelBox& box, int thickness) {
  // The outline is computed on the unclipped box, then clipped, so edges outside stay undrawn.
  const PixelBox c = clip(box, frame);
  if (c.x0 >= c.x1 || c.y0 >= c.y1 || thickness <= 0) return;
  for (int y = c.y0; y < c.y1; ++y) {
    const m::RowSpans s = m::outline_row(box, thickness, y);
    fill_span(frame, y, std::max(c.x0, s.a0), std::min(c.x1, s.a1));
    fill_span(frame, y, std::max(c.x0, s.b0), std::min(c.x1, s.b1));
  }
}

void darken_box(Frame& frame, const PixelBox& box) {
  const PixelBox c = clip(box, frame);
  for (int y = c.y0; y < c.y1; ++y) {
    uint8_t* px = pixel(frame, c.x0, y);
    for (int x = c.x0; x < c.x1; ++x, px += 3) m::darken_pixel(px);
  }
}

void draw_glyph(Frame& frame, const DrawItem& item, const GlyphAtlas& atlas) {
  const PixelBox c = clip(item.box, frame);
  for (int y = c.y0; y < c.y1; ++y) {
    uint8_t* px = pixel(frame, c.x0, y);
    for (int x = c.x0; x < c.x1; ++x, px += 3)
      m::blend_text_pixel(px, m::glyph_coverage(item, atlas.bitmap(), atlas.width(), x, y));
  }
}

}  // namespace

void draw_overlay_cpu(Frame& frame, const std::vector<DrawItem>& items, const GlyphAtlas& atlas) {
  if (!frame.data || frame.width <= 0 || frame.height <= 0 || frame.stride < static_cast<size_t>(frame.width) * 3)
    fail(ErrorCode::InvalidArgument, "overlay: expected a BGR24 frame with pixels, got " + std::to_string(frame.width) +
                                         "x" + std::to_string(frame.height));
  check_draw_items(items, atlas);
  for (const DrawItem& item : items) {
    switch (item.op) {
      case DrawOp::Outline:
        draw_rect_outline(frame, item.box, item.thickness);
        break;
      case DrawOp::Darken:
        darken_box(frame, item.box);
        break;
      case DrawOp::Glyph:
        draw_glyph(frame, item, atlas);
        break;
    }
  }
}

}  // namespace panorama
