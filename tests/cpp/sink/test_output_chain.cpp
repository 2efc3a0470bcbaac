#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "decode_back.hpp"
#include "panoramasdk/core/clock.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/sink/output_chain.hpp"

using namespace panorama;
namespace fs = std::filesystem;

namespace {

Frame grey_frame(std::vector<uint8_t>& storage, int w, int h, uint8_t v) {
  storage.assign(static_cast<size_t>(w) * h * 3, v);
  Frame f;
  f.width = w;
  f.height = h;
  f.stride = static_cast<size_t>(w) * 3;
  f.data = storage.data();
  return f;
}

std::string temp_path(const std::string& name) {
  fs::path dir = fs::path(testing::TempDir()) / "panorama_chain_tests";
  fs::create_directories(dir);
  fs::remove(dir / name);
  return (dir / name).string();
}

}  // namespace

TEST(OutputChain, RecordsEverySubmittedFrame) {
  const std::string path = temp_path("chain.mp4");
  OutputOptions o;
  o.record_path = path;
  o.name = "video_out[0]";
  o.queue_size = 2;  // a small queue: submit must wait, never drop
  std::vector<uint8_t> buf;
  {
    OutputChain chain(o);
    for (int i = 0; i < 40; ++i) {
      Frame f = grey_frame(buf, 160, 120, static_cast<uint8_t>(i * 5));
      chain.submit_copy(f, {{0.1f, 0.1f, 0.5f, 0.5f}}, {{"frame " + std::to_string(i), 0.02f, 0.9f}}, i * 40000);
    }
    chain.close();
    const OutputStats s = chain.stats();
    EXPECT_EQ(s.frames_submitted, 40);
    EXPECT_EQ(s.frames_composed, 40);
    EXPECT_EQ(s.frames_encoded, 40);
    EXPECT_EQ(s.frames_dropped, 0);
    EXPECT_EQ(s.last_error, "");
    chain.close();
    EXPECT_THROW(chain.submit_copy(grey_frame(buf, 16, 16, 0), {}, {}), Error);
  }
  EXPECT_EQ(decode_back(path).frames, 40);
}

TEST(OutputChain, DropsTheOldestWhenFullAndAsked) {
  OutputOptions o;
  o.queue_size = 1;
  o.drop_when_full = true;
  // Many labels on a large frame make composing much slower than the producer's copy.
  std::vector<LabelOverlay> labels;
  for (int i = 0; i < 60; ++i) labels.push_back({"a label that takes a while to draw", 0.01f * i, 0.015f * i});
  std::vector<uint8_t> buf;
  Frame f = grey_frame(buf, 1280, 720, 90);
  OutputChain chain(o);
  for (int i = 0; i < 100; ++i) chain.submit_copy(f, {}, labels);
  chain.close();
  const OutputStats s = chain.stats();
  EXPECT_EQ(s.frames_submitted, 100);
  EXPECT_GT(s.frames_dropped, 0);
  EXPECT_EQ(s.frames_composed + s.frames_dropped, 100);
}

TEST(OutputChain, ViewMakesJpegsOnlyWhileWatched) {
  OutputOptions o;
  o.view = true;
  o.name = "video_out[1]";
  std::vector<uint8_t> buf;
  OutputChain chain(o);
  for (int i = 0; i < 5; ++i) chain.submit_copy(grey_frame(buf, 200, 100, 60), {}, {});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(chain.stats().jpeg_sequence, 0);  // nobody watched

  // A first viewer gets the newest composed frame on request.
  auto first = chain.wait_jpeg(0, 2.0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sequence, 1);
  EXPECT_EQ(first->width, 200);
  EXPECT_EQ(first->height, 100);
  ASSERT_GT(first->bytes->size(), 2u);
  EXPECT_EQ((*first->bytes)[0], 0xFF);
  EXPECT_FALSE(chain.wait_jpeg(1, 0.2).has_value());  // nothing newer

  chain.submit_copy(grey_frame(buf, 200, 100, 200), {}, {});
  auto second = chain.wait_jpeg(1, 2.0);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->sequence, 2);
  chain.close();
  EXPECT_FALSE(chain.wait_jpeg(2, 5.0).has_value());  // closed: returns at once
}

TEST(OutputChain, ViewRateIsLimited) {
  OutputOptions o;
  o.view = true;
  o.view_max_fps = 5.0;
  std::vector<uint8_t> buf;
  OutputChain chain(o);
  chain.set_view_active(true);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) {
    chain.submit_copy(grey_frame(buf, 64, 48, static_cast<uint8_t>(i)), {}, {});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t jpegs = chain.stats().jpeg_sequence;
  chain.close();
  EXPECT_GE(jpegs, 2);
  EXPECT_LE(jpegs, static_cast<int64_t>(elapsed * 5.0) + 2);
  EXPECT_EQ(chain.stats().frames_composed, 30);
}

TEST(OutputChain, WaitJpegWithTheViewOffIsAnError) {
  OutputChain chain(OutputOptions{});
  EXPECT_THROW(chain.wait_jpeg(0, 0.1), Error);
}

TEST(OutputChain, BadOptionsAreRejected) {
  OutputOptions o;
  o.queue_size = 0;
  EXPECT_THROW(OutputChain{o}, Error);
  o = OutputOptions{};
  o.jpeg_quality = 0;
  EXPECT_THROW(OutputChain{o}, Error);
  o = OutputOptions{};
  o.record_path = "/nonexistent-dir/out.mp4";
  EXPECT_THROW(OutputChain{o}, Error);
}

TEST(OutputChain, RecordingErrorIsReportedAndTheChainGoesOn) {
  const std::string path = temp_path("full.mp4");
  fs::create_symlink("/dev/full", path);
  OutputOptions o;
  o.record_path = path;
  o.name = "video_out[0]";
  std::vector<uint8_t> buf;
  {
    OutputChain chain(o);
    for (int i = 0; i < 60; ++i) chain.submit_copy(grey_frame(buf, 160, 120, static_cast<uint8_t>(i * 3)), {}, {});
    chain.close();
    const OutputStats s = chain.stats();
    EXPECT_EQ(s.frames_composed, 60);
    EXPECT_NE(s.last_error.find(path), std::string::npos) << s.last_error;
  }
  fs::remove(path);
}

TEST(OutputChain, MeasuresLatencyFromTheTimeStampAndTimesItsStages) {
  const std::string path = temp_path("latency.mp4");
  OutputOptions o;
  o.record_path = path;
  std::vector<uint8_t> buf;
  OutputChain chain(o);
  constexpr int64_t kAge = 200000;  // frames "decoded" 200 ms before they reach the chain
  for (int i = 0; i < 20; ++i)
    chain.submit_copy(grey_frame(buf, 320, 240, static_cast<uint8_t>(i)), {{0.1f, 0.1f, 0.6f, 0.6f}},
                      {{"frame", 0.1f, 0.1f}}, wall_time_us() - kAge);
  chain.submit_copy(grey_frame(buf, 320, 240, 0), {}, {}, 0);  // unknown time stamp: not counted
  chain.submit_copy(grey_frame(buf, 320, 240, 0), {}, {}, wall_time_us() - 60000000, false);  // a repeat
  chain.close();
  const OutputStats s = chain.stats();
  EXPECT_EQ(s.frames_encoded, 22);
  EXPECT_EQ(s.latency.count, 20);
  EXPECT_GE(s.latency.p50_us, kAge);
  EXPECT_GE(s.latency.p99_us, s.latency.p50_us);
  EXPECT_GE(s.latency.max_us, s.latency.p99_us);
  EXPECT_LT(s.latency.max_us, kAge + 10000000);  // well under the 10 s a stuck chain would show
  EXPECT_GT(s.overlay_s, 0.0);
  EXPECT_GT(s.encode_s, 0.0);
}

TEST(OutputChain, LatencyGrowsWithTheTimeFramesWaitInTheQueue) {
  // A slow chain (many labels on a large frame) with a deep queue: later frames wait behind earlier
  // ones, so the worst latency is well above the best.
  OutputOptions o;
  o.queue_size = 32;
  std::vector<LabelOverlay> labels;
  for (int i = 0; i < 60; ++i) labels.push_back({"a label that takes a while to draw", 0.01f * i, 0.015f * i});
  std::vector<uint8_t> buf;
  Frame f = grey_frame(buf, 1280, 720, 90);
  OutputChain chain(o);
  for (int i = 0; i < 30; ++i) chain.submit_copy(f, {}, labels, wall_time_us());
  chain.close();
  const OutputStats s = chain.stats();
  ASSERT_EQ(s.latency.count, 30);
  const double per_frame_us = 1e6 * s.overlay_s / 30;
  // The last waited for many others (5 of 30 leaves room for a loaded machine, where the sink thread
  // may start draining while frames are still being submitted).
  EXPECT_GT(static_cast<double>(s.latency.max_us), 5 * per_frame_us);
  EXPECT_EQ(s.encode_s, 0.0);  // not recording
}
