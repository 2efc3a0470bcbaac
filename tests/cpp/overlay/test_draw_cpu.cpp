// The overlay's draw list, glyph atlas and CPU drawing, without a font (built in every configuration).
// The CPU drawing walks clipped boxes and spans; the CUDA kernel applies draw_item_pixel to every pixel.
// DrawOverlayCpu.* proves the two definitions give the same pixels, so the GPU can be held to the CPU.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "overlay/overlay_scenes.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_math.hpp"
#include "panoramasdk/overlay/glyph_atlas.hpp"

using namespace panorama;
using namespace panorama::testing;
namespace m = panorama::overlay_math;

namespace {

// Draws a scene both ways on copies of one frame; returns the number of differing bytes (guards and
// row padding included).
size_t cpu_vs_reference(int width, int height, size_t pad, const OverlayScene& scene, unsigned seed,
                        size_t* item_count = nullptr) {
  const GlyphAtlas atlas = synthetic_atlas(m::text_pixel_size(height), seed);
  const std::vector<DrawItem> items = overlay_draw_list(scene.rects, scene.labels, atlas, width, height);
  if (item_count) *item_count = items.size();
  GuardedFrame cpu(width, height, pad, seed), ref(cpu);
  draw_overlay_cpu(cpu.frame, items, atlas);
  draw_reference(ref.frame, items, atlas);
  size_t differing = 0;
  for (size_t i = 0; i < cpu.buffer.size(); ++i) differing += cpu.buffer[i] != ref.buffer[i];
  return differing;
}

}  // namespace

TEST(DrawOverlayCpu, RandomScenesEqualThePerPixelDefinition) {
  std::mt19937 rng(7);
  const int sizes[][2] = {{320, 240}, {333, 177}, {64, 48}, {17, 9}, {640, 360}};
  for (const auto& size : sizes) {
    for (int round = 0; round < 3; ++round) {
      const OverlayScene scene = random_scene(rng, 40, 12);
      size_t items = 0;
      EXPECT_EQ(cpu_vs_reference(size[0], size[1], 5, scene, 11 + round, &items), 0u)
          << size[0] << "x" << size[1] << " round " << round;
      EXPECT_GT(items, 40u);  // the labels gave glyphs
    }
  }
}

TEST(DrawOverlayCpu, ThickOutlinesOnBoxesSmallerThanTwoBandsAndFrameEdges) {
  // 2160 lines: 9 px bands; boxes 1..20 px wide and tall, at and past every edge.
  OverlayScene scene;
  const float w = 3840, h = 2160;
  for (int i = 1; i <= 20; ++i) {
    scene.rects.push_back({100.0f / w, 100.0f / h, (100.0f + i) / w, (100.0f + 2 * i) / h});
    scene.rects.push_back({(w - i) / w, (h - i) / h, 1.5f, 1.5f});
    scene.rects.push_back({-0.5f, -0.5f, i / w, i / h});
  }
  EXPECT_EQ(m::rect_thickness(3840, 2160), 9);
  EXPECT_EQ(cpu_vs_reference(3840, 2160, 0, scene, 3), 0u);
}

TEST(DrawOverlayCpu, WritesNothingOutsideTheFrame) {
  std::mt19937 rng(5);
  const OverlayScene scene = random_scene(rng, 60, 20);
  const GlyphAtlas atlas = synthetic_atlas(12, 1);
  const std::vector<DrawItem> items = overlay_draw_list(scene.rects, scene.labels, atlas, 50, 30);
  GuardedFrame g(50, 30, 7, 2), before(g);
  draw_overlay_cpu(g.frame, items, atlas);
  EXPECT_EQ(std::memcmp(g.buffer.data(), before.buffer.data(), GuardedFrame::kGuard), 0);
  const size_t end = GuardedFrame::kGuard + g.frame.size_bytes();
  EXPECT_EQ(std::memcmp(g.buffer.data() + end, before.buffer.data() + end, GuardedFrame::kGuard), 0);
  for (int y = 0; y < 30; ++y) {
    const size_t pad = GuardedFrame::kGuard + y * g.frame.stride + 50 * 3;
    EXPECT_EQ(std::memcmp(&g.buffer[pad], &before.buffer[pad], 7), 0) << "row " << y << " padding";
  }
  EXPECT_NE(std::memcmp(g.buffer.data(), before.buffer.data(), g.buffer.size()), 0);  // it did draw
}

TEST(DrawOverlayCpu, RejectsAFrameWithoutPixels) {
  const GlyphAtlas atlas(12, 10, 15);
  Frame empty;
  EXPECT_THROW(draw_overlay_cpu(empty, {}, atlas), Error);
}

TEST(OverlayDrawList, OutlinesFirstThenEachLabelsBackingAndGlyphsInOrder) {
  const GlyphAtlas atlas = synthetic_atlas(20, 4);
  const std::vector<RectOverlay> rects = {{0.1f, 0.1f, 0.5f, 0.5f}, {0.2f, 0.2f, 0.3f, 0.3f}};
  const std::vector<LabelOverlay> labels = {{"AB", 0.1f, 0.1f}, {"", 0.5f, 0.5f}, {"C\nD", 0.6f, 0.6f}};
  const std::vector<DrawItem> items = overlay_draw_list(rects, labels, atlas, 640, 480);
  std::vector<DrawOp> ops;
  for (const auto& it : items) ops.push_back(it.op);
  using O = DrawOp;
  EXPECT_EQ(ops, (std::vector<O>{O::Outline, O::Outline, O::Darken, O::Glyph, O::Glyph, O::Darken, O::Glyph, O::Glyph}));
  EXPECT_EQ(items[0].thickness, m::rect_thickness(640, 480));
  // Glyphs sit at the pen plus their bearing, on the baseline; the second line one line_height lower.
  const GlyphMetrics* a = atlas.find(U'A');
  const int pad = m::label_padding(20);
  EXPECT_EQ(items[3].box.x0, items[2].box.x0 + pad + a->left);
  EXPECT_EQ(items[3].box.y0, items[2].box.y0 + pad + atlas.ascender() - a->top);
  EXPECT_EQ(items[3].box.width(), a->width);
  EXPECT_EQ(items[3].atlas_x, a->atlas_x);
  EXPECT_EQ(items[4].box.x0, items[2].box.x0 + pad + a->advance + atlas.find(U'B')->left);
  EXPECT_EQ(items[7].box.y0 + atlas.find(U'D')->top - (items[6].box.y0 + atlas.find(U'C')->top), atlas.line_height());
  // The backing: widest line + padding, lines * line_height + padding.
  EXPECT_EQ(items[2].box.width(), a->advance + atlas.find(U'B')->advance + 2 * pad);
  EXPECT_EQ(items[5].box.height(), 2 * atlas.line_height() + 2 * pad);
}

TEST(OverlayDrawList, MissingCodePointsUseTheReplacementGlyphElseHalfThePixelSize) {
  GlyphAtlas atlas(20, 16, 25);
  const uint8_t solid[4] = {255, 255, 255, 255};
  atlas.add(U'a', 2, 2, 0, 2, 7, solid);
  const PixelBox without = label_box("a\xc3\xa9", 0, 0, 640, 480, atlas);  // é: none, no U+FFFD
  EXPECT_EQ(without.width(), 7 + 10 + 2 * m::label_padding(20));
  EXPECT_EQ(overlay_draw_list({}, {{"a\xc3\xa9", 0, 0}}, atlas, 640, 480).size(), 2u);  // backing + 'a'
  atlas.add(0xFFFD, 2, 2, 0, 2, 9, solid);
  const PixelBox with = label_box("a\xc3\xa9", 0, 0, 640, 480, atlas);
  EXPECT_EQ(with.width(), 7 + 9 + 2 * m::label_padding(20));
  const auto items = overlay_draw_list({}, {{"a\xc3\xa9", 0, 0}}, atlas, 640, 480);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].atlas_x, atlas.find(0xFFFD)->atlas_x);
}

TEST(OverlayDrawList, BadItemsAreRejectedNamingTheItem) {
  const GlyphAtlas atlas = synthetic_atlas(12, 9);
  DrawItem glyph;
  glyph.op = DrawOp::Glyph;
  glyph.box = {0, 0, 4, 4};
  glyph.atlas_x = GlyphAtlas::kWidth - 2;  // reaches past the bitmap's right edge
  DrawItem outline;
  outline.box = {0, 0, 4, 4};
  outline.thickness = -1;
  DrawItem unknown;
  unknown.op = static_cast<DrawOp>(7);
  const std::vector<std::pair<DrawItem, std::string>> cases = {
      {glyph, "reaches outside"}, {outline, "thickness"}, {unknown, "unknown op 7"}};
  for (const auto& [item, fragment] : cases) {
    try {
      check_draw_items({DrawItem{}, item}, atlas);
      FAIL() << fragment << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find("item 1"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
}

TEST(GlyphAtlas, PacksGlyphsOnShelvesWithoutOverlapAndKeepsTheirPixels) {
  GlyphAtlas atlas(40, 30, 50);
  std::mt19937 rng(3);
  std::vector<std::vector<uint8_t>> bitmaps;
  uint64_t last_revision = atlas.revision();
  for (char32_t cp = 0; cp < 200; ++cp) {
    const int w = 1 + static_cast<int>(rng() % 40), h = 1 + static_cast<int>(rng() % 40);
    bitmaps.emplace_back(static_cast<size_t>(w) * h);
    for (auto& b : bitmaps.back()) b = static_cast<uint8_t>(rng());
    atlas.add(cp, w, h, 0, 0, w, bitmaps.back().data());
    EXPECT_NE(atlas.revision(), last_revision);
    last_revision = atlas.revision();
  }
  EXPECT_EQ(atlas.glyph_count(), 200u);
  EXPECT_GT(atlas.height(), 40);  // more than one shelf
  std::vector<int> owner(static_cast<size_t>(atlas.width()) * atlas.height(), -1);
  for (char32_t cp = 0; cp < 200; ++cp) {
    const GlyphMetrics* g = atlas.find(cp);
    ASSERT_NE(g, nullptr);
    ASSERT_LE(g->atlas_x + g->width, atlas.width());
    ASSERT_LE(g->atlas_y + g->rows, atlas.height());
    for (int y = 0; y < g->rows; ++y)
      for (int x = 0; x < g->width; ++x) {
        const size_t at = static_cast<size_t>(g->atlas_y + y) * atlas.width() + g->atlas_x + x;
        ASSERT_EQ(owner[at], -1) << "glyphs " << owner[at] << " and " << cp << " overlap";
        owner[at] = static_cast<int>(cp);
        ASSERT_EQ(atlas.bitmap()[at], bitmaps[cp][static_cast<size_t>(y) * g->width + x]);
      }
  }
  EXPECT_EQ(atlas.find(500), nullptr);
}

TEST(GlyphAtlas, RejectsDuplicatesTooWideGlyphsAndBadMetrics) {
  GlyphAtlas atlas(12, 10, 15);
  const std::vector<uint8_t> wide(GlyphAtlas::kWidth + 1, 255);
  atlas.add(U'a', 1, 1, 0, 0, 5, wide.data());
  EXPECT_THROW(atlas.add(U'a', 1, 1, 0, 0, 5, wide.data()), Error);
  EXPECT_THROW(atlas.add(U'b', GlyphAtlas::kWidth + 1, 1, 0, 0, 5, wide.data()), Error);
  EXPECT_THROW(atlas.add(U'c', 2, 2, 0, 0, 5, nullptr), Error);
  EXPECT_THROW(GlyphAtlas(0, 10, 15), Error);
  const GlyphAtlas copy = atlas;  // a copy shares the content, so its revision
  EXPECT_EQ(copy.revision(), atlas.revision());
}
