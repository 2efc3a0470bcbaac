#pragma once
// CPU pixel drawing of the overlay on BGR24 frames. Every function clips to the frame; boxes are
// half-open pixel rectangles. The per-pixel maths is in panoramasdk/overlay/draw_math.hpp.
#include "overlay/font_atlas.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/compositor.hpp"

namespace panorama {

// An outline `thickness` pixels wide lying inside `box`, in the rectangle colour.
void draw_rect_outline_cpu(Frame& frame, const PixelBox& box, int thickness);

// Blends `box` towards black (the label backing).
void darken_box_cpu(Frame& frame, const PixelBox& box);

// Blends a glyph's coverage in the text colour with its bitmap's top-left at (x, y).
void draw_glyph_cpu(Frame& frame, const Glyph& glyph, int x, int y);

}  // namespace panorama
