#pragma once
// The NVDEC test clips and their libavcodec oracle, made by benchmarks/gpu/prepare_carry.sh with the
// ffmpeg command line (a bare GPU machine has none, so they travel with the tree): read from
// $PANORAMA_GPU_CARRY/clips (default build/gpu-carry/clips, from the source root where ctest runs).
// Shared by the GPU tests and bench_decode_nvdec (no GoogleTest here).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/decode/device_frame.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"

namespace panorama::testing {

struct NvdecClip {
  std::string path;       // the Annex-B stream; "" when not found
  std::string codec;      // "h264" or "hevc"
  int width = 0, height = 0;
  int frames = 0;         // as libavcodec decodes it
  std::string reference;  // libavcodec's frames as raw NV12, one after another ("" when not made)
};

inline std::string nvdec_clip_dir() {
  const char* carry = std::getenv("PANORAMA_GPU_CARRY");
  return std::string(carry && *carry ? carry : "build/gpu-carry") + "/clips";
}

// The clip called `name` in clips.txt; path is "" when the manifest or the clip is missing.
inline NvdecClip find_nvdec_clip(const std::string& name) {
  NvdecClip clip;
  const std::string dir = nvdec_clip_dir();
  std::ifstream manifest(dir + "/clips.txt");
  std::string line;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string file, reference;
    NvdecClip c;
    if (!(fields >> file >> c.codec >> c.width >> c.height >> c.frames >> reference) || file != name) continue;
    c.path = dir + "/" + file;
    c.reference = reference == "-" ? "" : dir + "/" + reference;
    if (std::ifstream(c.path).good()) clip = c;
  }
  return clip;
}

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The frame's NV12 as packed host bytes (width x height*3/2, no row padding), like ffmpeg's rawvideo.
inline std::vector<uint8_t> packed_nv12(const DeviceFrame& f) {
  const size_t rows = static_cast<size_t>(f.height()) * 3 / 2;
  std::vector<uint8_t> pitched(f.pitch() * rows), packed(static_cast<size_t>(f.width()) * rows);
  CudaStream stream;
  copy_device_to_host(pitched.data(), f.data(), pitched.size(), stream.get());
  stream.synchronize();
  for (size_t y = 0; y < rows; ++y)
    std::copy_n(pitched.data() + y * f.pitch(), f.width(), packed.data() + y * f.width());
  return packed;
}

// The largest byte difference between frame `index`'s NV12 and the reference's; -1 when the frame's
// size differs from the clip's or the reference has no such frame.
inline int nv12_diff_with_reference(const DeviceFrame& f, size_t index, const NvdecClip& clip,
                                    const std::vector<uint8_t>& reference) {
  const size_t frame_bytes = static_cast<size_t>(clip.width) * clip.height * 3 / 2;
  if (f.width() != clip.width || f.height() != clip.height || (index + 1) * frame_bytes > reference.size()) return -1;
  const std::vector<uint8_t> got = packed_nv12(f);
  int worst = 0;
  for (size_t k = 0; k < frame_bytes; ++k)
    worst = std::max(worst, std::abs(got[k] - reference[index * frame_bytes + k]));
  return worst;
}

// bgr() of a frame against yuv_to_bgr_cpu (the oracle) of its own NV12 pixels: the largest difference.
inline int bgr_diff_with_cpu(const DeviceFrame& f) {
  const std::vector<uint8_t> nv12 = packed_nv12(f);
  const FramePtr gpu = f.bgr();
  ImageView v;
  v.format = PixelFormat::NV12;
  v.width = f.width();
  v.height = f.height();
  v.planes[0] = nv12.data();
  v.planes[1] = nv12.data() + static_cast<size_t>(f.width()) * f.height();
  v.strides[0] = v.strides[1] = static_cast<size_t>(f.width());
  std::vector<uint8_t> cpu(gpu->size_bytes());
  yuv_to_bgr_cpu(v, f.full_range(), cpu.data(), gpu->stride);
  int worst = 0;
  for (size_t k = 0; k < cpu.size(); ++k) worst = std::max(worst, std::abs(gpu->data[k] - cpu[k]));
  return worst;
}

}  // namespace panorama::testing
