#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "overlay/font_atlas.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/compositor.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

using namespace panorama;
namespace m = panorama::overlay_math;

namespace {

// A frame inside a larger buffer with guard bytes before and after, to catch out-of-bounds writes.
struct GuardedFrame {
  static constexpr size_t kGuard = 4096;
  static constexpr uint8_t kCanary = 0xA5;
  std::vector<uint8_t> buffer;
  Frame frame;

  GuardedFrame(int w, int h, uint8_t fill) {
    const size_t bytes = static_cast<size_t>(w) * h * 3;
    buffer.assign(bytes + 2 * kGuard, kCanary);
    std::memset(buffer.data() + kGuard, fill, bytes);
    frame.width = w;
    frame.height = h;
    frame.stride = static_cast<size_t>(w) * 3;
    frame.data = buffer.data() + kGuard;
  }
  bool guards_intact() const {
    const size_t bytes = frame.size_bytes();
    for (size_t i = 0; i < kGuard; ++i)
      if (buffer[i] != kCanary || buffer[kGuard + bytes + i] != kCanary) return false;
    return true;
  }
  const uint8_t* px(int x, int y) const { return frame.data + y * frame.stride + x * 3; }
  bool changed(int x, int y, uint8_t fill) const {
    const uint8_t* p = px(x, y);
    return p[0] != fill || p[1] != fill || p[2] != fill;
  }
  // Bounding box of changed pixels (half-open); empty box when nothing changed.
  PixelBox changed_box(uint8_t fill) const {
    PixelBox b{frame.width, frame.height, 0, 0};
    for (int y = 0; y < frame.height; ++y)
      for (int x = 0; x < frame.width; ++x)
        if (changed(x, y, fill)) {
          b.x0 = std::min(b.x0, x);
          b.y0 = std::min(b.y0, y);
          b.x1 = std::max(b.x1, x + 1);
          b.y1 = std::max(b.y1, y + 1);
        }
    return b;
  }
};

bool is_rect_colour(const uint8_t* p) { return p[0] == m::kRectB && p[1] == m::kRectG && p[2] == m::kRectR; }

}  // namespace

TEST(Compositor, RectChangesExactlyTheBorderPixels) {
  Compositor comp;
  GuardedFrame g(200, 100, 50);
  comp.draw(g.frame, {{0.25f, 0.2f, 0.75f, 0.8f}}, {});
  const int t = m::rect_thickness(200, 100);
  ASSERT_EQ(t, 2);
  // [50, 150) x [20, 80)
  int border = 0;
  for (int y = 0; y < 100; ++y) {
    for (int x = 0; x < 200; ++x) {
      const bool inside = x >= 50 && x < 150 && y >= 20 && y < 80;
      const bool on_border = inside && (x < 50 + t || x >= 150 - t || y < 20 + t || y >= 80 - t);
      if (on_border) {
        ASSERT_TRUE(is_rect_colour(g.px(x, y))) << "border pixel " << x << "," << y;
        ++border;
      } else {
        ASSERT_FALSE(g.changed(x, y, 50)) << "pixel " << x << "," << y << " should be untouched";
      }
    }
  }
  EXPECT_EQ(border, 2 * 100 * t + 2 * (60 - 2 * t) * t);
  EXPECT_TRUE(g.guards_intact());
}

TEST(Compositor, ReversedEdgesAreSwapped) {
  PixelBox a = Compositor::rect_box({0.75f, 0.8f, 0.25f, 0.2f}, 200, 100);
  EXPECT_EQ(a.x0, 50);
  EXPECT_EQ(a.y0, 20);
  EXPECT_EQ(a.x1, 150);
  EXPECT_EQ(a.y1, 80);
}

TEST(Compositor, RectPartlyOutsideIsClampedToTheFrame) {
  Compositor comp;
  GuardedFrame g(64, 48, 10);
  comp.draw(g.frame, {{-0.5f, -0.2f, 0.5f, 1.7f}, {0.9f, 0.9f, 3.0f, 3.0f}}, {});
  EXPECT_TRUE(g.guards_intact());
  // First: box [0, 32) x [0, 48): left column and bottom row on the frame edge are drawn.
  EXPECT_TRUE(is_rect_colour(g.px(0, 24)));
  EXPECT_TRUE(is_rect_colour(g.px(16, 47)));
  EXPECT_TRUE(is_rect_colour(g.px(31, 24)));
  EXPECT_FALSE(g.changed(16, 24, 10));
  // Second: box [58, 64) x [43, 48) hugging the bottom-right corner.
  EXPECT_TRUE(is_rect_colour(g.px(63, 47)));
  EXPECT_FALSE(g.changed(40, 30, 10));
}

TEST(Compositor, LabelAtBottomRightCornerIsShiftedInsideAndStaysInBounds) {
  Compositor comp;
  GuardedFrame g(320, 240, 128);
  const std::string text = "People detected: 3";
  const PixelBox free_box = comp.label_box(text, 0.1f, 0.1f, 320, 240);
  const PixelBox box = comp.label_box(text, 0.98f, 0.98f, 320, 240);
  EXPECT_EQ(box.width(), free_box.width());
  EXPECT_EQ(box.height(), free_box.height());
  EXPECT_EQ(box.x1, 320);
  EXPECT_EQ(box.y1, 240);
  comp.draw(g.frame, {}, {{text, 0.98f, 0.98f}, {"x", 1.0f, 1.0f}, {"y", -1.0f, 2.0f}});
  EXPECT_TRUE(g.guards_intact());
  EXPECT_TRUE(g.changed(319, 239, 128));
  EXPECT_TRUE(g.changed(box.x0, box.y0, 128));
  EXPECT_FALSE(g.changed(box.x0 - 1, box.y0 - 1, 128));
}

TEST(Compositor, LabelLargerThanTheFrameIsClipped) {
  Compositor comp;
  GuardedFrame g(16, 8, 0);
  comp.draw(g.frame, {}, {{"a very long label that cannot fit\nand a second line\nand a third", 0.5f, 0.5f}});
  EXPECT_TRUE(g.guards_intact());
  const PixelBox box = comp.label_box("a very long label that cannot fit", 0.5f, 0.5f, 16, 8);
  EXPECT_EQ(box.x0, 0);
  EXPECT_EQ(box.y0, 0);
}

TEST(Compositor, TwoLineLabelIsAboutTwiceAsTall) {
  Compositor comp;
  const int h = 480;
  const PixelBox one = comp.label_box("Hello", 0.1f, 0.1f, 640, h);
  const PixelBox two = comp.label_box("Hello\nWorld", 0.1f, 0.1f, 640, h);
  const int pad = m::label_padding(m::text_pixel_size(h));
  EXPECT_EQ(two.height() - 2 * pad, 2 * (one.height() - 2 * pad));
  const double ratio = static_cast<double>(two.height()) / one.height();
  EXPECT_GT(ratio, 1.6);
  EXPECT_LT(ratio, 2.05);

  // The drawn pixels agree with the measured boxes.
  GuardedFrame a(640, h, 200), b(640, h, 200);
  comp.draw(a.frame, {}, {{"Hello", 0.1f, 0.1f}});
  comp.draw(b.frame, {}, {{"Hello\nWorld", 0.1f, 0.1f}});
  const PixelBox da = a.changed_box(200), db = b.changed_box(200);
  EXPECT_EQ(da.y0, one.y0);
  EXPECT_EQ(da.height(), one.height());
  EXPECT_EQ(db.height(), two.height());
}

TEST(Compositor, TextIsBrightOnADarkBacking) {
  Compositor comp;
  GuardedFrame g(320, 240, 128);
  comp.draw(g.frame, {}, {{"HELLO", 0.1f, 0.1f}});
  const PixelBox box = comp.label_box("HELLO", 0.1f, 0.1f, 320, 240);
  const uint8_t backing = m::darken_channel(128);
  EXPECT_LT(backing, 70);
  int bright = 0, dark = 0;
  for (int y = box.y0; y < box.y1; ++y)
    for (int x = box.x0; x < box.x1; ++x) {
      const uint8_t* p = g.px(x, y);
      if (p[0] >= 240 && p[1] >= 240 && p[2] >= 240) ++bright;
      if (p[0] == backing && p[1] == backing && p[2] == backing) ++dark;
    }
  EXPECT_GT(bright, 20);  // solid glyph strokes reach white
  EXPECT_GT(dark, box.width() * box.height() / 3);  // most of the box is backing
  // Outside the box nothing changed.
  EXPECT_FALSE(g.changed(box.x1, box.y1, 128));
  EXPECT_FALSE(g.changed(box.x0 - 1, box.y0, 128));
  EXPECT_TRUE(g.guards_intact());
}

TEST(Compositor, TextSizeGrowsWithFrameHeight) {
  EXPECT_EQ(m::text_pixel_size(240), 12);
  EXPECT_EQ(m::text_pixel_size(1080), 33);
  Compositor comp;
  const PixelBox small = comp.label_box("Hello", 0, 0, 1920, 480);
  const PixelBox large = comp.label_box("Hello", 0, 0, 1920, 1080);
  EXPECT_GT(large.height(), small.height() * 3 / 2);
}

TEST(Compositor, EmptyLabelDrawsNothing) {
  Compositor comp;
  GuardedFrame g(64, 48, 7);
  comp.draw(g.frame, {}, {{"", 0.5f, 0.5f}});
  EXPECT_LE(g.changed_box(7).width(), 0);  // no pixel changed
}

TEST(Compositor, MissingFontIsNotFound) {
  try {
    Compositor comp("/nonexistent/font.ttf");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/font.ttf"), std::string::npos);
  }
}

TEST(Compositor, FileThatIsNotAFontIsInvalidArgument) {
  const std::string path = testing::TempDir() + "not_a_font.ttf";
  std::ofstream(path) << "this is not a font";
  try {
    Compositor comp(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

TEST(Compositor, FrameWithoutPixelsIsRejected) {
  Compositor comp;
  Frame empty;
  EXPECT_THROW(comp.draw(empty, {{0, 0, 1, 1}}, {}), Error);
}

TEST(FontAtlas, DecodesUtf8AndReplacesMalformedBytes) {
  EXPECT_EQ(decode_utf8("a\xc3\xa9"), (std::vector<char32_t>{U'a', 0xE9}));
  EXPECT_EQ(decode_utf8("\xe2\x82\xac"), (std::vector<char32_t>{0x20AC}));
  EXPECT_EQ(decode_utf8("\xff" "b"), (std::vector<char32_t>{0xFFFD, U'b'}));
  EXPECT_EQ(decode_utf8("\xc3"), (std::vector<char32_t>{0xFFFD}));
  EXPECT_EQ(decode_utf8("\xc0\xaf"), (std::vector<char32_t>{0xFFFD}));  // overlong '/'
}

TEST(DrawMath, BlendAndThickness) {
  EXPECT_EQ(m::blend_channel(0, 255, 255), 255);
  EXPECT_EQ(m::blend_channel(100, 255, 0), 100);
  EXPECT_EQ(m::blend_channel(0, 255, 128), 128);
  EXPECT_EQ(m::rect_thickness(1920, 1080), 4);
  EXPECT_EQ(m::rect_thickness(320, 240), 2);
  EXPECT_EQ(m::norm_to_px(-1.0f, 100), 0);
  EXPECT_EQ(m::norm_to_px(2.0f, 100), 100);
}
