#pragma once
// The glyphs labels are drawn with: one 8-bit coverage (alpha) bitmap holding every glyph, packed in
// rows of shelves, and each glyph's metrics. What the CPU and CUDA drawing read; it knows nothing of
// fonts. FreeType fills one from a font file (src/overlay/font_atlas.cpp, media builds); tests fill one
// with glyphs they make. Not thread-safe; copyable (a copy keeps the same revision).
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace panorama {

struct GlyphMetrics {
  int atlas_x = 0, atlas_y = 0;  // the bitmap's top-left in the atlas
  int width = 0;                 // bitmap columns (0: nothing to draw, e.g. a space)
  int rows = 0;                  // bitmap rows
  int left = 0;                  // pen x to the bitmap's left edge
  int top = 0;                   // baseline to the bitmap's top edge (up is positive)
  int advance = 0;               // pen advance in whole pixels
};

class GlyphAtlas {
 public:
  static constexpr int kWidth = 1024;  // bitmap columns; the rows grow as glyphs are added

  // pixel_size: the text size; ascender: baseline to the top of the tallest glyphs; line_height:
  // baseline to baseline. Throws Error(InvalidArgument) unless all are positive.
  GlyphAtlas(int pixel_size, int ascender, int line_height);

  // Adds a glyph (coverage: rows * width bytes, 0..255, row by row). Throws Error(InvalidArgument) for
  // a code point already present, negative sizes, missing coverage or a glyph wider than kWidth.
  const GlyphMetrics& add(char32_t code_point, int width, int rows, int left, int top, int advance,
                          const uint8_t* coverage);

  // The glyph of a code point, or nullptr when the atlas has none.
  const GlyphMetrics* find(char32_t code_point) const;

  int pixel_size() const { return pixel_size_; }
  int ascender() const { return ascender_; }
  int line_height() const { return line_height_; }
  size_t glyph_count() const { return glyphs_.size(); }

  // The bitmap: height() rows of kWidth bytes.
  const uint8_t* bitmap() const { return bitmap_.data(); }
  int width() const { return kWidth; }
  int height() const { return height_; }

  // Unique in the process to this content: every add() takes a new value, so a device copy knows
  // when it is stale (copies of an atlas share it, as they share the content).
  uint64_t revision() const { return revision_; }

 private:
  int pixel_size_, ascender_, line_height_;
  std::vector<uint8_t> bitmap_;
  int height_ = 0;                       // rows in use
  int shelf_x_ = 0, shelf_y_ = 0, shelf_rows_ = 0;  // the shelf being filled
  uint64_t revision_ = 0;
  std::unordered_map<char32_t, GlyphMetrics> glyphs_;
};

}  // namespace panorama
