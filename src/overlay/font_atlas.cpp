#include "overlay/font_atlas.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/compositor.hpp"

namespace panorama {

namespace {

std::string ft_message(FT_Error err) {
  const char* s = FT_Error_String(err);  // NULL unless FreeType was built with error strings
  return s ? std::string(s) : "FreeType error " + std::to_string(err);
}

FT_Face face_of(void* p) { return static_cast<FT_Face>(p); }

}  // namespace

FontLibrary::FontLibrary() {
  FT_Library lib = nullptr;
  FT_Error err = FT_Init_FreeType(&lib);
  if (err) fail(ErrorCode::Internal, "FreeType: cannot initialise: " + ft_message(err));
  handle_ = lib;
}

FontLibrary::~FontLibrary() {
  if (handle_) FT_Done_FreeType(static_cast<FT_Library>(handle_));
}

FontAtlas::FontAtlas(std::shared_ptr<FontLibrary> library, const std::string& path, int pixel_size)
    : library_(std::move(library)) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail(ErrorCode::NotFound, "font '" + path + "' does not exist (expected a TrueType/OpenType file)");
  FT_Face face = nullptr;
  FT_Error err = FT_New_Face(static_cast<FT_Library>(library_->handle()), path.c_str(), 0, &face);
  if (err)
    fail(ErrorCode::InvalidArgument,
         "font '" + path + "' cannot be read as a TrueType/OpenType font: " + ft_message(err));
  face_ = face;
  err = FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixel_size));
  if (err) {
    FT_Done_Face(face);
    face_ = nullptr;
    fail(ErrorCode::InvalidArgument,
         "font '" + path + "': cannot be scaled to " + std::to_string(pixel_size) + " px: " + ft_message(err));
  }
  // size->metrics are 26.6 fixed point, already scaled to the pixel size.
  int ascender = static_cast<int>((face->size->metrics.ascender + 63) >> 6);
  int line_height = static_cast<int>((face->size->metrics.height + 63) >> 6);
  if (line_height <= 0) line_height = pixel_size + pixel_size / 4;
  if (ascender <= 0) ascender = pixel_size;
  atlas_ = std::make_unique<GlyphAtlas>(pixel_size, ascender, line_height);
}

FontAtlas::~FontAtlas() {
  if (face_) FT_Done_Face(face_of(face_));
}

const GlyphMetrics& FontAtlas::glyph(char32_t code_point) {
  if (const GlyphMetrics* known = atlas_->find(code_point)) return *known;
  FT_Face face = face_of(face_);
  // A missing glyph renders as the font's .notdef box (index 0); a render failure leaves it blank.
  if (FT_Load_Char(face, code_point, FT_LOAD_RENDER | FT_LOAD_TARGET_NORMAL) != 0)
    return atlas_->add(code_point, 0, 0, 0, 0, atlas_->pixel_size() / 2, nullptr);
  const FT_GlyphSlot slot = face->glyph;
  const FT_Bitmap& bm = slot->bitmap;
  const int advance = static_cast<int>((slot->advance.x + 32) >> 6);
  if (bm.pixel_mode != FT_PIXEL_MODE_GRAY || !bm.buffer || bm.width == 0 || bm.rows == 0)
    return atlas_->add(code_point, 0, 0, slot->bitmap_left, slot->bitmap_top, advance, nullptr);
  const int width = static_cast<int>(bm.width), rows = static_cast<int>(bm.rows);
  std::vector<uint8_t> coverage(static_cast<size_t>(width) * rows);  // the bitmap's rows are `pitch` apart
  for (int y = 0; y < rows; ++y)
    std::memcpy(&coverage[static_cast<size_t>(y) * width], bm.buffer + y * bm.pitch, width);
  return atlas_->add(code_point, width, rows, slot->bitmap_left, slot->bitmap_top, advance, coverage.data());
}

void FontAtlas::add_text(const std::string& text) {
  for (char32_t cp : decode_utf8(text))
    if (cp != U'\n' && cp != U'\r') glyph(cp);
}

std::string default_font_path() {
  if (const char* env = std::getenv("PANORAMA_FONT"); env && *env) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(env, ec))
      fail(ErrorCode::NotFound, std::string("PANORAMA_FONT='") + env + "' is not a font file");
    return env;
  }
  static const char* const kCandidates[] = {
      "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  // Debian/Ubuntu fonts-dejavu-core
      "/usr/share/fonts/dejavu/DejaVuSans.ttf",           // Fedora, Alpine
      "/usr/share/fonts/TTF/DejaVuSans.ttf",              // Arch
      "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
      "/usr/local/share/fonts/DejaVuSans.ttf",
  };
  for (const char* p : kCandidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  fail(ErrorCode::NotFound,
       "no overlay font found: install DejaVu Sans (Debian/Ubuntu: apt-get install fonts-dejavu-core) or set "
       "PANORAMA_FONT to a .ttf file; looked in /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf and other "
       "usual places");
}

}  // namespace panorama
