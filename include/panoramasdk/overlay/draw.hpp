#pragma once
// The overlay of one frame as a draw list, and its CPU drawing (the oracle of the CUDA drawing in
// draw_cuda.hpp). Built in every configuration: it needs a GlyphAtlas, not FreeType.
//
// overlay_draw_list lays out what an application recorded (media.add_rect / media.add_label, in
// normalised 0..1 coordinates) on a frame of a given size, with the rules of Compositor
// (compositor.hpp): rectangles clamped and edges swapped, labels shifted inside the frame, one DrawItem
// per outline, label backing and glyph, in drawing order. Code points the atlas lacks are drawn as its
// U+FFFD, or skipped by half the pixel size when it has none.
#include <string>
#include <vector>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/draw_math.hpp"
#include "panoramasdk/overlay/glyph_atlas.hpp"

namespace panorama {

struct RectOverlay {
  float left = 0, top = 0, right = 0, bottom = 0;
};

struct LabelOverlay {
  std::string text;  // UTF-8; invalid bytes are drawn as U+FFFD
  float x = 0, y = 0;
};

// UTF-8 to code points; a malformed sequence becomes U+FFFD and decoding goes on.
std::vector<char32_t> decode_utf8(const std::string& text);

// The pixel box a rectangle's outline is drawn in (clamped, edges swapped when reversed; a degenerate
// rectangle still shows as a 1-pixel line).
PixelBox rect_box(const RectOverlay& rect, int frame_width, int frame_height);

// Where a label's backing box goes on a frame of this size (after shifting inside). The atlas must
// be made for this frame height (pixel size overlay_math::text_pixel_size(frame_height)).
PixelBox label_box(const std::string& text, float x, float y, int frame_width, int frame_height,
                   const GlyphAtlas& atlas);

// The items that draw these overlays on a frame_width x frame_height frame, in drawing order.
std::vector<DrawItem> overlay_draw_list(const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels,
                                        const GlyphAtlas& atlas, int frame_width, int frame_height);

// Throws Error(InvalidArgument) naming the item at fault: an unknown op, a negative thickness or a
// glyph box reaching outside the atlas bitmap. Both drawings check their items with it.
void check_draw_items(const std::vector<DrawItem>& items, const GlyphAtlas& atlas);

// Draws the items in place on a BGR24 host frame, clipped to it. Throws Error(InvalidArgument) for
// a frame without pixels and for bad items (check_draw_items).
void draw_overlay_cpu(Frame& frame, const std::vector<DrawItem>& items, const GlyphAtlas& atlas);

}  // namespace panorama
