// OverlayDrawerCuda against draw_overlay_cpu (the oracle): EXACTLY equal bytes. Every value is integer
// maths from draw_math.hpp, so there is no rounding to tolerate. Frames live in device buffers with
// guard bytes and padded rows, and the whole buffer is compared, so a write outside the frame fails.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "gpu/gpu_test.hpp"
#include "overlay/overlay_scenes.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_cuda.hpp"
#if PANORAMA_WITH_MEDIA
#include "panoramasdk/overlay/compositor.hpp"
#endif

using namespace panorama;
using namespace panorama::testing;
namespace m = panorama::overlay_math;

namespace {

// A guarded host frame's whole buffer on the device.
struct DeviceFrameCopy {
  DeviceBuffer buffer;
  Frame frame;  // data points into `buffer`

  DeviceFrameCopy(const GuardedFrame& host, CudaStreamHandle stream) : buffer(host.buffer.size()), frame(host.frame) {
    copy_host_to_device(buffer.data(), host.buffer.data(), host.buffer.size(), stream);
    frame.data = buffer.as<uint8_t>() + GuardedFrame::kGuard;
  }
  std::vector<uint8_t> download(CudaStreamHandle stream) const {
    std::vector<uint8_t> out(buffer.size());
    copy_device_to_host(out.data(), buffer.data(), buffer.size(), stream);
    return out;
  }
};

size_t differing_bytes(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  size_t n = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] != b[i];
  return n;
}

// Draws `items` on copies of one frame on the GPU and on the CPU; returns the differing bytes.
size_t gpu_vs_cpu(OverlayDrawerCuda& drawer, const GuardedFrame& host, const std::vector<DrawItem>& items,
                  const GlyphAtlas& atlas, const CudaStream& stream) {
  DeviceFrameCopy dev(host, stream.get());
  drawer.draw(dev.frame.data, dev.frame.width, dev.frame.height, dev.frame.stride, items, atlas, stream.get());
  const std::vector<uint8_t> gpu = dev.download(stream.get());
  stream.synchronize();
  GuardedFrame cpu(host);
  draw_overlay_cpu(cpu.frame, items, atlas);
  return differing_bytes(gpu, cpu.buffer);
}

}  // namespace

TEST(DrawOverlayCuda, RandomScenesEqualTheCpuExactly) {
  PANORAMA_REQUIRE_GPU();
  CudaStream stream;
  OverlayDrawerCuda drawer;
  std::mt19937 rng(17);
  // 1080p with 50 boxes + 50 labels, odd sizes (partial tiles), padded and unpadded rows, a tiny frame.
  const int sizes[][4] = {{1920, 1080, 0, 50}, {641, 481, 5, 30}, {333, 177, 1, 20}, {31, 9, 3, 8}, {1280, 720, 64, 50}};
  for (const auto& s : sizes) {
    const GlyphAtlas atlas = synthetic_atlas(m::text_pixel_size(s[1]), static_cast<unsigned>(s[0]));
    const OverlayScene scene = random_scene(rng, s[3], s[3]);
    const std::vector<DrawItem> items = overlay_draw_list(scene.rects, scene.labels, atlas, s[0], s[1]);
    const GuardedFrame host(s[0], s[1], static_cast<size_t>(s[2]), 99);
    EXPECT_EQ(gpu_vs_cpu(drawer, host, items, atlas, stream), 0u) << s[0] << "x" << s[1] << ", " << items.size() << " items";
  }
}

TEST(DrawOverlayCuda, HundredsOfOverlappingItemsOnOneTileStackInOrder) {
  PANORAMA_REQUIRE_GPU();
  // 300 labels on one spot: more items touch each tile than one chunk (256) holds, and each darkening
  // and glyph blend depends on the ones before it.
  CudaStream stream;
  OverlayDrawerCuda drawer;
  const GlyphAtlas atlas = synthetic_atlas(m::text_pixel_size(240), 5);
  std::vector<LabelOverlay> labels;
  for (int i = 0; i < 300; ++i) labels.push_back({std::string(1, static_cast<char>('A' + i % 26)) + "W", 0.1f, 0.1f});
  std::vector<RectOverlay> rects(40, RectOverlay{0.05f, 0.05f, 0.3f, 0.3f});
  const std::vector<DrawItem> items = overlay_draw_list(rects, labels, atlas, 320, 240);
  ASSERT_GT(items.size(), 900u);
  const GuardedFrame host(320, 240, 0, 4);
  EXPECT_EQ(gpu_vs_cpu(drawer, host, items, atlas, stream), 0u);
}

TEST(DrawOverlayCuda, AtlasIsUploadedOnceAndAgainOnlyWhenGlyphsAreAdded) {
  PANORAMA_REQUIRE_GPU();
  CudaStream stream;
  OverlayDrawerCuda drawer;
  GlyphAtlas atlas = synthetic_atlas(20, 8);
  std::mt19937 rng(2);
  const GuardedFrame host(640, 480, 0, 1);
  for (int frame = 0; frame < 3; ++frame) {
    const OverlayScene scene = random_scene(rng, 10, 10);
    EXPECT_EQ(gpu_vs_cpu(drawer, host, overlay_draw_list(scene.rects, scene.labels, atlas, 640, 480), atlas, stream), 0u);
  }
  EXPECT_EQ(drawer.atlas_uploads(), 1u);
  const std::vector<uint8_t> block(12 * 14, 200);
  atlas.add(0xE9, 12, 14, 1, 14, 13, block.data());  // "é" now has its own glyph
  EXPECT_EQ(gpu_vs_cpu(drawer, host, overlay_draw_list({}, {{"caf\xc3\xa9", 0.2f, 0.2f}}, atlas, 640, 480), atlas, stream),
            0u);
  EXPECT_EQ(drawer.atlas_uploads(), 2u);
}

TEST(DrawOverlayCuda, CopiesOnlyTheDrawListToTheDeviceAndNothingBack) {
  PANORAMA_REQUIRE_GPU();
  CudaStream stream;
  OverlayDrawerCuda drawer;
  const GlyphAtlas atlas = synthetic_atlas(33, 3);
  std::mt19937 rng(9);
  const OverlayScene scene = random_scene(rng, 50, 50);
  const std::vector<DrawItem> items = overlay_draw_list(scene.rects, scene.labels, atlas, 1920, 1080);
  const GuardedFrame host(1920, 1080, 0, 6);
  DeviceFrameCopy dev(host, stream.get());
  drawer.draw(dev.frame.data, 1920, 1080, dev.frame.stride, items, atlas, stream.get());  // uploads the atlas
  stream.synchronize();
  reset_host_device_copy_counts();
  for (int i = 0; i < 5; ++i) drawer.draw(dev.frame.data, 1920, 1080, dev.frame.stride, items, atlas, stream.get());
  stream.synchronize();
  const HostDeviceCopyCounts c = host_device_copy_counts();
  EXPECT_EQ(c.host_to_device, 5u);
  EXPECT_EQ(c.host_to_device_bytes, 5 * items.size() * sizeof(DrawItem));
  EXPECT_EQ(c.device_to_host, 0u);
}

TEST(DrawOverlayCuda, DrawsInOrderAcrossStreamsReusingItsBuffers) {
  PANORAMA_REQUIRE_GPU();
  // Frames alternate between two streams; each draw list overwrites the buffers the previous one used.
  CudaStream a, b;
  OverlayDrawerCuda drawer;
  const GlyphAtlas atlas = synthetic_atlas(m::text_pixel_size(360), 12);
  std::mt19937 rng(21);
  const GuardedFrame host(640, 360, 0, 8);
  std::vector<std::unique_ptr<DeviceFrameCopy>> frames;
  std::vector<std::vector<DrawItem>> lists;
  for (int i = 0; i < 6; ++i) {
    const CudaStream& s = i % 2 ? b : a;
    const OverlayScene scene = random_scene(rng, 5 + 20 * i, 5 + 10 * i);  // growing lists reallocate
    lists.push_back(overlay_draw_list(scene.rects, scene.labels, atlas, 640, 360));
    frames.push_back(std::make_unique<DeviceFrameCopy>(host, s.get()));
    drawer.draw(frames.back()->frame.data, 640, 360, host.frame.stride, lists.back(), atlas, s.get());
  }
  a.synchronize();
  b.synchronize();
  for (int i = 0; i < 6; ++i) {
    GuardedFrame cpu(host);
    draw_overlay_cpu(cpu.frame, lists[i], atlas);
    const std::vector<uint8_t> gpu = frames[i]->download(a.get());
    a.synchronize();
    EXPECT_EQ(differing_bytes(gpu, cpu.buffer), 0u) << "frame " << i;
  }
}

TEST(DrawOverlayCuda, RejectsHostFramesAndBadItemsNamingThem) {
  PANORAMA_REQUIRE_GPU();
  CudaStream stream;
  OverlayDrawerCuda drawer;
  const GlyphAtlas atlas = synthetic_atlas(12, 1);
  GuardedFrame host(64, 48, 0, 1);
  DrawItem outline;
  outline.box = {0, 0, 10, 10};
  outline.thickness = 2;
  try {
    drawer.draw(host.frame.data, 64, 48, host.frame.stride, {outline}, atlas, stream.get());
    FAIL() << "a host frame was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("overlay frame"), std::string::npos) << e.what();
  }
  DeviceFrameCopy dev(host, stream.get());
  DrawItem glyph;
  glyph.op = DrawOp::Glyph;
  glyph.box = {0, 0, 8, 8};
  glyph.atlas_y = atlas.height();  // below the bitmap
  try {
    drawer.draw(dev.frame.data, 64, 48, dev.frame.stride, {outline, glyph}, atlas, stream.get());
    FAIL() << "a glyph outside the atlas was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("item 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(drawer.draw(dev.frame.data, 64, 48, 100, {outline}, atlas, stream.get()), Error);  // stride < 64 * 3
  // An empty list leaves the frame as it was.
  drawer.draw(dev.frame.data, 64, 48, dev.frame.stride, {}, atlas, stream.get());
  EXPECT_EQ(differing_bytes(dev.download(stream.get()), host.buffer), 0u);
}

#if PANORAMA_WITH_MEDIA
TEST(DrawOverlayCuda, RealFontEqualsTheCompositorExactly) {
  PANORAMA_REQUIRE_GPU();
  std::string font;
  try {
    font = default_font_path();  // DejaVu Sans
  } catch (const Error& e) {
    GTEST_SKIP() << "no font for the compositor: " << e.what();
  }
  Compositor comp(font);
  CudaStream stream;
  OverlayDrawerCuda drawer;
  std::mt19937 rng(33);
  for (const auto& [w, h] : {std::pair{1920, 1080}, std::pair{640, 480}, std::pair{333, 177}}) {
    const OverlayScene scene = random_scene(rng, 50, 50);
    std::vector<std::string> texts;
    for (const auto& l : scene.labels) texts.push_back(l.text);
    const GlyphAtlas atlas = comp.glyph_atlas(h, texts);
    const GuardedFrame host(w, h, 0, 2);
    DeviceFrameCopy dev(host, stream.get());
    drawer.draw(dev.frame.data, w, h, host.frame.stride, overlay_draw_list(scene.rects, scene.labels, atlas, w, h),
                atlas, stream.get());
    const std::vector<uint8_t> gpu = dev.download(stream.get());
    stream.synchronize();
    GuardedFrame cpu(host);
    comp.draw(cpu.frame, scene.rects, scene.labels);
    EXPECT_EQ(differing_bytes(gpu, cpu.buffer), 0u) << w << "x" << h;
  }
}
#else
TEST(DrawOverlayCuda, RealFontEqualsTheCompositorExactly) {
  GTEST_SKIP() << "built without FreeType (PANORAMA_WITH_MEDIA=OFF): synthetic glyphs only";
}
#endif
