// make_decoder with config.gpu (the GPU path). Without NVDEC (CI has no GPU) it falls back to libavcodec
// and the log says why, once; with NVDEC (a GPU machine with FFmpeg) it decodes an MP4 (length-prefixed
// NAL units, through the mp4toannexb filter) and an .h264 file to the same frames as libavcodec, within
// the two paths' colour conversions (libswscale vs pixel_math::yuv_to_bgr_pixel). A GPU machine without
// the ffmpeg command line decodes the H.264 and H.265 MP4s that benchmarks/gpu/prepare_carry.sh made.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "gpu/nvdec_clips.hpp"
#include "media_test_files.hpp"
#include "nvdec_fallback_log.hpp"
#include "panoramasdk/decode/decoder.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"
#include "panoramasdk/media/source.hpp"
#include "panoramasdk/media/stop_signal.hpp"

extern "C" {
#include <libavcodec/packet.h>
}

using namespace panorama;

namespace {

struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

struct Decoded {
  std::vector<FramePtr> frames;
  std::vector<int64_t> pts;
  std::string description;
  int64_t errors = 0;
};

Decoded decode_file(const std::string& path, bool gpu) {
  StreamOptions options;
  options.uri = path;
  validate_options(options);
  StopSignal stop;
  auto source = make_source(options, "file " + path, stop);
  const auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(10); };
  source->open(deadline());
  DecoderConfig config;
  config.codec = source->info().codec;
  config.time_base_num = source->info().time_base_num;
  config.time_base_den = source->info().time_base_den;
  config.threads = 2;
  config.gpu = gpu;
  config.what = "file " + path;
  auto decoder = make_decoder(config, FramePool::create(8));
  Decoded out;
  out.description = decoder->description();
  auto keep = [&](FramePtr f, int64_t pts) {
    out.frames.push_back(std::move(f));
    out.pts.push_back(pts);
  };
  std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
  while (source->read(packet.get(), deadline())) decoder->decode(packet.get(), keep);
  decoder->decode(nullptr, keep);
  out.errors = decoder->errors();
  return out;
}

// NVDEC's frames against libavcodec's: the same count and time stamps, and (the same YUV, as decoding is
// exact) BGR that differs by the two converters' rounding only: libswscale vs yuv_to_bgr_cpu measured 3
// at most on testsrc2, and the GPU is within 1 of yuv_to_bgr_cpu. Returns the largest difference.
int expect_same_frames(const Decoded& gpu, const Decoded& cpu) {
  EXPECT_NE(gpu.description.find("NVDEC"), std::string::npos) << gpu.description;
  EXPECT_EQ(gpu.errors, 0);
  EXPECT_EQ(gpu.frames.size(), cpu.frames.size());
  EXPECT_EQ(gpu.pts, cpu.pts);
  int worst = 0;
  for (size_t i = 0; i < std::min(gpu.frames.size(), cpu.frames.size()); ++i) {
    EXPECT_TRUE(only_on_device(*gpu.frames[i])) << "frame " << i << " was downloaded before anyone asked";
    const Frame& pixels = host_pixels(*gpu.frames[i]);
    for (size_t k = 0; k < pixels.size_bytes(); ++k)
      worst = std::max(worst, std::abs(pixels.data[k] - cpu.frames[i]->data[k]));
  }
  EXPECT_LE(worst, 4);
  return worst;
}

}  // namespace

TEST(DecoderNvdecFallback, WithoutNvdecTheGpuPathDecodesOnTheCpuAndSaysWhyOnce) {
  const std::string reason = nvdec_unavailable_reason();
  if (reason.empty()) GTEST_SKIP() << "NVDEC is usable here; this checks a machine without it";
  const std::string clip = media_test::make_clip("fallback.mp4", 10);
  PANORAMA_REQUIRE_CLIP(clip);
  media_test::nvdec_fallback_lines();  // drop what earlier tests queued
  const Decoded cpu = decode_file(clip, false);
  EXPECT_TRUE(media_test::nvdec_fallback_lines().empty()) << "the CPU path asked for nothing and should say nothing";
  const Decoded first = decode_file(clip, true);
  const Decoded second = decode_file(clip, true);
  const std::vector<std::string> lines = media_test::nvdec_fallback_lines();
  ASSERT_EQ(lines.size(), 1u) << "expected one line for two decoders with the same reason";
  EXPECT_NE(lines[0].find("decoding on the CPU with libavcodec"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(reason), std::string::npos) << lines[0];
  for (const Decoded* d : {&first, &second}) {
    EXPECT_NE(d->description.find("libavcodec"), std::string::npos) << d->description;
    ASSERT_EQ(d->frames.size(), 10u);
    EXPECT_EQ(d->pts, cpu.pts);
    for (size_t i = 0; i < d->frames.size(); ++i)
      EXPECT_TRUE(std::equal(d->frames[i]->data, d->frames[i]->data + d->frames[i]->size_bytes(), cpu.frames[i]->data))
          << "frame " << i;
  }
}

TEST(DecoderNvdecFallback, ACodecNvdecLacksFallsBackNamingIt) {
  // The test pattern is raw video: the GPU path cannot take it on any machine.
  StreamOptions options;
  options.uri = "testsrc://?size=64x48&rate=200&frames=3";
  validate_options(options);
  StopSignal stop;
  auto source = make_source(options, "test pattern", stop);
  source->open(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  DecoderConfig config;
  config.codec = source->info().codec;
  config.gpu = true;
  config.what = "test pattern";
  media_test::nvdec_fallback_lines();
  auto decoder = make_decoder(config, FramePool::create(2));
  EXPECT_EQ(decoder->description().find("NVDEC"), std::string::npos) << decoder->description();
  // Empty when an earlier test logged the same reason for this stream.
  for (const std::string& line : media_test::nvdec_fallback_lines())
    EXPECT_NE(line.find("NVDEC decodes H.264 and H.265 here, not rawvideo"), std::string::npos) << line;
}

class DecoderNvdecOnGpu : public ::testing::TestWithParam<const char*> {};

TEST_P(DecoderNvdecOnGpu, MatchesLibavcodecFrameForFrame) {
  const std::string reason = nvdec_unavailable_reason();
  if (!reason.empty()) GTEST_SKIP() << "GPU test skipped: NVDEC unavailable: " << reason;
  const std::string clip = media_test::make_clip(std::string("nvdec") + GetParam(), 30, 640, 360);
  PANORAMA_REQUIRE_CLIP(clip);
  expect_same_frames(decode_file(clip, true), decode_file(clip, false));
}

INSTANTIATE_TEST_SUITE_P(Containers, DecoderNvdecOnGpu, ::testing::Values(".mp4", ".h264"),
                         [](const auto& info) { return std::string(info.param + 1); });

class DecoderNvdecOnCarriedMp4 : public ::testing::TestWithParam<const char*> {};

TEST_P(DecoderNvdecOnCarriedMp4, MatchesLibavcodecFrameForFrame) {
  const std::string reason = nvdec_unavailable_reason();
  if (!reason.empty()) GTEST_SKIP() << "GPU test skipped: NVDEC unavailable: " << reason;
  const panorama::testing::NvdecClip clip = panorama::testing::find_nvdec_clip(GetParam());
  if (clip.path.empty())
    GTEST_SKIP() << "GPU test skipped: no test clip " << GetParam() << " in " << panorama::testing::nvdec_clip_dir()
                 << " (make it with bash benchmarks/gpu/prepare_carry.sh)";
  const Decoded cpu = decode_file(clip.path, false);
  ASSERT_EQ(static_cast<int>(cpu.frames.size()), clip.frames);
  const int worst = expect_same_frames(decode_file(clip.path, true), cpu);
  // benchmarks/gpu/check.sh reports this line.
  std::cout << "NVDEC via make_decoder, " << GetParam() << ": " << clip.frames
            << " frames, max abs BGR difference from libavcodec " << worst << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Codecs, DecoderNvdecOnCarriedMp4, ::testing::Values("small.h264.mp4", "small.h265.mp4"),
                         [](const auto& info) { return std::string(info.param).substr(6, 4); });
