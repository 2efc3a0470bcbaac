// preprocess_cuda on 1080p frames (BGR and NV12) -> 512x512 float32 NCHW, batch 1 and 8: frames/s,
// its share of the device-to-device copy bandwidth measured in the same run (bytes: the whole source
// frame read + the tensor written), the host<->device copies made inside the timed loops (0 expected:
// frames and tensors stay on the device), and the largest GPU-vs-CPU difference of each kernel.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
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
double preprocess_diff(const HostImage& host, const DeviceImage& dev, const PreprocessParams& p, const CudaStream& s) {
  const size_t bytes = preprocess_output_bytes(p);
  DeviceBuffer out(bytes);
  preprocess_cuda(&dev.view, 1, p, out.data(), bytes, s.get());
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
void yuv_to_bgr_figures(const HostImage& host, const DeviceImage& dev, const CudaStream& s, int* diff, double* ms) {
  const size_t stride = static_cast<size_t>(kWidth) * 3, bytes = stride * kHeight;
  DeviceBuffer out(bytes);
  *ms = bench::ms_per_call(s, 200, [&] { yuv_to_bgr_cuda(dev.view, false, out.as<uint8_t>(), stride, s.get()); });
  std::vector<uint8_t> gpu(bytes), cpu(bytes);
  copy_device_to_host(gpu.data(), out.data(), bytes, s.get());
  s.synchronize();
  yuv_to_bgr_cpu(host.view(), false, cpu.data(), stride);
  *diff = 0;
  for (size_t i = 0; i < bytes; ++i) *diff = std::max(*diff, std::abs(gpu[i] - cpu[i]));
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
  std::printf("bytes per frame: the whole source frame read + the tensor written\n\n");
  std::printf("| preprocess 1080p -> 512x512 fp32 NCHW | batch | frames/s | ms/batch | GB/s | share of D2D copy |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::vector<std::pair<std::string, double>> diffs;
  std::vector<std::pair<std::string, double>> cpu_fps;
  uint64_t hot_path_copies = 0;
  for (PixelFormat format : {PixelFormat::BGR, PixelFormat::NV12}) {
    const char* name = format == PixelFormat::NV12 ? "NV12" : "BGR";
    std::vector<HostImage> hosts;
    std::vector<std::unique_ptr<DeviceImage>> devs;
    std::vector<ImageView> views;
    for (int i = 0; i < kMaxBatch; ++i) {
      hosts.push_back(make_image(format, kWidth, kHeight, i + 1));
      devs.push_back(std::make_unique<DeviceImage>(hosts.back(), stream.get()));
      views.push_back(devs.back()->view);
    }
    for (int batch : {1, kMaxBatch}) {
      reset_host_device_copy_counts();
      const double ms = bench::ms_per_call(stream, batch == 1 ? 500 : 200, [&] {
        preprocess_cuda(views.data(), batch, params, out.data(), out.size(), stream.get());
      });
      const HostDeviceCopyCounts c = host_device_copy_counts();
      hot_path_copies += c.host_to_device + c.device_to_host;
      const double fps = batch / (ms * 1e-3);
      const double bytes_per_s = fps * static_cast<double>(frame_bytes(format) + item_bytes);
      std::printf("| %s | %d | %.0f | %.3f | %.0f | %.0f%% |\n", name, batch, fps, ms, bytes_per_s / 1e9,
                  100.0 * bytes_per_s / d2d);
    }
    diffs.emplace_back(std::string("preprocess ") + name + " (float32)",
                       preprocess_diff(hosts[0], *devs[0], params, stream));
    cpu_fps.emplace_back(name, cpu_frames_per_s(hosts[0], params));
    if (format == PixelFormat::NV12) {
      int diff = 0;
      double ms = 0;
      yuv_to_bgr_figures(hosts[0], *devs[0], stream, &diff, &ms);
      const double bytes_per_s = (frame_bytes(PixelFormat::NV12) + frame_bytes(PixelFormat::BGR)) / (ms * 1e-3);
      std::printf("\nyuv_to_bgr_cuda NV12 -> BGR 1080p: %.0f frames/s, %.0f GB/s, %.0f%% of D2D copy\n", 1e3 / ms,
                  bytes_per_s / 1e9, 100.0 * bytes_per_s / d2d);
      diffs.emplace_back("yuv_to_bgr NV12 (uint8)", diff);
    }
  }
  for (const auto& [name, fps] : cpu_fps)
    std::printf("preprocess_cpu %s 1080p on this host (default threads): %.0f frames/s\n", name.c_str(), fps);
  std::printf("\n| kernel | max abs GPU - CPU difference |\n|---|---|\n");
  for (const auto& [name, diff] : diffs) std::printf("| %s | %.3g |\n", name.c_str(), diff);
  std::printf("\nhost<->device copies inside the timed preprocess loops: %llu (goal 0)\n",
              static_cast<unsigned long long>(hot_path_copies));
  std::printf("NVDEC decode figures: not built yet (later slice)\n");
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
