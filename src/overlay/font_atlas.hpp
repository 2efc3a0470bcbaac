#pragma once
// FreeType glyph cache for one font file at one pixel size: each code point is rendered once to an
// 8-bit coverage bitmap and kept. Not thread-safe (the compositor owns and serialises it).
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace panorama {

struct Glyph {
  int width = 0;    // bitmap columns
  int rows = 0;     // bitmap rows
  int left = 0;     // pen x to the bitmap's left edge
  int top = 0;      // baseline to the bitmap's top edge (up is positive)
  int advance = 0;  // pen advance in whole pixels
  std::vector<uint8_t> coverage;  // rows * width, 0..255
};

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

  const Glyph& glyph(char32_t code_point);

  int pixel_size() const { return pixel_size_; }
  int ascender() const { return ascender_; }      // baseline to the top of the tallest glyphs
  int line_height() const { return line_height_; }  // baseline to baseline

 private:
  std::shared_ptr<FontLibrary> library_;  // outlives face_
  void* face_ = nullptr;                  // FT_Face
  int pixel_size_;
  int ascender_ = 0;
  int line_height_ = 0;
  std::unordered_map<char32_t, Glyph> cache_;
};

// UTF-8 to code points; a malformed sequence becomes U+FFFD and decoding goes on.
std::vector<char32_t> decode_utf8(const std::string& text);

}  // namespace panorama
