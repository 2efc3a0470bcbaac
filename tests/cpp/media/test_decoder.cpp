#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "media_test_files.hpp"
#include "panoramasdk/pipeline/stream.hpp"

using namespace panorama;

namespace {

// Every frame of a file through an ordered Stream, as the app would get them.
std::vector<FramePtr> read_all(const std::string& uri, StreamStats* stats = nullptr) {
  StreamOptions o;
  o.uri = uri;
  o.decoder_threads = 2;
  Stream stream(o);
  stream.start();
  std::vector<FramePtr> frames;
  while (FramePtr f = stream.next_frame(10.0)) frames.push_back(std::move(f));
  EXPECT_TRUE(stream.finished()) << "next_frame timed out";
  if (stats) *stats = stream.stats();
  return frames;
}

void expect_sequence_0_to_n(const std::vector<FramePtr>& frames) {
  for (size_t i = 0; i < frames.size(); ++i) ASSERT_EQ(frames[i]->sequence, static_cast<int64_t>(i));
}

}  // namespace

class DecodeContainer : public ::testing::TestWithParam<const char*> {};

TEST_P(DecodeContainer, EveryFrameInOrder) {
  std::string clip = media_test::make_clip(std::string("clip40") + GetParam(), 40);
  PANORAMA_REQUIRE_CLIP(clip);
  StreamStats stats;
  auto frames = read_all(clip, &stats);
  ASSERT_EQ(frames.size(), 40u);
  expect_sequence_0_to_n(frames);
  EXPECT_EQ(stats.state, StreamState::Ended);
  EXPECT_EQ(stats.frames_decoded, 40);
  EXPECT_EQ(stats.frames_delivered, 40);
  EXPECT_EQ(stats.frames_dropped, 0);
  EXPECT_EQ(stats.decode_errors, 0);
  EXPECT_EQ(stats.last_error, "");
  // testsrc2 moves: neighbouring frames differ.
  EXPECT_NE(std::memcmp(frames[0]->data, frames[1]->data, frames[0]->size_bytes()), 0);
}

INSTANTIATE_TEST_SUITE_P(Containers, DecodeContainer, ::testing::Values(".mp4", ".mkv", ".h264"),
                         [](const auto& info) { return std::string(info.param + 1); });

TEST(Decoder, BgrMatchesTheFfmpegCommandLine) {
  std::string clip = media_test::make_clip("clip3.mp4", 3);
  PANORAMA_REQUIRE_CLIP(clip);
  std::string raw = media_test::temp_dir() + "/clip3.bgr";
  ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -i " + clip +
                         " -f rawvideo -pix_fmt bgr24 " + raw + " > /dev/null 2>&1").c_str()),
            0);
  std::ifstream in(raw, std::ios::binary);
  std::vector<uint8_t> expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto frames = read_all(clip);
  ASSERT_EQ(frames.size(), 3u);
  const size_t bytes = frames[0]->size_bytes();
  ASSERT_EQ(expected.size(), 3 * bytes);
  for (size_t i = 0; i < 3; ++i) {
    // Same converter, same coefficients: allow rounding differences between code paths.
    int worst = 0;
    for (size_t k = 0; k < bytes; ++k)
      worst = std::max(worst, std::abs(int(frames[i]->data[k]) - int(expected[i * bytes + k])));
    EXPECT_LE(worst, 3) << "frame " << i;
  }
}

TEST(Decoder, CorruptBytesCostAFewFramesNeverTheStream) {
  std::string clip = media_test::make_clip("clip100.h264", 100);
  PANORAMA_REQUIRE_CLIP(clip);
  std::ifstream in(clip, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  ASSERT_GT(bytes.size(), 20000u);
  // Scribble over 3 kB in the middle (frames of the second and third GOP); no start codes written.
  std::mt19937 rng(7);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 3000; ++i) bytes[i] = static_cast<char>(0x10 + rng() % 0xE0);
  std::string broken = media_test::temp_dir() + "/broken.h264";
  std::ofstream(broken, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

  StreamStats stats;
  auto frames = read_all(broken, &stats);
  EXPECT_EQ(stats.state, StreamState::Ended) << stats.last_error;
  EXPECT_GT(stats.decode_errors, 0);
  // At most the rest of the damaged GOP (25 frames) and the next one it references is lost.
  EXPECT_GE(frames.size(), 100u - 50u);
  EXPECT_LE(frames.size(), 100u);
  expect_sequence_0_to_n(frames);
}
