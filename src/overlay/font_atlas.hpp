#pragma once
// FreeType glyph cache for one font file at one pixel size: each code point is rendered once into a
// GlyphAtlas (glyph_atlas.hpp), which the CPU and CUDA drawing read. Not thread-safe (the compositor
// owns and serialises it).
#include <memory>
#include <string>

#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/glyph_atlas.hpp"

namespace panorama {

// One FreeType library instance (shared by the atlases made from it).
class FontLibrary {
 public:
  FontLibrary();
  ~FontLibrary();
  void* handle() const { return handle_; }  // FT_Library

 private:
  void* handle_ = nullptr;
};

class FontAtlas {
 public:
  // Throws Error(NotFound) for a missing file, Error(InvalidArgument) for an unreadable font.
  FontAtlas(std::shared_ptr<FontLibrary> library, const std::string& path, int pixel_size);
  ~FontAtlas();
  FontAtlas(const FontAtlas&) = delete;
  FontAtlas& operator=(const FontAtlas&) = delete;

  // Renders a code point into the atlas unless it is there already (a code point the font lacks gets
  // the font's .notdef glyph; one FreeType fails to render is blank, half the pixel size wide).
  const GlyphMetrics& glyph(char32_t code_point);
  // Renders every code point of a UTF-8 text (so overlay_draw_list finds them all).
  void add_text(const std::string& text);

  const GlyphAtlas& atlas() const { return *atlas_; }
  int pixel_size() const { return atlas_->pixel_size(); }

 private:
  std::shared_ptr<FontLibrary> library_;  // outlives face_
  void* face_ = nullptr;                  // FT_Face
  std::unique_ptr<GlyphAtlas> atlas_;     // made once the face gives its metrics
};

}  // namespace panorama
