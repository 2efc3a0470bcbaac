// NVDEC figures for benchmarks/gpu/check.sh: frames/s decoding the 1080p clips (H.264, H.265) on 1, 4
// and 16 concurrent streams (one thread and one decoder each, the clip's bytes in memory, frames
// dropped as they come so the pool recycles them), and the NVDEC-vs-CPU differences: NV12 against
// libavcodec's decode (the small clips' raw references) and bgr() against yuv_to_bgr_cpu.
// Clips: benchmarks/gpu/prepare_carry.sh (tests/cpp/gpu/nvdec_clips.hpp says where).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "gpu/nvdec_clips.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

using namespace panorama;
using namespace panorama::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Throughput {
  int64_t frames = 0;
  double seconds = 0;
  int64_t errors = 0;
};

// `streams` threads each decode the clip `repeats` times back to back (one stream of repeats * N
// pictures: every copy starts with its parameter sets and a key frame). Decoders are made before the
// clock starts; the clock stops when the last stream has flushed.
Throughput decode_concurrently(const NvdecClip& clip, const std::vector<uint8_t>& bytes, int streams, int repeats) {
  std::vector<std::unique_ptr<NvdecDecoder>> decoders;
  for (int s = 0; s < streams; ++s)
    decoders.push_back(
        std::make_unique<NvdecDecoder>(nvdec_codec_from_name(clip.codec), "stream " + std::to_string(s)));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::exception_ptr> failures(streams);
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s)
    threads.emplace_back([&, s] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      try {
        auto drop = [](DeviceFramePtr) {};
        for (int r = 0; r < repeats; ++r) decoders[s]->decode(bytes.data(), bytes.size(), INT64_MIN, drop);
        decoders[s]->flush(drop);
      } catch (...) {
        failures[s] = std::current_exception();
      }
    });
  while (ready.load() < streams) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true);
  for (auto& t : threads) t.join();
  Throughput out;
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& f : failures)
    if (f) std::rethrow_exception(f);
  for (auto& d : decoders) {
    out.frames += d->frames();
    out.errors += d->errors();
  }
  return out;
}

void throughput_table(bool& ok) {
  std::printf("| NVDEC decode 1080p (frames dropped as they come) | streams | frames | s | frames/s | per stream "
              "| expected frames |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const char* name : {"1080p.h264", "1080p.h265"}) {
    const NvdecClip clip = find_nvdec_clip(name);
    if (clip.path.empty()) {
      std::printf("| %s | - | - | - | clip missing in %s (benchmarks/gpu/prepare_carry.sh) | | |\n", name,
                  nvdec_clip_dir().c_str());
      ok = false;
      continue;
    }
    const std::vector<uint8_t> bytes = read_file(clip.path);
    decode_concurrently(clip, bytes, 1, 1);  // warm-up: driver, context and NVDEC start-up
    for (int streams : {1, 4, 16}) {
      const int repeats = streams == 1 ? 10 : streams == 4 ? 5 : 3;
      const Throughput t = decode_concurrently(clip, bytes, streams, repeats);
      const int64_t expected = static_cast<int64_t>(clip.frames) * repeats * streams;
      if (t.frames != expected || t.errors != 0) ok = false;
      std::printf("| %s %dx%d | %d | %lld | %.2f | %.0f | %.0f | %lld%s |\n", clip.codec.c_str(), clip.width,
                  clip.height, streams, static_cast<long long>(t.frames), t.seconds, t.frames / t.seconds,
                  t.frames / t.seconds / streams, static_cast<long long>(expected),
                  t.errors ? (" (" + std::to_string(t.errors) + " damaged)").c_str() : "");
    }
  }
}

void difference_table(bool& ok) {
  std::printf("\n| NVDEC vs CPU | frames NVDEC / libavcodec | max abs NV12 - libavcodec "
              "| max abs bgr() - yuv_to_bgr_cpu |\n");
  std::printf("|---|---|---|---|\n");
  for (const char* name : {"small.h264", "small.h265", "1080p.h264", "1080p.h265"}) {
    const NvdecClip clip = find_nvdec_clip(name);
    if (clip.path.empty()) continue;
    NvdecDecoder decoder(nvdec_codec_from_name(clip.codec), name);
    std::vector<DeviceFramePtr> frames;
    decoder.decode_annexb_file(clip.path, [&](DeviceFramePtr f) { frames.push_back(std::move(f)); });
    std::string nv12 = "(no reference)";
    if (!clip.reference.empty()) {
      const std::vector<uint8_t> reference = read_file(clip.reference);
      int worst = 0;
      for (size_t i = 0; i < frames.size(); ++i)
        worst = std::max(worst, std::abs(nv12_diff_with_reference(*frames[i], i, clip, reference)));
      nv12 = std::to_string(worst);
      if (worst != 0) ok = false;
    }
    int bgr = 0;
    for (size_t i = 0; i < frames.size(); i += 10) bgr = std::max(bgr, bgr_diff_with_cpu(*frames[i]));
    if (bgr > 1 || static_cast<int>(frames.size()) != clip.frames) ok = false;
    std::printf("| %s %dx%d | %zu / %d | %s | %d (every 10th frame) |\n", clip.codec.c_str(), clip.width, clip.height,
                frames.size(), clip.frames, nv12.c_str(), bgr);
  }
}

}  // namespace

int main() {
  const std::string reason = nvdec_unavailable_reason();
  if (!reason.empty()) {
    std::printf("NVDEC figures: not measured: %s\n", reason.c_str());
    return 0;
  }
  bool ok = true;
  try {
    const auto devices = cuda_devices();
    if (!devices.empty()) std::printf("NVDEC on %s\n\n", devices[0].name.c_str());
    reset_host_device_copy_counts();
    throughput_table(ok);
    const HostDeviceCopyCounts copies = host_device_copy_counts();
    std::printf("\nhost<->device copies while decoding (frames stay on the device): %llu (goal 0)\n",
                static_cast<unsigned long long>(copies.host_to_device + copies.device_to_host));
    if (copies.host_to_device + copies.device_to_host) ok = false;
    difference_table(ok);
  } catch (const std::exception& e) {
    std::printf("NVDEC benchmark failed: %s\n", e.what());
    return 1;
  }
  std::printf("\nNVDEC figures: %s\n", ok ? "all frames decoded, differences within bounds (NV12 0, BGR <= 1)"
                                           : "FAILED (see the rows above)");
  return ok ? 0 : 1;
}
