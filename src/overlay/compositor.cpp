#include "panoramasdk/overlay/compositor.hpp"

#include <map>
#include <mutex>

#include "overlay/font_atlas.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama {

namespace m = overlay_math;

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
};

Compositor::Compositor(const std::string& font_path) : impl_(std::make_unique<Impl>()) {
  impl_->font_path = font_path.empty() ? default_font_path() : font_path;
  impl_->library = std::make_shared<FontLibrary>();
  impl_->atlas(m::text_pixel_size(0));  // opens the font now, so a bad file fails at construction
}

Compositor::~Compositor() = default;

const std::string& Compositor::font_path() const { return impl_->font_path; }

PixelBox Compositor::rect_box(const RectOverlay& r, int width, int height) { return panorama::rect_box(r, width, height); }

PixelBox Compositor::label_box(const std::string& text, float x, float y, int width, int height) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  FontAtlas& a = impl_->atlas(m::text_pixel_size(height));
  a.add_text(text);
  return panorama::label_box(text, x, y, width, height, a.atlas());
}

GlyphAtlas Compositor::glyph_atlas(int height, const std::vector<std::string>& texts) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  FontAtlas& a = impl_->atlas(m::text_pixel_size(height));
  for (const auto& text : texts) a.add_text(text);
  return a.atlas();
}

void Compositor::draw(Frame& frame, const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels) {
  if (!frame.data || frame.width <= 0 || frame.height <= 0 || frame.stride < static_cast<size_t>(frame.width) * 3)
    fail(ErrorCode::InvalidArgument, "compositor: expected a BGR24 frame with pixels, got " +
                                         std::to_string(frame.width) + "x" + std::to_string(frame.height));
  std::lock_guard<std::mutex> lock(impl_->mutex);
  FontAtlas& a = impl_->atlas(m::text_pixel_size(frame.height));
  for (const auto& label : labels) a.add_text(label.text);
  draw_overlay_cpu(frame, overlay_draw_list(rects, labels, a.atlas(), frame.width, frame.height), a.atlas());
}

void Compositor::draw_device(uint8_t* frame, int width, int height, size_t stride,
                             const std::vector<RectOverlay>& rects, const std::vector<LabelOverlay>& labels,
                             OverlayDrawerCuda& drawer, CudaStreamHandle stream) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  FontAtlas& a = impl_->atlas(m::text_pixel_size(height));
  for (const auto& label : labels) a.add_text(label.text);
  drawer.draw(frame, width, height, stride, overlay_draw_list(rects, labels, a.atlas(), width, height), a.atlas(),
              stream);
}

}  // namespace panorama
