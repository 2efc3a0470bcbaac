#include <gtest/gtest.h>

#include "core/ffmpeg_error.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

using namespace panorama;

TEST(AvCheck, PassesNonNegativeThrough) { EXPECT_EQ(av_check(5, "x"), 5); }

TEST(AvCheck, MapsCodesAndKeepsContext) {
  try {
    av_check(AVERROR(ECONNREFUSED), "camera rtsp://h/x: open");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Connection);
    EXPECT_NE(std::string(e.what()).find("camera rtsp://h/x: open: "), std::string::npos);
  }
  EXPECT_EQ(error_code_for_averror(AVERROR_HTTP_UNAUTHORIZED), ErrorCode::Auth);
  EXPECT_EQ(error_code_for_averror(AVERROR_EXIT), ErrorCode::Timeout);
  EXPECT_EQ(error_code_for_averror(AVERROR_INVALIDDATA), ErrorCode::Decode);
}
