// From what an application recorded (rectangles, labels) to a frame's draw list, and the checks both
// drawings run on a list before touching pixels.
#include "panoramasdk/overlay/draw.hpp"

#include <algorithm>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace m = overlay_math;

namespace {

// Splits into lines on '\n' (a trailing '\r' is dropped, so "\r\n" works too).
std::vector<std::vector<char32_t>> split_lines(const std::string& text) {
  std::vector<std::vector<char32_t>> lines(1);
  for (char32_t cp : decode_utf8(text)) {
    if (cp == U'\n') {
      lines.emplace_back();
    } else if (cp != U'\r') {
      lines.back().push_back(cp);
    }
  }
  return lines;
}

// The glyph drawn for a code point: its own, else the atlas' U+FFFD, else none (nullptr).
const GlyphMetrics* glyph_for(const GlyphAtlas& atlas, char32_t cp) {
  const GlyphMetrics* g = atlas.find(cp);
  return g ? g : atlas.find(0xFFFD);
}

int advance_of(const GlyphAtlas& atlas, char32_t cp) {
  const GlyphMetrics* g = glyph_for(atlas, cp);
  return g ? g->advance : atlas.pixel_size() / 2;
}

struct LabelLayout {
  PixelBox box;
  int padding = 0;
  std::vector<std::vector<char32_t>> lines;
};

LabelLayout layout_label(const std::string& text, float x, float y, int width, int height, const GlyphAtlas& atlas) {
  LabelLayout out;
  out.lines = split_lines(text);
  out.padding = m::label_padding(atlas.pixel_size());
  int text_width = 0;
  for (const auto& line : out.lines) {
    int w = 0;
    for (char32_t cp : line) w += advance_of(atlas, cp);
    text_width = std::max(text_width, w);
  }
  const int box_w = text_width + 2 * out.padding;
  const int box_h = static_cast<int>(out.lines.size()) * atlas.line_height() + 2 * out.padding;
  // Shift inside the frame so labels at the right/bottom edge stay readable; pin to 0 when larger.
  const int x0 = std::max(0, std::min(m::norm_to_px(x, width), width - box_w));
  const int y0 = std::max(0, std::min(m::norm_to_px(y, height), height - box_h));
  out.box = {x0, y0, x0 + box_w, y0 + box_h};
  return out;
}

}  // namespace

std::vector<char32_t> decode_utf8(const std::string& text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    int extra = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= n || (s[i + k] & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;  // resynchronise on the next byte
      continue;
    }
    static constexpr char32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;  // overlong/surrogate
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

PixelBox rect_box(const RectOverlay& r, int width, int height) {
  int x0 = m::norm_to_px(std::min(r.left, r.right), width);
  int x1 = m::norm_to_px(std::max(r.left, r.right), width);
  int y0 = m::norm_to_px(std::min(r.top, r.bottom), height);
  int y1 = m::norm_to_px(std::max(r.top, r.bottom), height);
  // A degenerate rectangle still shows as a 1-pixel line rather than vanishing.
  if (x1 <= x0) x0 = (x1 = std::min(width, x0 + 1)) - 1;
  if (y1 <= y0) y0 = (y1 = std::min(height, y0 + 1)) - 1;
  return {x0, y0, x1, y1};
}

PixelBox label_box(const std::string& text, float x, float y, int width, int height, const GlyphAtlas& atlas) {
  return layout_label(text, x, y, width, height, atlas).box;
}

std::vector<DrawItem> overlay_draw_list(const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels,
                                        const GlyphAtlas& atlas, int width, int height) {
  std::vector<DrawItem> items;
  const int thickness = m::rect_thickness(width, height);
  for (const auto& r : rects) {
    DrawItem item;
    item.op = DrawOp::Outline;
    item.box = rect_box(r, width, height);
    item.thickness = thickness;
    items.push_back(item);
  }
  for (const auto& label : labels) {
    if (label.text.empty()) continue;
    const LabelLayout lay = layout_label(label.text, label.x, label.y, width, height, atlas);
    DrawItem backing;
    backing.op = DrawOp::Darken;
    backing.box = lay.box;
    items.push_back(backing);
    int baseline = lay.box.y0 + lay.padding + atlas.ascender();
    for (const auto& line : lay.lines) {
      int pen = lay.box.x0 + lay.padding;
      for (char32_t cp : line) {
        const GlyphMetrics* g = glyph_for(atlas, cp);
        if (g && g->width > 0 && g->rows > 0) {
          DrawItem glyph;
          glyph.op = DrawOp::Glyph;
          glyph.box.x0 = pen + g->left;
          glyph.box.y0 = baseline - g->top;
          glyph.box.x1 = glyph.box.x0 + g->width;
          glyph.box.y1 = glyph.box.y0 + g->rows;
          glyph.atlas_x = g->atlas_x;
          glyph.atlas_y = g->atlas_y;
          items.push_back(glyph);
        }
        pen += g ? g->advance : atlas.pixel_size() / 2;
      }
      baseline += atlas.line_height();
    }
  }
  return items;
}

void check_draw_items(const std::vector<DrawItem>& items, const GlyphAtlas& atlas) {
  for (size_t i = 0; i < items.size(); ++i) {
    const DrawItem& it = items[i];
    const std::string what = "overlay draw list item " + std::to_string(i);
    switch (it.op) {
      case DrawOp::Outline:
        if (it.thickness < 0)
          fail(ErrorCode::InvalidArgument, what + ": expected a thickness >= 0, got " + std::to_string(it.thickness));
        break;
      case DrawOp::Darken:
        break;
      case DrawOp::Glyph:
        if (it.box.width() < 0 || it.box.height() < 0 || it.atlas_x < 0 || it.atlas_y < 0 ||
            it.atlas_x + it.box.width() > atlas.width() || it.atlas_y + it.box.height() > atlas.height())
          fail(ErrorCode::InvalidArgument,
               what + ": glyph " + std::to_string(it.box.width()) + "x" + std::to_string(it.box.height()) + " at (" +
                   std::to_string(it.atlas_x) + ", " + std::to_string(it.atlas_y) + ") reaches outside the " +
                   std::to_string(atlas.width()) + "x" + std::to_string(atlas.height()) + " glyph atlas");
        break;
      default:
        fail(ErrorCode::InvalidArgument,
             what + ": unknown op " + std::to_string(static_cast<int>(it.op)) + " (expected Outline, Darken or Glyph)");
    }
  }
}

}  // namespace panorama
