#include "panoramasdk/overlay/compositor.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "overlay/draw_cpu.hpp"
#include "overlay/font_atlas.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

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

}  // namespace

struct Compositor::Impl {
  std::mutex mutex;  // draw() and label_box() share the glyph caches
  std::string font_path;
  std::shared_ptr<FontLibrary> library;
  std::map<int, std::unique_ptr<FontAtlas>> atlases;  // by pixel size: one per frame height in use

  FontAtlas& atlas(int pixel_size) {
    auto& slot = atlases[pixel_size];
    if (!slot) slot = std::make_unique<FontAtlas>(library, font_path, pixel_size);
    return *slot;
  }

  struct Layout {
    PixelBox box;
    int padding = 0;
    std::vector<std::vector<char32_t>> lines;
  };

  Layout layout(const std::string& text, float x, float y, int width, int height) {
    Layout out;
    FontAtlas& a = atlas(m::text_pixel_size(height));
    out.lines = split_lines(text);
    out.padding = m::label_padding(a.pixel_size());
    int text_width = 0;
    for (const auto& line : out.lines) {
      int w = 0;
      for (char32_t cp : line) w += a.glyph(cp).advance;
      text_width = std::max(text_width, w);
    }
    const int box_w = text_width + 2 * out.padding;
    const int box_h = static_cast<int>(out.lines.size()) * a.line_height() + 2 * out.padding;
    // Shift inside the frame so labels at the right/bottom edge stay readable; pin to 0 when larger.
    int x0 = std::max(0, std::min(m::norm_to_px(x, width), width - box_w));
    int y0 = std::max(0, std::min(m::norm_to_px(y, height), height - box_h));
    out.box = {x0, y0, x0 + box_w, y0 + box_h};
    return out;
  }
};

Compositor::Compositor(const std::string& font_path) : impl_(std::make_unique<Impl>()) {
  impl_->font_path = font_path.empty() ? default_font_path() : font_path;
  impl_->library = std::make_shared<FontLibrary>();
  impl_->atlas(m::text_pixel_size(0));  // opens the font now, so a bad file fails at construction
}

Compositor::~Compositor() = default;

const std::string& Compositor::font_path() const { return impl_->font_path; }

PixelBox Compositor::rect_box(const RectOverlay& r, int width, int height) {
  int x0 = m::norm_to_px(std::min(r.left, r.right), width);
  int x1 = m::norm_to_px(std::max(r.left, r.right), width);
  int y0 = m::norm_to_px(std::min(r.top, r.bottom), height);
  int y1 = m::norm_to_px(std::max(r.top, r.bottom), height);
  // A degenerate rectangle still shows as a 1-pixel line rather than vanishing.
  if (x1 <= x0) x0 = (x1 = std::min(width, x0 + 1)) - 1;
  if (y1 <= y0) y0 = (y1 = std::min(height, y0 + 1)) - 1;
  return {x0, y0, x1, y1};
}

PixelBox Compositor::label_box(const std::string& text, float x, float y, int width, int height) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->layout(text, x, y, width, height).box;
}

void Compositor::draw(Frame& frame, const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels) {
  if (!frame.data || frame.width <= 0 || frame.height <= 0 || frame.stride < static_cast<size_t>(frame.width) * 3)
    fail(ErrorCode::InvalidArgument, "compositor: expected a BGR24 frame with pixels, got " +
                                         std::to_string(frame.width) + "x" + std::to_string(frame.height));
  const int thickness = m::rect_thickness(frame.width, frame.height);
  for (const auto& r : rects) draw_rect_outline_cpu(frame, rect_box(r, frame.width, frame.height), thickness);

  if (labels.empty()) return;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  FontAtlas& a = impl_->atlas(m::text_pixel_size(frame.height));
  for (const auto& label : labels) {
    if (label.text.empty()) continue;
    Impl::Layout lay = impl_->layout(label.text, label.x, label.y, frame.width, frame.height);
    darken_box_cpu(frame, lay.box);
    int baseline = lay.box.y0 + lay.padding + a.ascender();
    for (const auto& line : lay.lines) {
      int pen = lay.box.x0 + lay.padding;
      for (char32_t cp : line) {
        const Glyph& g = a.glyph(cp);
        if (g.width > 0) draw_glyph_cpu(frame, g, pen + g.left, baseline - g.top);
        pen += g.advance;
      }
      baseline += a.line_height();
    }
  }
}

}  // namespace panorama
