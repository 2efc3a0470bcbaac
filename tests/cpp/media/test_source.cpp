#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include "media_test_files.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/decoder.hpp"
#include "panoramasdk/media/source.hpp"
#include "panoramasdk/media/test_pattern.hpp"

extern "C" {
#include <libavcodec/packet.h>
}

using namespace panorama;
using Clock = std::chrono::steady_clock;

namespace {

struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;

StreamOptions options_for(const std::string& uri) {
  StreamOptions o;
  o.uri = uri;
  validate_options(o);
  return o;
}

Source::Deadline in_seconds(double s) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// Every frame of a source through the decoder: (frame, pts) in output order.
std::vector<std::pair<FramePtr, int64_t>> decode_all(Source& source, int64_t* errors = nullptr) {
  DecoderConfig config;
  config.codec = source.info().codec;
  config.time_base_num = source.info().time_base_num;
  config.time_base_den = source.info().time_base_den;
  config.what = "test";
  auto decoder = make_decoder(config, FramePool::create(8));
  std::vector<std::pair<FramePtr, int64_t>> out;
  auto keep = [&](FramePtr f, int64_t pts) { out.emplace_back(std::move(f), pts); };
  PacketPtr packet(av_packet_alloc());
  while (source.read(packet.get(), in_seconds(5))) decoder->decode(packet.get(), keep);
  decoder->decode(nullptr, keep);
  if (errors) *errors = decoder->errors();
  return out;
}

}  // namespace

TEST(TestPatternSource, DeliversTheDrawnPatternAndEnds) {
  StopSignal stop;
  auto source = make_source(options_for("testsrc://?size=64x48&rate=200&frames=5"), "test pattern", stop);
  source->open(in_seconds(1));
  EXPECT_DOUBLE_EQ(source->info().nominal_fps, 200);
  EXPECT_FALSE(source->end_means_disconnect());
  auto frames = decode_all(*source);
  ASSERT_EQ(frames.size(), 5u);
  std::vector<uint8_t> expected(64 * 48 * 3);
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = *frames[i].first;
    ASSERT_EQ(f.width, 64);
    ASSERT_EQ(f.height, 48);
    draw_test_pattern(expected.data(), 64, 48, 64 * 3, static_cast<int64_t>(i));
    EXPECT_EQ(std::memcmp(f.data, expected.data(), expected.size()), 0) << "frame " << i;
    if (i > 0) EXPECT_GT(frames[i].second, frames[i - 1].second);
  }
  EXPECT_NE(std::memcmp(frames[0].first->data, frames[1].first->data, expected.size()), 0) << "frames must differ";
}

TEST(TestPatternSource, IsPacedAtItsRateAndStopsAtOnce) {
  StopSignal stop;
  auto source = make_source(options_for("testsrc://?size=32x32&rate=20"), "test pattern", stop);
  source->open(in_seconds(1));
  PacketPtr packet(av_packet_alloc());
  auto t0 = Clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(source->read(packet.get(), in_seconds(5)));
  double took = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_GT(took, 0.2);  // frames 0..5 at 20 fps: 0.25 s
  EXPECT_LT(took, 1.0);

  auto slow = make_source(options_for("testsrc://?size=32x32&rate=0.2"), "test pattern", stop);
  slow->open(in_seconds(1));
  ASSERT_TRUE(slow->read(packet.get(), in_seconds(5)));  // the first frame is due at once
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop.request();
  });
  t0 = Clock::now();
  try {
    slow->read(packet.get(), in_seconds(10));
    FAIL() << "read returned although the stream was stopped";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Stopped);
  }
  stopper.join();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.0);
}

TEST(FileSource, DecodesEveryFrameOfAnMp4InOrder) {
  std::string clip = media_test::make_clip("source30.mp4", 30);
  PANORAMA_REQUIRE_CLIP(clip);
  StopSignal stop;
  auto source = make_source(options_for(clip), "file " + clip, stop);
  source->open(in_seconds(5));
  EXPECT_DOUBLE_EQ(source->info().nominal_fps, 25);
  int64_t errors = -1;
  auto frames = decode_all(*source, &errors);
  ASSERT_EQ(frames.size(), 30u);
  EXPECT_EQ(errors, 0);
  for (size_t i = 1; i < frames.size(); ++i) EXPECT_GT(frames[i].second, frames[i - 1].second);
  EXPECT_EQ(frames[0].first->width, 320);
  EXPECT_EQ(frames[0].first->height, 240);
}

TEST(FileSource, MissingFileIsNotFoundAndNamesTheFile) {
  StopSignal stop;
  std::string path = media_test::temp_dir() + "/no-such-clip.mp4";
  auto source = make_source(options_for(path), "file " + path, stop);
  try {
    source->open(in_seconds(5));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(FileSource, FileWithoutVideoIsAClearError) {
  std::string path = media_test::temp_dir() + "/audio-only.wav";
  int rc = std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i sine=duration=0.2 " + path +
                        " > /dev/null 2>&1").c_str());
  if (rc != 0) GTEST_SKIP() << "the ffmpeg command line is needed to make test media";
  StopSignal stop;
  auto source = make_source(options_for(path), "file " + path, stop);
  try {
    source->open(in_seconds(5));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Decode);
    EXPECT_NE(std::string(e.what()).find("no video stream"), std::string::npos) << e.what();
  }
}
