#include "panoramasdk/media/test_pattern.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

[[noreturn]] void bad(const std::string& uri, const std::string& what) {
  fail(ErrorCode::InvalidArgument,
       "test pattern '" + uri + "': " + what + "; expected testsrc://[name]?size=WxH&rate=R&frames=N");
}

double parse_number(const std::string& uri, const std::string& key, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) bad(uri, key + "='" + text + "' is not a number");
  return v;
}

}  // namespace

TestPatternSpec parse_test_pattern(const std::string& uri) {
  TestPatternSpec spec;
  size_t q = uri.find('?');
  if (q == std::string::npos) return spec;
  std::string query = uri.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string item = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "size") {
      size_t x = value.find('x');
      if (x == std::string::npos) bad(uri, "size='" + value + "' is not WxH");
      double w = parse_number(uri, "size width", value.substr(0, x));
      double h = parse_number(uri, "size height", value.substr(x + 1));
      if (w < 16 || h < 16 || w > 8192 || h > 8192 || w != static_cast<int>(w) || h != static_cast<int>(h))
        bad(uri, "size='" + value + "' is not two whole numbers in 16..8192");
      spec.width = static_cast<int>(w);
      spec.height = static_cast<int>(h);
    } else if (key == "rate") {
      spec.rate = parse_number(uri, key, value);
      if (!(spec.rate >= 0.1 && spec.rate <= 240)) bad(uri, "rate=" + value + " is not in 0.1..240");
    } else if (key == "frames") {
      double n = parse_number(uri, key, value);
      if (n < 0 || n != static_cast<int64_t>(n)) bad(uri, "frames=" + value + " is not a whole number >= 0");
      spec.frames = static_cast<int64_t>(n);
    } else {
      bad(uri, "unknown parameter '" + key + "' (known: size, rate, frames)");
    }
    if (amp == query.size()) break;
  }
  return spec;
}

void draw_test_pattern(uint8_t* bgr, int width, int height, size_t stride, int64_t index) {
  // Eight bars: white, yellow, cyan, green, magenta, red, blue, black (BGR).
  static const uint8_t bars[8][3] = {{235, 235, 235}, {16, 235, 235}, {235, 235, 16}, {16, 235, 16},
                                     {235, 16, 235},  {16, 16, 235},  {235, 16, 16},  {16, 16, 16}};
  const int shift = static_cast<int>((index * 4) % width);
  // One row of scrolled bars, copied to every row.
  uint8_t* row0 = bgr;
  for (int x = 0; x < width; ++x) {
    int bar = static_cast<int>(((x + shift) % width) * 8LL / width);
    std::memcpy(row0 + x * 3, bars[bar], 3);
  }
  for (int y = 1; y < height; ++y) std::memcpy(bgr + y * stride, row0, static_cast<size_t>(width) * 3);

  // The square bounces along the diagonal.
  const int side = std::max(4, std::min(width, height) / 6);
  const int span_x = std::max(1, width - side), span_y = std::max(1, height - side);
  const int64_t step = index * 3;
  auto bounce = [](int64_t t, int span) {
    int64_t m = t % (2 * span);
    return static_cast<int>(m < span ? m : 2 * span - m);
  };
  const int sx = bounce(step, span_x), sy = bounce(step, span_y);
  for (int y = sy; y < std::min(height, sy + side); ++y) std::memset(bgr + y * stride + sx * 3, 255, side * 3);
}

}  // namespace panorama
