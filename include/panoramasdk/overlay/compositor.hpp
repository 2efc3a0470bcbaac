#pragma once
// The overlay compositor: draws the rectangles and labels an application recorded on a media
// (media.add_rect / media.add_label) onto a BGR24 frame, on top of whatever the frame holds.
//
// Coordinates are normalised 0..1 (x by width, y by height, origin top-left).
// - Rectangles: each coordinate is clamped to 0..1 and reversed edges are swapped, so a rectangle
//   partly outside the frame is drawn with its outside edges on the frame border. The outline lies
//   inside the pixel box [round(left*W), round(right*W)) x [round(top*H), round(bottom*H)) with a
//   thickness of overlay_math::rect_thickness(W, H) pixels, in overlay_math::kRect* colour.
// - Labels: UTF-8 text, "\n" starts a new line, anchored by the top-left of a dark semi-transparent
//   backing box at (x, y). Text is white, antialiased, sized overlay_math::text_pixel_size(H).
//   A label that would cross the right or bottom edge is SHIFTED INSIDE the frame so it stays
//   readable (the guide's sample puts labels at the bottom-right corner of boxes); a label larger
//   than the frame is pinned to the top-left and clipped.
// Drawing never writes outside the frame. It is overlay_draw_list + draw_overlay_cpu (draw.hpp) with
// this font's glyph atlas; draw_cuda.hpp draws the same list on device frames. Thread-safe (calls are
// serialised on an internal lock; use one Compositor per thread for parallel drawing).
#include <memory>
#include <string>
#include <vector>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_cuda.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama {

// The font used when none is named: $PANORAMA_FONT, then DejaVu Sans in the usual system places
// (the same list as python/panoramasdk/output/fonts.py). Throws Error(NotFound) naming the Debian
// package fonts-dejavu-core when none exists.
std::string default_font_path();

class Compositor {
 public:
  // font_path: a TrueType/OpenType file; empty means default_font_path(). Throws Error(NotFound)
  // for a missing file and Error(InvalidArgument) for a file FreeType cannot read as a font.
  explicit Compositor(const std::string& font_path = "");
  ~Compositor();
  Compositor(const Compositor&) = delete;
  Compositor& operator=(const Compositor&) = delete;

  // Draws in place. Throws Error(InvalidArgument) for a frame without pixels.
  void draw(Frame& frame, const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels);

  // draw() on a BGR24 frame in device memory (rows `stride` bytes apart) with `drawer`, queued on
  // `stream`: the same layout and the same pixels. The glyph atlas is this compositor's own (the
  // drawer uploads it again only when glyphs were added).
  void draw_device(uint8_t* frame, int width, int height, size_t stride, const std::vector<RectOverlay>& rects,
                   const std::vector<LabelOverlay>& labels, OverlayDrawerCuda& drawer, CudaStreamHandle stream);
  // Where draw() puts a label's backing box on a frame of this size (after shifting inside).
  PixelBox label_box(const std::string& text, float x, float y, int frame_width, int frame_height);

  // The pixel box a rectangle's outline is drawn in (clamped, edges swapped when reversed).
  static PixelBox rect_box(const RectOverlay& rect, int frame_width, int frame_height);

  // A copy of the glyph atlas draw() uses on frames of this height, with the glyphs of these texts
  // rendered: for drawing the same overlay elsewhere (OverlayDrawerCuda on device frames).
  GlyphAtlas glyph_atlas(int frame_height, const std::vector<std::string>& texts);

  const std::string& font_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama
