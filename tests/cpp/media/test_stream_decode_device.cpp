// StreamOptions::decode_device reaches the stream's decoder (DecoderConfig::gpu) and StreamStats::decoder
// says which backend decodes. Without NVDEC (CI has no GPU) "auto" and "cuda" fall back to libavcodec,
// give the same frames as "cpu" and log the reason once per stream, however many decoders the stream
// makes; with NVDEC "auto" decodes there, within the two colour conversions' rounding of libavcodec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "media_test_files.hpp"
#include "nvdec_fallback_log.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"
#include "panoramasdk/pipeline/stream.hpp"

using namespace panorama;

namespace {

struct StreamRun {
  std::vector<FramePtr> frames;
  StreamStats stats;
};

// Every frame of a file stream, in order, and its statistics at the end.
StreamRun run_stream(const std::string& path, const std::string& decode_device) {
  StreamOptions options;
  options.uri = path;
  options.decode_device = decode_device;
  Stream stream(options);
  stream.start();
  StreamRun run;
  while (FramePtr frame = stream.next_frame(10.0)) run.frames.push_back(std::move(frame));
  run.stats = stream.stats();
  return run;
}

bool same_bytes(const Frame& a, const Frame& b) {
  return a.size_bytes() == b.size_bytes() && std::equal(a.data, a.data + a.size_bytes(), b.data);
}

}  // namespace

TEST(StreamDecodeDevice, UnknownDeviceIsRejectedNamingTheChoices) {
  StreamOptions options;
  options.uri = "testsrc://";
  options.decode_device = "gpu";
  try {
    Stream stream(options);
    FAIL() << "a decode_device of 'gpu' was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("option 'decode_device' is 'gpu'; expected 'cpu', 'cuda' or 'auto'"),
              std::string::npos)
        << e.what();
  }
}

TEST(StreamDecodeDevice, CpuDecodesWithLibavcodecAndSaysNothingOfNvdec) {
  const std::string clip = media_test::make_clip("decode-cpu.mp4", 10);
  PANORAMA_REQUIRE_CLIP(clip);
  media_test::nvdec_fallback_lines();
  const StreamRun cpu = run_stream(clip, "cpu");
  EXPECT_EQ(cpu.stats.state, StreamState::Ended) << cpu.stats.last_error;
  EXPECT_EQ(cpu.stats.decoder, "libavcodec");
  EXPECT_EQ(cpu.frames.size(), 10u);
  EXPECT_TRUE(media_test::nvdec_fallback_lines().empty()) << "decode_device 'cpu' asked for no NVDEC";
}

TEST(StreamDecodeDevice, WithoutNvdecAutoAndCudaFallBackSayingWhyOncePerStream) {
  const std::string reason = nvdec_unavailable_reason();
  if (reason.empty()) GTEST_SKIP() << "NVDEC is usable here; this checks a machine without it";
  const std::string clip_a = media_test::make_clip("decode-auto.mp4", 10);
  const std::string clip_b = media_test::make_clip("decode-cuda.mp4", 10);
  PANORAMA_REQUIRE_CLIP(clip_a);
  PANORAMA_REQUIRE_CLIP(clip_b);
  const StreamRun cpu = run_stream(clip_a, "cpu");
  media_test::nvdec_fallback_lines();
  const StreamRun a = run_stream(clip_a, "auto");
  const StreamRun b = run_stream(clip_b, "cuda");
  const StreamRun a_again = run_stream(clip_a, "auto");  // the same stream name: its decoder says nothing new
  std::vector<std::string> lines = media_test::nvdec_fallback_lines();
  std::sort(lines.begin(), lines.end());
  ASSERT_EQ(lines.size(), 2u) << "expected one line for each of the two streams";
  EXPECT_EQ(lines[0], "file " + clip_a + ": decoding on the CPU with libavcodec, not NVDEC: " + reason);
  EXPECT_EQ(lines[1], "file " + clip_b + ": decoding on the CPU with libavcodec, not NVDEC: " + reason);
  for (const StreamRun* run : {&a, &b, &a_again}) {
    EXPECT_EQ(run->stats.state, StreamState::Ended) << run->stats.last_error;
    EXPECT_EQ(run->stats.decoder, "libavcodec");
    ASSERT_EQ(run->frames.size(), cpu.frames.size());
    for (size_t i = 0; i < cpu.frames.size(); ++i)
      EXPECT_TRUE(same_bytes(*run->frames[i], *cpu.frames[i])) << "frame " << i;
  }
}

TEST(StreamDecodeDevice, AutoDecodesOnNvdecWhereItIsUsable) {
  const std::string reason = nvdec_unavailable_reason();
  if (!reason.empty()) GTEST_SKIP() << "GPU test skipped: NVDEC unavailable: " << reason;
  const std::string clip = media_test::make_clip("decode-nvdec.mp4", 30, 640, 360);
  PANORAMA_REQUIRE_CLIP(clip);
  media_test::nvdec_fallback_lines();
  reset_host_device_copy_counts();
  const StreamRun gpu = run_stream(clip, "auto");
  // The frames stay on the GPU: nothing was downloaded while streaming.
  EXPECT_EQ(host_device_copy_counts().device_to_host, 0u);
  for (const FramePtr& frame : gpu.frames) {
    ASSERT_NE(frame->device, nullptr);
    EXPECT_TRUE(only_on_device(*frame));
    EXPECT_EQ(frame->width, 640);
    EXPECT_EQ(frame->height, 360);
  }
  const StreamRun cpu = run_stream(clip, "cpu");
  EXPECT_TRUE(media_test::nvdec_fallback_lines().empty());
  EXPECT_EQ(gpu.stats.decoder, "nvdec");
  EXPECT_EQ(gpu.stats.decode_errors, 0);
  ASSERT_EQ(gpu.frames.size(), 30u);
  ASSERT_EQ(cpu.frames.size(), 30u);
  // Decoding is exact; the BGR differs by libswscale's vs pixel_math's rounding (4 at most, as in
  // test_decoder_nvdec_fallback.cpp).
  int worst = 0;
  for (size_t i = 0; i < gpu.frames.size(); ++i) {
    const Frame& pixels = host_pixels(*gpu.frames[i]);  // downloads, once
    EXPECT_EQ(&host_pixels(*gpu.frames[i]), &pixels);
    ASSERT_EQ(pixels.size_bytes(), cpu.frames[i]->size_bytes());
    for (size_t k = 0; k < pixels.size_bytes(); ++k)
      worst = std::max(worst, std::abs(pixels.data[k] - cpu.frames[i]->data[k]));
  }
  EXPECT_EQ(host_device_copy_counts().frames_device_to_host, gpu.frames.size());
  EXPECT_LE(worst, 4);
}
