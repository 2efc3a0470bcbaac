// yuv_to_bgr_cpu, the oracle of the CUDA variant: BT.601 colours, 4:2:0 chroma siting, NV12 == I420,
// row strides, and checks that name the field at fault.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"

using namespace panorama;

namespace {

// A 4x2 picture: luma `y` everywhere, left 2x2 block chroma (u0, v0), right block (u1, v1); planes
// in both layouts with padded strides.
struct Yuv4x2 {
  std::vector<uint8_t> y, uv, u, v;
  Yuv4x2(uint8_t luma, uint8_t u0, uint8_t v0, uint8_t u1, uint8_t v1)
      : y(2 * 8, luma), uv({u0, v0, u1, v1, 0, 0}), u({u0, u1, 0}), v({v0, v1, 0}) {}
  ImageView nv12() const { return view(PixelFormat::NV12); }
  ImageView i420() const { return view(PixelFormat::I420); }
  ImageView view(PixelFormat f) const {
    ImageView s;
    s.format = f;
    s.width = 4;
    s.height = 2;
    s.planes[0] = y.data();
    s.strides[0] = 8;
    if (f == PixelFormat::NV12) {
      s.planes[1] = uv.data();
      s.strides[1] = 6;
    } else {
      s.planes[1] = u.data();
      s.planes[2] = v.data();
      s.strides[1] = s.strides[2] = 3;
    }
    return s;
  }
};

std::vector<uint8_t> convert(const ImageView& src, bool full_range, size_t stride = 12) {
  std::vector<uint8_t> out(stride * src.height, 77);
  yuv_to_bgr_cpu(src, full_range, out.data(), stride);
  return out;
}

}  // namespace

TEST(YuvToBgr, LimitedRangeBlackWhiteAndRed) {
  EXPECT_EQ(convert(Yuv4x2(16, 128, 128, 128, 128).nv12(), false)[0], 0);
  const auto white = convert(Yuv4x2(235, 128, 128, 128, 128).nv12(), false);
  EXPECT_EQ(white[0], 255);
  EXPECT_EQ(white[1], 255);
  EXPECT_EQ(white[2], 255);
  const auto red = convert(Yuv4x2(81, 90, 240, 90, 240).nv12(), false);  // BT.601 limited-range red
  EXPECT_LE(red[0], 1);
  EXPECT_LE(red[1], 1);
  EXPECT_GE(red[2], 253);
}

TEST(YuvToBgr, FullRangeGreyKeepsItsValue) {
  const auto grey = convert(Yuv4x2(100, 128, 128, 128, 128).i420(), true);
  EXPECT_EQ(grey[0], 100);
  EXPECT_EQ(grey[1], 100);
  EXPECT_EQ(grey[2], 100);
}

TEST(YuvToBgr, EachTwoByTwoBlockSharesItsChromaAndPaddingIsUntouched) {
  const auto out = convert(Yuv4x2(128, 60, 200, 200, 60).nv12(), false);
  for (int row = 0; row < 2; ++row)
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ(out[row * 12 + c], out[row * 12 + 3 + c]);      // x 0 and 1: block 0
      EXPECT_EQ(out[row * 12 + 6 + c], out[row * 12 + 9 + c]);  // x 2 and 3: block 1
    }
  EXPECT_GT(out[2], out[8]);  // block 0 has high V (red), block 1 low V
  EXPECT_LT(out[0], out[6]);  // block 0 has low U (less blue)
  EXPECT_EQ(out.size(), 24u);
}

TEST(YuvToBgr, Nv12AndI420GiveTheSamePixels) {
  const Yuv4x2 img(90, 30, 220, 180, 100);
  EXPECT_EQ(convert(img.nv12(), false), convert(img.i420(), false));
  EXPECT_EQ(convert(img.nv12(), true), convert(img.i420(), true));
}

TEST(YuvToBgr, RejectsBadInputNamingTheField) {
  const Yuv4x2 img(90, 30, 220, 180, 100);
  std::vector<uint8_t> out(64);
  try {
    yuv_to_bgr_cpu(img.nv12(), false, out.data(), 11);
    FAIL() << "short stride accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("dst_stride"), std::string::npos) << e.what();
  }
  ImageView odd = img.nv12();
  odd.width = 3;
  EXPECT_THROW(yuv_to_bgr_cpu(odd, false, out.data(), 12), Error);
  ImageView bgr = img.nv12();
  bgr.format = PixelFormat::BGR;
  EXPECT_THROW(yuv_to_bgr_cpu(bgr, false, out.data(), 12), Error);
  EXPECT_THROW(yuv_to_bgr_cpu(img.nv12(), false, nullptr, 12), Error);
}
