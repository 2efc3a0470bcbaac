#include "overlay/font_atlas.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstdlib>
#include <cstring>
#include <filesystem>

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
    : library_(std::move(library)), pixel_size_(pixel_size) {
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
  ascender_ = static_cast<int>((face->size->metrics.ascender + 63) >> 6);
  line_height_ = static_cast<int>((face->size->metrics.height + 63) >> 6);
  if (line_height_ <= 0) line_height_ = pixel_size + pixel_size / 4;
  if (ascender_ <= 0) ascender_ = pixel_size;
}

FontAtlas::~FontAtlas() {
  if (face_) FT_Done_Face(face_of(face_));
}

const Glyph& FontAtlas::glyph(char32_t code_point) {
  auto it = cache_.find(code_point);
  if (it != cache_.end()) return it->second;

  Glyph g;
  FT_Face face = face_of(face_);
  // A missing glyph renders as the font's .notdef box (index 0); a render failure leaves it blank.
  if (FT_Load_Char(face, code_point, FT_LOAD_RENDER | FT_LOAD_TARGET_NORMAL) == 0) {
    const FT_GlyphSlot slot = face->glyph;
    const FT_Bitmap& bm = slot->bitmap;
    g.advance = static_cast<int>((slot->advance.x + 32) >> 6);
    g.left = slot->bitmap_left;
    g.top = slot->bitmap_top;
    if (bm.pixel_mode == FT_PIXEL_MODE_GRAY && bm.buffer && bm.width > 0 && bm.rows > 0) {
      g.width = static_cast<int>(bm.width);
      g.rows = static_cast<int>(bm.rows);
      g.coverage.resize(static_cast<size_t>(g.width) * g.rows);
      for (int y = 0; y < g.rows; ++y)
        std::memcpy(&g.coverage[static_cast<size_t>(y) * g.width], bm.buffer + y * bm.pitch, g.width);
    }
  } else {
    g.advance = pixel_size_ / 2;
  }
  return cache_.emplace(code_point, std::move(g)).first->second;
}

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
