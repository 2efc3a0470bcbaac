// preprocess_cuda on 1080p frames (BGR and NV12) -> 512x512 float32 NCHW, batch 1 and 8: frames/s,
// its share of the device-to-device copy bandwidth measured in the same run (bytes: the whole source
// frame read + the tensor written), the host<->device copies made inside the timed loops (0 expected:
// frames and tensors stay on the device), and the largest GPU-vs-CPU difference of each kernel.
// Launch variants (block shapes, the first per-pixel-taps version, yuv_to_bgr pixels per thread) are
// timed side by side in the same run, so one GPU run says which is best.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "gpu/device_image.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

using namespace panorama;
using namespace panorama::testing;

namespace {

constexpr int kWidth = 1920, kHeight = 1080, kMaxBatch = 8;

PreprocessParams model_input() {
  PreprocessParams p;
  p.out_width = p.out_height = 512;
  p.mean[0] = 0.485f, p.mean[1] = 0.456f, p.mean[2] = 0.406f;
  p.std[0] = 0.229f, p.std[1] = 0.224f, p.std[2] = 0.225f;
  return p;
}

size_t frame_bytes(PixelFormat f) {
  return static_cast<size_t>(kWidth) * kHeight * (f == PixelFormat::NV12 ? 3 : 6) / 2;
}

// max |gpu - cpu| of preprocess on one frame.
double preprocess_diff(const HostImage& host, const DeviceImage& dev, const PreprocessParams& p, const CudaStream& s,
                       const PreprocessCudaLaunch& launch = {}) {
  const size_t bytes = preprocess_output_bytes(p);
  DeviceBuffer out(bytes);
  preprocess_cuda(&dev.view, 1, p, out.data(), bytes, s.get(), launch);
  std::vector<float> gpu(bytes / 4), cpu(bytes / 4);
  copy_device_to_host(gpu.data(), out.data(), bytes, s.get());
  s.synchronize();
  preprocess_cpu(host.view(), p, cpu.data(), bytes);
  double worst = 0;
  for (size_t i = 0; i < cpu.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(gpu[i]) - cpu[i]));
  return worst;
}

// The CPU variant on the same frame, for the speed-up (preprocess_cpu's default thread count).
double cpu_frames_per_s(const HostImage& host, const PreprocessParams& p) {
  std::vector<float> out(preprocess_output_bytes(p) / 4);
  const int frames = 20;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < frames; ++i) preprocess_cpu(host.view(), p, out.data(), out.size() * 4);
  return frames / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// max |gpu - cpu| of yuv_to_bgr on one frame, and its ms per frame.
void yuv_to_bgr_figures(const HostImage& host, const DeviceImage& dev, const CudaStream& s, int pixels_per_thread,
                        int* diff, double* ms) {
  const size_t stride = static_cast<size_t>(kWidth) * 3, bytes = stride * kHeight;
  DeviceBuffer out(bytes);
  *ms = bench::ms_per_call(
      s, 200, [&] { yuv_to_bgr_cuda(dev.view, false, out.as<uint8_t>(), stride, s.get(), pixels_per_thread); });
  std::vector<uint8_t> gpu(bytes), cpu(bytes);
  copy_device_to_host(gpu.data(), out.data(), bytes, s.get());
  s.synchronize();
  yuv_to_bgr_cpu(host.view(), false, cpu.data(), stride);
  *diff = 0;
  for (size_t i = 0; i < bytes; ++i) *diff = std::max(*diff, std::abs(gpu[i] - cpu[i]));
}

// The launch shapes compared side by side; the first row is preprocess_cuda's default.
std::vector<std::pair<std::string, PreprocessCudaLaunch>> launch_variants() {
  std::vector<std::pair<std::string, PreprocessCudaLaunch>> v;
  const PreprocessCudaLaunch d;
  v.emplace_back("default: tiled " + std::to_string(d.block_width) + "x" + std::to_string(d.block_height) + " rows " +
                     std::to_string(d.rows_per_thread),
                 d);
  const int shapes[][3] = {{32, 8, 1}, {32, 8, 4}, {32, 4, 4},  {64, 4, 1},
                           {64, 4, 2}, {64, 4, 4}, {128, 2, 4}, {128, 4, 2}};
  for (const auto& s : shapes) {
    if (s[0] == d.block_width && s[1] == d.block_height && s[2] == d.rows_per_thread) continue;
    PreprocessCudaLaunch l;
    l.block_width = s[0], l.block_height = s[1], l.rows_per_thread = s[2];
    v.emplace_back("tiled " + std::to_string(s[0]) + "x" + std::to_string(s[1]) + " rows " + std::to_string(s[2]), l);
  }
  PreprocessCudaLaunch in_loop = d;
  in_loop.early_loads = false;
  v.emplace_back("default shape, loads inside the taps' loop", in_loop);
  PreprocessCudaLaunch first;
  first.per_pixel_taps = true;
  v.emplace_back("first version: per-pixel taps 32x8", first);
  return v;
}

// Frames of one format, on the host (for the CPU oracle) and on the device.
struct Frames {
  std::vector<HostImage> hosts;
  std::vector<std::unique_ptr<DeviceImage>> devs;
  std::vector<ImageView> views;
};

Frames make_frames(PixelFormat format, const CudaStream& stream) {
  Frames f;
  for (int i = 0; i < kMaxBatch; ++i) {
    f.hosts.push_back(make_image(format, kWidth, kHeight, i + 1));
    f.devs.push_back(std::make_unique<DeviceImage>(f.hosts.back(), stream.get()));
    f.views.push_back(f.devs.back()->view);
  }
  return f;
}

// Share of the D2D copy bandwidth of frames/s of `format` frames.
double share_of_d2d(PixelFormat format, double fps, size_t item_bytes, double d2d) {
  return 100.0 * fps * static_cast<double>(frame_bytes(format) + item_bytes) / d2d;
}

int run() {
  const std::string missing = cuda_unavailable_reason();
  if (!missing.empty()) {
    std::printf("GPU benchmark skipped: %s\n", missing.c_str());
    return 0;
  }
  const CudaDeviceInfo dev = cuda_devices().front();
  std::printf("device: %s (compute capability %d.%d, %d SMs, %.1f GiB)\n\n", dev.name.c_str(), dev.major, dev.minor,
              dev.multiprocessors, static_cast<double>(dev.total_memory_bytes) / (1u << 30));
  CudaStream stream;
  const double d2d = bench::d2d_copy_bytes_per_s(stream);
  std::printf("baseline: cudaMemcpy device to device, 256 MiB: %.0f GB/s (read + written)\n\n", d2d / 1e9);

  const PreprocessParams params = model_input();
  const size_t item_bytes = preprocess_output_bytes(params);
  DeviceBuffer out(item_bytes * kMaxBatch);
  const auto ms_per_batch = [&](const Frames& f, int batch, const PreprocessCudaLaunch& launch) {
    return bench::ms_per_call(stream, batch == 1 ? 500 : 200, [&] {
      preprocess_cuda(f.views.data(), batch, params, out.data(), out.size(), stream.get(), launch);
    });
  };
  std::printf("bytes per frame: the whole source frame read + the tensor written\n\n");
  std::printf("| preprocess 1080p -> 512x512 fp32 NCHW | batch | frames/s | ms/batch | GB/s | share of D2D copy |\n");
  std::printf("|---|---|---|---|---|---|\n");
  const PixelFormat formats[] = {PixelFormat::BGR, PixelFormat::NV12};
  std::vector<Frames> frames;
  for (PixelFormat format : formats) frames.push_back(make_frames(format, stream));
  std::vector<std::pair<std::string, double>> diffs;
  std::vector<std::pair<std::string, double>> cpu_fps;
  uint64_t hot_path_copies = 0;
  for (size_t fi = 0; fi < frames.size(); ++fi) {
    const PixelFormat format = formats[fi];
    const char* name = format == PixelFormat::NV12 ? "NV12" : "BGR";
    for (int batch : {1, kMaxBatch}) {
      reset_host_device_copy_counts();
      const double ms = ms_per_batch(frames[fi], batch, {});
      const HostDeviceCopyCounts c = host_device_copy_counts();
      hot_path_copies += c.host_to_device + c.device_to_host;
      const double fps = batch / (ms * 1e-3);
      const double bytes_per_s = fps * static_cast<double>(frame_bytes(format) + item_bytes);
      std::printf("| %s | %d | %.0f | %.3f | %.0f | %.0f%% |\n", name, batch, fps, ms, bytes_per_s / 1e9,
                  100.0 * bytes_per_s / d2d);
    }
    diffs.emplace_back(std::string("preprocess ") + name + " (float32)",
                       preprocess_diff(frames[fi].hosts[0], *frames[fi].devs[0], params, stream));
    cpu_fps.emplace_back(name, cpu_frames_per_s(frames[fi].hosts[0], params));
  }

  // Host side of one call (checks, plans, launch) without waiting for the GPU: when it exceeds the
  // kernel time, batch 1 measures the host, not the kernel.
  const int calls = 500;
  const auto host_start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i)
    preprocess_cuda(frames[0].views.data(), 1, params, out.data(), out.size(), stream.get());
  const double host_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count();
  stream.synchronize();
  std::printf("\nhost time of one preprocess_cuda call (batch 1 BGR: checks + launch, not waiting): %.1f us\n",
              1e6 * host_s / calls);

  std::printf("\n| launch variant (share of D2D copy) | BGR 1 | BGR 8 | NV12 1 | NV12 8 |"
              " max abs GPU - CPU BGR, NV12 |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& [label, launch] : launch_variants()) {
    std::printf("| %s |", label.c_str());
    for (size_t fi = 0; fi < frames.size(); ++fi)
      for (int batch : {1, kMaxBatch}) {
        const double fps = batch / (ms_per_batch(frames[fi], batch, launch) * 1e-3);
        std::printf(" %.0f%% |", share_of_d2d(formats[fi], fps, item_bytes, d2d));
      }
    std::printf(" %.3g, %.3g |\n", preprocess_diff(frames[0].hosts[0], *frames[0].devs[0], params, stream, launch),
                preprocess_diff(frames[1].hosts[0], *frames[1].devs[0], params, stream, launch));
  }

  std::printf("\n");
  for (int pixels_per_thread : {4, 1}) {
    int diff = 0;
    double ms = 0;
    yuv_to_bgr_figures(frames[1].hosts[0], *frames[1].devs[0], stream, pixels_per_thread, &diff, &ms);
    const double bytes_per_s = (frame_bytes(PixelFormat::NV12) + frame_bytes(PixelFormat::BGR)) / (ms * 1e-3);
    std::printf("yuv_to_bgr_cuda NV12 -> BGR 1080p, %d pixel(s) a thread%s: %.0f frames/s, %.0f GB/s, "
                "%.0f%% of D2D copy\n",
                pixels_per_thread, pixels_per_thread == 4 ? " (default)" : " (first version)", 1e3 / ms,
                bytes_per_s / 1e9, 100.0 * bytes_per_s / d2d);
    diffs.emplace_back("yuv_to_bgr NV12 (uint8), " + std::to_string(pixels_per_thread) + " pixel(s) a thread", diff);
  }
  for (const auto& [name, fps] : cpu_fps)
    std::printf("preprocess_cpu %s 1080p on this host (default threads): %.0f frames/s\n", name.c_str(), fps);
  std::printf("\n| kernel | max abs GPU - CPU difference |\n|---|---|\n");
  for (const auto& [name, diff] : diffs) std::printf("| %s | %.3g |\n", name.c_str(), diff);
  std::printf("\nhost<->device copies inside the timed preprocess loops: %llu (goal 0)\n",
              static_cast<unsigned long long>(hot_path_copies));
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_preprocess_cuda: %s\n", e.what());
    return 1;
  }
}
