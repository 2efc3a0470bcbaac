// NVDEC against libavcodec (the oracle): the small clips' NV12 frames must equal, byte for byte, what
// the ffmpeg command line decoded (H.264 and H.265 decoding is exact by their specifications); the BGR
// that DeviceFrame::bgr() makes on the GPU must match yuv_to_bgr_cpu of the same NV12 within 1.
// The clips come from benchmarks/gpu/prepare_carry.sh (nvdec_clips.hpp says where).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gpu/gpu_test.hpp"
#include "gpu/nvdec_clips.hpp"
#include "panoramasdk/core/build_info.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

using namespace panorama;
using namespace panorama::testing;

// Skips loudly unless NVDEC can run here: a GPU, a build with NVDEC, the driver's libnvcuvid.
#define PANORAMA_REQUIRE_NVDEC()                                                                          \
  do {                                                                                                    \
    PANORAMA_REQUIRE_GPU();                                                                               \
    const std::string why_no_nvdec = nvdec_unavailable_reason();                                          \
    if (!why_no_nvdec.empty()) GTEST_SKIP() << "GPU test skipped: NVDEC unavailable: " << why_no_nvdec; \
  } while (0)

#define PANORAMA_REQUIRE_NVDEC_CLIP(clip, name)                                                             \
  if ((clip).path.empty())                                                                                  \
  GTEST_SKIP() << "GPU test skipped: no test clip " << (name) << " in " << nvdec_clip_dir()                 \
               << " (make it with bash benchmarks/gpu/prepare_carry.sh)"

namespace {

std::vector<DeviceFramePtr> decode_file(const NvdecClip& clip, NvdecDecoder& decoder) {
  std::vector<DeviceFramePtr> frames;
  const int64_t count =
      decoder.decode_annexb_file(clip.path, [&](DeviceFramePtr f) { frames.push_back(std::move(f)); });
  EXPECT_EQ(count, static_cast<int64_t>(frames.size()));
  EXPECT_EQ(decoder.errors(), 0);
  return frames;
}

std::vector<DeviceFramePtr> decode_file(const NvdecClip& clip) {
  NvdecDecoder decoder(nvdec_codec_from_name(clip.codec), "test " + clip.path);
  return decode_file(clip, decoder);
}

// The largest byte difference between each frame and libavcodec's, over all frames.
int max_diff_with_reference(const std::vector<DeviceFramePtr>& frames, const NvdecClip& clip) {
  const std::vector<uint8_t> reference = read_file(clip.reference);
  EXPECT_EQ(reference.size(), static_cast<size_t>(clip.width) * clip.height * 3 / 2 * clip.frames) << clip.reference;
  int worst = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const int diff = nv12_diff_with_reference(*frames[i], i, clip, reference);
    EXPECT_EQ(diff, 0) << "frame " << i << " of " << clip.path << " (-1: another size, or past the reference)";
    worst = std::max(worst, std::abs(diff));
  }
  return worst;
}

}  // namespace

class NvdecSmallClip : public ::testing::TestWithParam<const char*> {};

TEST_P(NvdecSmallClip, EveryFrameEqualsLibavcodec) {
  PANORAMA_REQUIRE_NVDEC();
  const NvdecClip clip = find_nvdec_clip(GetParam());
  PANORAMA_REQUIRE_NVDEC_CLIP(clip, GetParam());
  const std::vector<DeviceFramePtr> frames = decode_file(clip);
  ASSERT_EQ(static_cast<int>(frames.size()), clip.frames);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i]->index, static_cast<int64_t>(i));
    EXPECT_EQ(frames[i]->pts, INT64_MIN);  // a raw stream has no time stamps
    EXPECT_FALSE(frames[i]->full_range());
    EXPECT_GE(frames[i]->pitch(), static_cast<size_t>(clip.width));
  }
  EXPECT_EQ(max_diff_with_reference(frames, clip), 0);
}

TEST_P(NvdecSmallClip, BytesCutAnywhereGiveTheSameFrames) {
  PANORAMA_REQUIRE_NVDEC();
  const NvdecClip clip = find_nvdec_clip(GetParam());
  PANORAMA_REQUIRE_NVDEC_CLIP(clip, GetParam());
  const std::vector<uint8_t> bytes = read_file(clip.path);
  NvdecDecoder decoder(nvdec_codec_from_name(clip.codec), "test chunks");
  std::vector<DeviceFramePtr> frames;
  auto keep = [&](DeviceFramePtr f) { frames.push_back(std::move(f)); };
  std::mt19937 rng(5);
  std::uniform_int_distribution<size_t> chunk(1, 3000);
  for (size_t at = 0; at < bytes.size();) {
    const size_t n = std::min(chunk(rng), bytes.size() - at);
    decoder.decode(bytes.data() + at, n, INT64_MIN, keep);
    at += n;
  }
  decoder.flush(keep);
  ASSERT_EQ(static_cast<int>(frames.size()), clip.frames);
  EXPECT_EQ(max_diff_with_reference(frames, clip), 0);
}

TEST_P(NvdecSmallClip, DecodesAgainAfterFlushInSeveralThreadsAtOnce) {
  PANORAMA_REQUIRE_NVDEC();
  const NvdecClip clip = find_nvdec_clip(GetParam());
  PANORAMA_REQUIRE_NVDEC_CLIP(clip, GetParam());
  constexpr int kThreads = 4;
  std::vector<std::vector<DeviceFramePtr>> runs(2 * kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      NvdecDecoder decoder(nvdec_codec_from_name(clip.codec), "test thread " + std::to_string(t));
      runs[2 * t] = decode_file(clip, decoder);
      runs[2 * t + 1] = decode_file(clip, decoder);  // the same decoder after the end of a stream
    });
  for (auto& t : threads) t.join();
  for (const auto& frames : runs) {
    ASSERT_EQ(static_cast<int>(frames.size()), clip.frames);
    EXPECT_EQ(max_diff_with_reference(frames, clip), 0);
  }
}

TEST_P(NvdecSmallClip, FramesOutliveTheirDecoder) {
  PANORAMA_REQUIRE_NVDEC();
  const NvdecClip clip = find_nvdec_clip(GetParam());
  PANORAMA_REQUIRE_NVDEC_CLIP(clip, GetParam());
  const std::vector<DeviceFramePtr> frames = decode_file(clip);  // the decoder is gone
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(max_diff_with_reference(frames, clip), 0);
  EXPECT_LE(bgr_diff_with_cpu(*frames.back()), 1);
}

INSTANTIATE_TEST_SUITE_P(Codecs, NvdecSmallClip, ::testing::Values("small.h264", "small.h265"),
                         [](const auto& info) { return std::string(info.param).substr(6); });

class Nvdec1080p : public ::testing::TestWithParam<const char*> {};

TEST_P(Nvdec1080p, EveryFrameAndBgrOnTheGpuMatchesTheCpuConversion) {
  PANORAMA_REQUIRE_NVDEC();
  const NvdecClip clip = find_nvdec_clip(GetParam());
  PANORAMA_REQUIRE_NVDEC_CLIP(clip, GetParam());
  reset_host_device_copy_counts();
  const std::vector<DeviceFramePtr> frames = decode_file(clip);
  EXPECT_EQ(host_device_copy_counts().device_to_host, 0u);  // decoding leaves the frames on the device
  ASSERT_EQ(static_cast<int>(frames.size()), clip.frames);
  for (size_t i = 0; i < frames.size(); i += 15) {
    ASSERT_EQ(frames[i]->width(), 1920);
    ASSERT_EQ(frames[i]->height(), 1080);
    EXPECT_LE(bgr_diff_with_cpu(*frames[i]), 1) << "frame " << i;
  }
  // The download happens once: a second bgr() gives the same frame without another copy.
  const HostDeviceCopyCounts before = host_device_copy_counts();
  const FramePtr first = frames[1]->bgr();
  const FramePtr again = frames[1]->bgr();
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(host_device_copy_counts().device_to_host, before.device_to_host + 1);
}

INSTANTIATE_TEST_SUITE_P(Codecs, Nvdec1080p, ::testing::Values("1080p.h264", "1080p.h265"),
                         [](const auto& info) { return std::string(info.param).substr(6); });

TEST(DecoderNvdec, AMissingFileIsNotFoundNamingIt) {
  PANORAMA_REQUIRE_NVDEC();
  NvdecDecoder decoder(NvdecCodec::H264, "test missing");
  try {
    decoder.decode_annexb_file("/nonexistent/clip.h264", [](DeviceFramePtr) {});
    FAIL() << "a missing file was decoded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/clip.h264"), std::string::npos) << e.what();
  }
}

// These two run on every machine, GPU or not.
TEST(DecoderNvdec, CodecNamesAreCheckedNamingTheCodec) {
  EXPECT_EQ(nvdec_codec_from_name("H264"), NvdecCodec::H264);
  EXPECT_EQ(nvdec_codec_from_name("hevc"), NvdecCodec::H265);
  EXPECT_EQ(nvdec_codec_from_name("h265"), NvdecCodec::H265);
  try {
    nvdec_codec_from_name("vp9");
    FAIL() << "vp9 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    EXPECT_NE(std::string(e.what()).find("'vp9'"), std::string::npos) << e.what();
  }
}

TEST(DecoderNvdec, WithoutNvdecTheDecoderSaysWhatIsMissing) {
  const std::string reason = nvdec_unavailable_reason();
  if (reason.empty()) GTEST_SKIP() << "NVDEC is usable here; this checks a machine without it";
  try {
    NvdecDecoder decoder(NvdecCodec::H264, "camera 1");
    FAIL() << "an NVDEC decoder was made although: " << reason;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoCuda);
    EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("camera 1"), std::string::npos) << e.what();
  }
  if (!built_with_nvdec()) EXPECT_NE(reason.find("built without NVDEC"), std::string::npos) << reason;
  if (!built_with_cuda() || cuda_device_count() == 0) {
    // No GPU: the reason names the missing driver library (or device), not a vague failure.
    const bool names_it = reason.find("libcuda.so.1") != std::string::npos ||
                          reason.find("built without NVDEC") != std::string::npos ||
                          reason.find("CUDA device") != std::string::npos ||
                          reason.find("cuInit") != std::string::npos;
    EXPECT_TRUE(names_it) << reason;
  }
}
