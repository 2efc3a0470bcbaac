#include "panoramasdk/overlay/glyph_atlas.hpp"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

std::atomic<uint64_t> g_next_revision{1};

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

}  // namespace

GlyphAtlas::GlyphAtlas(int pixel_size, int ascender, int line_height)
    : pixel_size_(pixel_size), ascender_(ascender), line_height_(line_height) {
  if (pixel_size <= 0 || ascender <= 0 || line_height <= 0)
    fail(ErrorCode::InvalidArgument, "glyph atlas: expected a positive pixel size, ascender and line height, got " +
                                         std::to_string(pixel_size) + ", " + std::to_string(ascender) + ", " +
                                         std::to_string(line_height));
}

const GlyphMetrics& GlyphAtlas::add(char32_t code_point, int width, int rows, int left, int top, int advance,
                                    const uint8_t* coverage) {
  const std::string what = "glyph atlas: glyph " + code_point_name(code_point);
  if (glyphs_.count(code_point)) fail(ErrorCode::InvalidArgument, what + " is already in the atlas");
  if (width < 0 || rows < 0 || width > kWidth)
    fail(ErrorCode::InvalidArgument, what + ": expected 0.." + std::to_string(kWidth) + " columns and rows >= 0, got " +
                                         std::to_string(width) + " x " + std::to_string(rows));
  const bool empty = width == 0 || rows == 0;
  if (!empty && !coverage) fail(ErrorCode::InvalidArgument, what + ": expected coverage bytes, got none");

  GlyphMetrics g;
  g.left = left;
  g.top = top;
  g.advance = advance;
  if (!empty) {
    // Shelf packing: glyphs side by side on a shelf as tall as its tallest glyph, a new shelf below
    // when the row is full. Glyphs never share pixels, and the drawing reads only inside a glyph.
    if (shelf_x_ + width > kWidth) {
      shelf_y_ += shelf_rows_;
      shelf_x_ = 0;
      shelf_rows_ = 0;
    }
    g.atlas_x = shelf_x_;
    g.atlas_y = shelf_y_;
    g.width = width;
    g.rows = rows;
    shelf_x_ += width;
    if (rows > shelf_rows_) shelf_rows_ = rows;
    if (shelf_y_ + rows > height_) {
      height_ = shelf_y_ + rows;
      bitmap_.resize(static_cast<size_t>(height_) * kWidth, 0);
    }
    for (int y = 0; y < rows; ++y)
      std::memcpy(&bitmap_[static_cast<size_t>(g.atlas_y + y) * kWidth + g.atlas_x],
                  coverage + static_cast<size_t>(y) * width, static_cast<size_t>(width));
  }
  revision_ = g_next_revision.fetch_add(1, std::memory_order_relaxed);
  return glyphs_.emplace(code_point, g).first->second;
}

const GlyphMetrics* GlyphAtlas::find(char32_t code_point) const {
  const auto it = glyphs_.find(code_point);
  return it == glyphs_.end() ? nullptr : &it->second;
}

}  // namespace panorama
