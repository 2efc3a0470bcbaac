#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "decode_back.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/sink/encoder_jpeg.hpp"
#include "panoramasdk/sink/recorder.hpp"

using namespace panorama;
namespace fs = std::filesystem;

namespace {

FramePtr gradient(FramePool& pool, int w, int h, int shift) {
  FramePtr f = pool.acquire(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = f->data + y * f->stride + x * 3;
      p[0] = static_cast<uint8_t>(x + shift);
      p[1] = static_cast<uint8_t>(y * 2);
      p[2] = static_cast<uint8_t>(128);
    }
  return f;
}

std::string temp_path(const std::string& name) {
  fs::path dir = fs::path(testing::TempDir()) / "panorama_sink_tests";
  fs::create_directories(dir);
  fs::remove(dir / name);
  return (dir / name).string();
}

}  // namespace

TEST(Recorder, WritesEveryFrameToMp4) {
  auto pool = FramePool::create();
  const std::string path = temp_path("every.mp4");
  {
    Recorder rec({path, 25.0, 23, "video_out[0]"});
    for (int i = 0; i < 37; ++i) rec.write(*gradient(*pool, 160, 120, i * 4));
    rec.close();
    EXPECT_EQ(rec.frames_written(), 37);
    rec.close();  // idempotent
  }
  DecodedVideo v = decode_back(path);
  EXPECT_EQ(v.codec, "h264");
  EXPECT_EQ(v.frames, 37);
  EXPECT_EQ(v.width, 160);
  EXPECT_EQ(v.height, 120);
  EXPECT_NEAR(v.fps, 25.0, 0.01);
}

TEST(Recorder, MkvByFileSuffixAndFractionalRate) {
  auto pool = FramePool::create();
  const std::string path = temp_path("ntsc.mkv");
  {
    Recorder rec({path, 29.97, 30, ""});
    for (int i = 0; i < 12; ++i) rec.write(*gradient(*pool, 96, 64, i));
  }  // the destructor closes
  DecodedVideo v = decode_back(path);
  EXPECT_EQ(v.frames, 12);
  EXPECT_NEAR(v.fps, 29.97, 0.01);
}

TEST(Recorder, FirstFrameFixesTheSizeAndLaterSizesAreScaled) {
  auto pool = FramePool::create();
  const std::string path = temp_path("sizes.mp4");
  {
    Recorder rec({path, 10.0, 23, ""});
    rec.write(*gradient(*pool, 161, 121, 0));  // odd: rounded down to even for 4:2:0
    EXPECT_EQ(rec.width(), 160);
    EXPECT_EQ(rec.height(), 120);
    rec.write(*gradient(*pool, 320, 240, 0));
    rec.write(*gradient(*pool, 64, 48, 0));
    rec.close();
  }
  DecodedVideo v = decode_back(path);
  EXPECT_EQ(v.frames, 3);
  EXPECT_EQ(v.width, 160);
  EXPECT_EQ(v.height, 120);
}

TEST(Recorder, BadPathsFailAtConstruction) {
  try {
    Recorder rec({"/nonexistent-dir/x.mp4", 25.0, 23, ""});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.mp4"), std::string::npos);
  }
  try {
    Recorder rec({temp_path("x.unknownsuffix"), 25.0, 23, ""});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find(".mp4"), std::string::npos);
  }
  EXPECT_THROW(Recorder({temp_path("x.mp4"), 0.0, 23, ""}), Error);
  EXPECT_THROW(Recorder({temp_path("x.mp4"), 25.0, 99, ""}), Error);
  EXPECT_THROW(Recorder({temp_path("x.mp4"), 25.0, 23, "", "quick"}), Error);  // not an x264 preset
}

TEST(Recorder, NoFramesLeavesNoFile) {
  const std::string path = temp_path("empty.mp4");
  {
    Recorder rec({path, 25.0, 23, ""});
    EXPECT_TRUE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(Recorder, WriteErrorIsReportedNotACrash) {
  // A disk that is always full: every write fails with ENOSPC.
  const std::string path = temp_path("full.mp4");
  fs::create_symlink("/dev/full", path);
  auto pool = FramePool::create();
  Recorder rec({path, 25.0, 23, ""});
  bool failed = false;
  try {
    for (int i = 0; i < 200 && !failed; ++i) rec.write(*gradient(*pool, 160, 120, i));
    rec.close();
  } catch (const Error& e) {
    failed = true;
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_TRUE(failed);
  EXPECT_NO_THROW(rec.close());
  fs::remove(path);
}

TEST(JpegEncoder, EncodesADecodableJpegOfTheFrameSize) {
  auto pool = FramePool::create();
  FramePtr f = pool->acquire(121, 67);  // odd sizes are fine for JPEG
  std::memset(f->data, 128, f->size_bytes());
  JpegEncoder enc(80);
  std::vector<uint8_t> jpeg = enc.encode(*f);
  ASSERT_GT(jpeg.size(), 100u);
  EXPECT_EQ(jpeg[0], 0xFF);
  EXPECT_EQ(jpeg[1], 0xD8);  // SOI

  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  ASSERT_EQ(avcodec_open2(ctx, codec, nullptr), 0);
  AVPacket* pkt = av_packet_alloc();
  pkt->data = jpeg.data();
  pkt->size = static_cast<int>(jpeg.size());
  AVFrame* frame = av_frame_alloc();
  ASSERT_EQ(avcodec_send_packet(ctx, pkt), 0);
  ASSERT_EQ(avcodec_receive_frame(ctx, frame), 0);
  EXPECT_EQ(frame->width, 121);
  EXPECT_EQ(frame->height, 67);
  // Grey 128 stays grey in full range: luma ~128.
  EXPECT_NEAR(frame->data[0][10 * frame->linesize[0] + 10], 128, 3);
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);

  // A new size reopens the encoder; quality changes size.
  FramePtr big = gradient(*pool, 320, 240, 0);
  enc.set_quality(95);
  const size_t high = enc.encode(*big).size();
  enc.set_quality(20);
  const size_t low = enc.encode(*big).size();
  EXPECT_GT(high, low);
  EXPECT_THROW(enc.set_quality(0), Error);
  EXPECT_THROW(JpegEncoder(101), Error);
}
