// The overlay compositor on a 1080p BGR frame with 50 boxes + 50 labels ("Person 0.87" at each box's
// top-left, as the people counter draws them): OverlayDrawerCuda (the draw list's upload + one kernel,
// timed by CUDA events) against draw_overlay_cpu (the CPU compositor's drawing, one thread) on the same
// frame and draw list, ms per frame and the speed-up; the layout both need (overlay_draw_list, on the
// host); the GPU-vs-CPU difference (expected 0: the same integer maths); the host<->device copies a
// frame. Glyphs are synthetic, sized like the 1080p font (33 px), so no FreeType is needed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "overlay/overlay_scenes.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_cuda.hpp"

using namespace panorama;
using namespace panorama::testing;

namespace {

constexpr int kWidth = 1920, kHeight = 1080, kBoxes = 50;

// Person-sized boxes anywhere in the frame, each with its label at the top-left corner.
OverlayScene people_scene() {
  std::mt19937 rng(2024);
  std::uniform_real_distribution<float> pos(0.0f, 0.9f), w(0.04f, 0.15f), h(0.15f, 0.5f), score(0.5f, 0.99f);
  OverlayScene s;
  for (int i = 0; i < kBoxes; ++i) {
    const float x = pos(rng), y = pos(rng);
    s.rects.push_back({x, y, std::min(1.0f, x + w(rng)), std::min(1.0f, y + h(rng))});
    char text[32];
    std::snprintf(text, sizeof text, "Person %.2f", static_cast<double>(score(rng)));
    s.labels.push_back({text, x, y});
  }
  return s;
}

double seconds_per_call(int calls, const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

int run() {
  const std::string missing = cuda_unavailable_reason();
  if (!missing.empty()) {
    std::printf("GPU benchmark skipped: %s\n", missing.c_str());
    return 0;
  }
  const GlyphAtlas atlas = synthetic_atlas(overlay_math::text_pixel_size(kHeight), 1);
  const OverlayScene scene = people_scene();
  std::vector<DrawItem> items;
  const double layout_s =
      seconds_per_call(200, [&] { items = overlay_draw_list(scene.rects, scene.labels, atlas, kWidth, kHeight); });
  size_t glyphs = 0;
  for (const auto& it : items) glyphs += it.op == DrawOp::Glyph;

  const GuardedFrame host(kWidth, kHeight, 0, 7);
  CudaStream stream;
  DeviceBuffer device(host.buffer.size());
  copy_host_to_device(device.data(), host.buffer.data(), host.buffer.size(), stream.get());
  uint8_t* frame = device.as<uint8_t>() + GuardedFrame::kGuard;
  const size_t stride = host.frame.stride;
  OverlayDrawerCuda drawer;

  // The difference first, on fresh copies of the frame (the timed loops draw over and over).
  drawer.draw(frame, kWidth, kHeight, stride, items, atlas, stream.get());
  std::vector<uint8_t> gpu(host.buffer.size());
  copy_device_to_host(gpu.data(), device.data(), gpu.size(), stream.get());
  stream.synchronize();
  GuardedFrame cpu(host);
  draw_overlay_cpu(cpu.frame, items, atlas);
  size_t differing = 0, changed = 0;
  int max_diff = 0;
  for (size_t i = 0; i < gpu.size(); ++i) {
    differing += gpu[i] != cpu.buffer[i];
    changed += cpu.buffer[i] != host.buffer[i];
    max_diff = std::max(max_diff, std::abs(gpu[i] - cpu.buffer[i]));
  }

  reset_host_device_copy_counts();
  const uint64_t uploads_before = drawer.atlas_uploads();
  const int frames = 500;
  const double gpu_ms = bench::ms_per_call(stream, frames, [&] {
    drawer.draw(frame, kWidth, kHeight, stride, items, atlas, stream.get());
  });
  const HostDeviceCopyCounts copies = host_device_copy_counts();
  const uint64_t calls = frames + 3;  // ms_per_call warms up with 3
  const double host_s = seconds_per_call(200, [&] {
    drawer.draw(frame, kWidth, kHeight, stride, items, atlas, stream.get());
  });
  stream.synchronize();

  GuardedFrame cpu_frame(host);
  const double cpu_s = seconds_per_call(20, [&] { draw_overlay_cpu(cpu_frame.frame, items, atlas); });

  const CudaDeviceInfo dev = cuda_devices().front();
  std::printf("device: %s; overlay 1080p BGR, %d boxes + %d labels: %zu draw items (%zu glyphs), synthetic "
              "33 px glyphs\n\n",
              dev.name.c_str(), kBoxes, kBoxes, items.size(), glyphs);
  std::printf("| overlay 1080p, %d boxes + %d labels | ms/frame | frames/s |\n|---|---|---|\n", kBoxes, kBoxes);
  std::printf("| GPU: OverlayDrawerCuda (draw list upload + 1 kernel, CUDA events) | %.3f | %.0f |\n", gpu_ms,
              1e3 / gpu_ms);
  std::printf("| GPU: host side of one draw call (checks, staging, launch; not waiting) | %.3f | |\n", 1e3 * host_s);
  std::printf("| CPU: draw_overlay_cpu (the compositor's drawing, 1 thread) | %.3f | %.0f |\n", 1e3 * cpu_s,
              1.0 / cpu_s);
  std::printf("| host: overlay_draw_list (layout, needed by both) | %.3f | |\n", 1e3 * layout_s);
  std::printf("\noverlay speed-up GPU vs CPU: drawing %.1fx; with the layout %.1fx\n", 1e3 * cpu_s / gpu_ms,
              (cpu_s + layout_s) / (gpu_ms * 1e-3 + layout_s));
  std::printf("overlay max abs GPU - CPU difference: %d (%zu of %zu bytes differ; %zu bytes drawn)\n", max_diff,
              differing, gpu.size(), changed);
  std::printf("overlay host<->device copies a frame: %.2f host-to-device (the draw list, %.0f bytes), %.2f "
              "device-to-host; atlas uploads in the timed loop: %llu\n",
              static_cast<double>(copies.host_to_device) / calls,
              static_cast<double>(copies.host_to_device_bytes) / calls,
              static_cast<double>(copies.device_to_host) / calls,
              static_cast<unsigned long long>(drawer.atlas_uploads() - uploads_before));
  return differing == 0 ? 0 : 1;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_draw_cuda: %s\n", e.what());
    return 1;
  }
}
