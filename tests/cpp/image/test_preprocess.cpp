// preprocess_cpu against the per-pixel reference of pixel_math.hpp (what a CUDA kernel computes),
// on the project's test pattern and on noisy YUV planes; taps, colour conversion and float16 against
// values worked out by hand; and the errors of bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess.hpp"
#include "panoramasdk/media/test_pattern.hpp"

namespace panorama {
namespace {

using pixel_math::AxisTaps;

// An image with its own storage: rows padded past the pixels (stride > packed) to catch stride bugs.
struct OwnedImage {
  std::vector<uint8_t> bytes[3];
  ImageView view;
};

OwnedImage pattern_bgr(int width, int height, PixelFormat format = PixelFormat::BGR) {
  OwnedImage img;
  const size_t stride = 3 * static_cast<size_t>(width) + 13;
  img.bytes[0].assign(stride * height, 0xAB);
  draw_test_pattern(img.bytes[0].data(), width, height, stride, 7);
  std::mt19937 rng(1);  // noise so that every tap matters, not only bar edges
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < 3 * width; ++x) {
      uint8_t& b = img.bytes[0][y * stride + x];
      b = static_cast<uint8_t>(std::min(255, std::max(0, b + static_cast<int>(rng() % 41) - 20)));
    }
  img.view.format = format;
  img.view.width = width;
  img.view.height = height;
  img.view.planes[0] = img.bytes[0].data();
  img.view.strides[0] = stride;
  return img;
}

// Luma and chroma planes with gradients and noise (values outside 16..235 too, to exercise clamping).
OwnedImage noisy_yuv(int width, int height, PixelFormat format) {
  OwnedImage img;
  std::mt19937 rng(2);
  auto fill = [&](std::vector<uint8_t>& plane, size_t stride, int w, int h) {
    plane.assign(stride * h, 0xCD);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) plane[y * stride + x] = static_cast<uint8_t>((x * 7 + y * 3 + rng() % 64) & 0xFF);
  };
  const size_t ys = width + 5, cs = (format == PixelFormat::NV12 ? width : width / 2) + 3;
  fill(img.bytes[0], ys, width, height);
  fill(img.bytes[1], cs, format == PixelFormat::NV12 ? width : width / 2, height / 2);
  img.view.format = format;
  img.view.width = width;
  img.view.height = height;
  img.view.planes[0] = img.bytes[0].data();
  img.view.strides[0] = ys;
  img.view.planes[1] = img.bytes[1].data();
  img.view.strides[1] = cs;
  if (format == PixelFormat::I420) {
    fill(img.bytes[2], cs, width / 2, height / 2);
    img.view.planes[2] = img.bytes[2].data();
    img.view.strides[2] = cs;
  }
  return img;
}

PreprocessParams params_for(int w, int h, ResizeMethod method, TensorLayout layout, bool letterbox) {
  PreprocessParams p;
  p.out_width = w;
  p.out_height = h;
  p.resize = method;
  p.layout = layout;
  p.letterbox = letterbox;
  p.pad_value = 114;
  p.mean[0] = 0.485f, p.mean[1] = 0.456f, p.mean[2] = 0.406f;
  p.std[0] = 0.229f, p.std[1] = 0.224f, p.std[2] = 0.225f;
  return p;
}

// The per-pixel reference: pixel_math::preprocess_pixel for every output pixel, as a kernel would.
std::vector<float> reference(const ImageView& src, const PreprocessParams& params) {
  const PreprocessPlan plan = plan_preprocess(src, params);
  std::vector<float> out(static_cast<size_t>(params.out_width) * params.out_height * 3);
  for (int y = 0; y < params.out_height; ++y)
    for (int x = 0; x < params.out_width; ++x) pixel_math::preprocess_pixel(plan, x, y, out.data());
  return out;
}

std::vector<float> run_cpu(const ImageView& src, const PreprocessParams& params, int threads) {
  std::vector<float> out(preprocess_output_bytes(params) / sizeof(float), std::nanf(""));
  preprocess_cpu(src, params, out.data(), out.size() * sizeof(float), threads);
  return out;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= 1e-5f + 1e-6f * std::fabs(want[i])) && bad++ < 5)
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", reference " << want[i];
  EXPECT_EQ(bad, 0u) << what;
}

struct Case {
  PixelFormat format;
  int src_w, src_h, out_w, out_h;
  ResizeMethod method;
  TensorLayout layout;
  bool letterbox;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  static const char* formats[] = {"bgr", "rgb", "nv12", "i420"};
  return std::string(formats[static_cast<int>(c.format)]) + "_" + std::to_string(c.src_w) + "x" +
         std::to_string(c.src_h) + "_to_" + std::to_string(c.out_w) + "x" + std::to_string(c.out_h) +
         (c.method == ResizeMethod::Area ? "_area" : "_bilinear") + (c.layout == TensorLayout::NCHW ? "_nchw" : "_nhwc") +
         (c.letterbox ? "_letterbox" : "");
}

class PreprocessMatchesPixelReference : public ::testing::TestWithParam<Case> {};

TEST_P(PreprocessMatchesPixelReference, OnRealPixels) {
  const Case c = GetParam();
  const bool yuv = c.format == PixelFormat::NV12 || c.format == PixelFormat::I420;
  const OwnedImage img = yuv ? noisy_yuv(c.src_w, c.src_h, c.format) : pattern_bgr(c.src_w, c.src_h, c.format);
  PreprocessParams params = params_for(c.out_w, c.out_h, c.method, c.layout, c.letterbox);
  params.rgb_output = c.format != PixelFormat::RGB;  // exercise both channel mappings
  const std::vector<float> want = reference(img.view, params);
  expect_close(run_cpu(img.view, params, 1), want, "1 thread");
  expect_close(run_cpu(img.view, params, 3), want, "3 threads");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PreprocessMatchesPixelReference,
    ::testing::Values(Case{PixelFormat::BGR, 640, 360, 128, 128, ResizeMethod::Bilinear, TensorLayout::NCHW, false},
                      Case{PixelFormat::RGB, 333, 211, 97, 61, ResizeMethod::Bilinear, TensorLayout::NHWC, true},
                      Case{PixelFormat::BGR, 50, 37, 160, 90, ResizeMethod::Bilinear, TensorLayout::NCHW, true},
                      Case{PixelFormat::BGR, 640, 360, 100, 80, ResizeMethod::Area, TensorLayout::NCHW, false},
                      Case{PixelFormat::BGR, 333, 211, 64, 64, ResizeMethod::Area, TensorLayout::NHWC, true},
                      Case{PixelFormat::BGR, 40, 30, 123, 77, ResizeMethod::Area, TensorLayout::NCHW, false},
                      Case{PixelFormat::BGR, 300, 30, 100, 77, ResizeMethod::Area, TensorLayout::NHWC, false},
                      Case{PixelFormat::NV12, 320, 180, 96, 96, ResizeMethod::Bilinear, TensorLayout::NCHW, true},
                      Case{PixelFormat::NV12, 64, 48, 150, 100, ResizeMethod::Area, TensorLayout::NHWC, false},
                      Case{PixelFormat::I420, 322, 182, 81, 47, ResizeMethod::Area, TensorLayout::NCHW, true},
                      Case{PixelFormat::I420, 322, 182, 81, 47, ResizeMethod::Bilinear, TensorLayout::NHWC, false}),
    case_name);

TEST(Preprocess, Float16IsTheRoundedFloat32Result) {
  const OwnedImage img = pattern_bgr(257, 143);
  PreprocessParams params = params_for(64, 48, ResizeMethod::Bilinear, TensorLayout::NHWC, true);
  const std::vector<float> f32 = run_cpu(img.view, params, 2);
  params.dtype = DType::Float16;
  std::vector<uint16_t> f16(preprocess_output_bytes(params) / 2);
  preprocess_cpu(img.view, params, f16.data(), f16.size() * 2, 2);
  for (size_t i = 0; i < f16.size(); ++i)
    ASSERT_EQ(f16[i], pixel_math::float_to_half_bits(f32[i])) << "element " << i;
}

TEST(PixelMath, BilinearTapsAreCvInterLinear) {
  // 4 -> 2: centres at 0.5 and 2.5.
  AxisTaps t = pixel_math::bilinear_taps(0, 4, 2);
  EXPECT_EQ(t.first, 0);
  EXPECT_EQ(t.count, 2);
  EXPECT_FLOAT_EQ(t.w_last, 0.5f);
  t = pixel_math::bilinear_taps(1, 4, 2);
  EXPECT_EQ(t.first, 2);
  EXPECT_FLOAT_EQ(t.w_last, 0.5f);
  // 2 -> 4: -0.25 clamps to pixel 0; 0.25 blends 0 and 1; 1.25 is past the last pixel.
  t = pixel_math::bilinear_taps(0, 2, 4);
  EXPECT_EQ(t.first, 0);
  EXPECT_EQ(t.count, 1);
  t = pixel_math::bilinear_taps(1, 2, 4);
  EXPECT_EQ(t.count, 2);
  EXPECT_FLOAT_EQ(t.w_first, 0.75f);
  t = pixel_math::bilinear_taps(3, 2, 4);
  EXPECT_EQ(t.first, 1);
  EXPECT_EQ(t.count, 1);
}

TEST(PixelMath, AreaTapsAverageTheCoveredPixels) {
  // 6 -> 4: output 1 covers [1.5, 3): half of pixel 1 and all of pixel 2, over a 1.5 px cell.
  AxisTaps t = pixel_math::area_taps(1, 6, 4);
  EXPECT_EQ(t.first, 1);
  EXPECT_EQ(t.count, 2);
  EXPECT_FLOAT_EQ(t.w_first, 0.5f / 1.5f);
  EXPECT_FLOAT_EQ(t.w_last, 1.0f / 1.5f);
  // 9 -> 2: [0, 4.5): pixels 0..3 whole, half of 4.
  t = pixel_math::area_taps(0, 9, 2);
  EXPECT_EQ(t.count, 5);
  EXPECT_FLOAT_EQ(t.w_first, 1.0f / 4.5f);
  EXPECT_FLOAT_EQ(t.w_mid, 1.0f / 4.5f);
  EXPECT_FLOAT_EQ(t.w_last, 0.5f / 4.5f);
  // 3 -> 5 (growing): cv2's rule, sx = floor(i*3/5), weight of sx+1 = max(0, (i+1) - (sx+1)*5/3).
  t = pixel_math::area_taps(1, 3, 5);  // sx = 0, 2 - 5/3 = 1/3
  EXPECT_EQ(t.first, 0);
  EXPECT_EQ(t.count, 2);
  EXPECT_NEAR(t.w_last, 1.0f / 3.0f, 1e-6f);
  t = pixel_math::area_taps(2, 3, 5);  // sx = 1, 3 - 10/3 < 0
  EXPECT_EQ(t.first, 1);
  EXPECT_EQ(t.count, 1);
}

TEST(PixelMath, YuvToBgrBt601) {
  float bgr[3];
  pixel_math::yuv_to_bgr(235, 128, 128, false, bgr);  // limited-range white
  for (float v : bgr) EXPECT_NEAR(v, 255.0f, 1e-3f);
  pixel_math::yuv_to_bgr(16, 128, 128, false, bgr);  // limited-range black
  for (float v : bgr) EXPECT_NEAR(v, 0.0f, 1e-3f);
  pixel_math::yuv_to_bgr(81, 90, 240, false, bgr);  // BT.601 red (R'=1): B, G clamp at 0
  EXPECT_NEAR(bgr[2], 255.0f, 1.0f);
  EXPECT_EQ(bgr[0], 0.0f);
  EXPECT_NEAR(bgr[1], 0.0f, 1.0f);
  pixel_math::yuv_to_bgr(100, 128, 128, true, bgr);  // full-range grey is Y itself
  for (float v : bgr) EXPECT_FLOAT_EQ(v, 100.0f);
  pixel_math::yuv_to_bgr(128, 128, 200, true, bgr);  // full range: R = Y + 1.402 (V - 128)
  EXPECT_NEAR(bgr[2], 128.0f + 1.402f * 72.0f, 1e-3f);
  EXPECT_NEAR(bgr[1], 128.0f - 0.714136f * 72.0f, 1e-3f);
}

TEST(PixelMath, FloatToHalfRoundsToNearestEven) {
  using pixel_math::float_to_half_bits;
  EXPECT_EQ(float_to_half_bits(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half_bits(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half_bits(0.0f), 0x0000);
  EXPECT_EQ(float_to_half_bits(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half_bits(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half_bits(65519.0f), 0x7bff);
  EXPECT_EQ(float_to_half_bits(65520.0f), 0x7c00);  // the tie rounds to even: infinity
  EXPECT_EQ(float_to_half_bits(INFINITY), 0x7c00);
  EXPECT_EQ(float_to_half_bits(NAN) & 0x7e00, 0x7e00);
  EXPECT_EQ(float_to_half_bits(1.0f + 1.0f / 2048), 0x3c00);  // tie, even below
  EXPECT_EQ(float_to_half_bits(1.0f + 3.0f / 2048), 0x3c02);  // tie, even above
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.0f, -25)), 0x0000);  // tie to even zero
  EXPECT_EQ(float_to_half_bits(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(float_to_half_bits(std::ldexp(3.0f, -25)), 0x0002);  // 1.5 units: tie, even above
  EXPECT_EQ(float_to_half_bits(std::ldexp(1023.5f, -24)), 0x0400);  // rounds up into the normals
}

TEST(Preprocess, LetterboxTransformOf1080pInto512) {
  PreprocessParams p = params_for(512, 512, ResizeMethod::Bilinear, TensorLayout::NCHW, true);
  const ResizeTransform t = resize_transform(1920, 1080, p);
  EXPECT_FLOAT_EQ(t.scale_x, 512.0f / 1920.0f);
  EXPECT_FLOAT_EQ(t.scale_y, 288.0f / 1080.0f);
  EXPECT_EQ(t.pad_x, 0.0f);
  EXPECT_EQ(t.pad_y, 112.0f);
  p.letterbox = false;
  const ResizeTransform s = resize_transform(1920, 1080, p);
  EXPECT_FLOAT_EQ(s.scale_y, 512.0f / 1080.0f);
  EXPECT_EQ(s.pad_y, 0.0f);
}

TEST(Preprocess, LetterboxPadsWithNormalisedPadValue) {
  const OwnedImage img = pattern_bgr(200, 100);
  PreprocessParams p = params_for(50, 50, ResizeMethod::Area, TensorLayout::NCHW, true);  // content 50x25 at y=12
  const std::vector<float> out = run_cpu(img.view, p, 1);
  for (int c = 0; c < 3; ++c) {
    const float pad = (114.0f / 255.0f - p.mean[c]) / p.std[c];
    EXPECT_NEAR(out[c * 2500 + 0 * 50 + 7], pad, 1e-6f);    // row 0
    EXPECT_NEAR(out[c * 2500 + 11 * 50 + 49], pad, 1e-6f);  // last padded row above
    EXPECT_NEAR(out[c * 2500 + 37 * 50 + 0], pad, 1e-6f);   // first padded row below
  }
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    return e.what();
  }
  return "(no error)";
}

TEST(Preprocess, RejectsBadInputNamingTheField) {
  OwnedImage img = pattern_bgr(64, 48);
  PreprocessParams p = params_for(32, 32, ResizeMethod::Bilinear, TensorLayout::NCHW, false);
  std::vector<float> out(32 * 32 * 3);
  const size_t bytes = out.size() * sizeof(float);
  auto run = [&](const ImageView& v, const PreprocessParams& q, size_t n) { preprocess_cpu(v, q, out.data(), n, 1); };

  EXPECT_NE(error_of([&] { run(img.view, p, bytes - 1); }).find("out_bytes: expected at least 12288"),
            std::string::npos);
  PreprocessParams q = p;
  q.out_width = 0;
  EXPECT_NE(error_of([&] { run(img.view, q, bytes); }).find("out_width"), std::string::npos);
  q = p;
  q.std[1] = 0;
  EXPECT_NE(error_of([&] { run(img.view, q, bytes); }).find("std[1]"), std::string::npos);
  q = p;
  q.dtype = DType::Int8;
  EXPECT_NE(error_of([&] { run(img.view, q, bytes); }).find("dtype: expected float32 or float16, got int8"),
            std::string::npos);
  q = p;
  q.mean[2] = NAN;
  EXPECT_NE(error_of([&] { run(img.view, q, bytes); }).find("mean[2]"), std::string::npos);
  ImageView v = img.view;
  v.strides[0] = 64 * 3 - 1;
  EXPECT_NE(error_of([&] { run(v, p, bytes); }).find("bgr planes[0]: expected a row stride of at least 192"),
            std::string::npos);
  v = img.view;
  v.planes[0] = nullptr;
  EXPECT_NE(error_of([&] { run(v, p, bytes); }).find("null"), std::string::npos);
  OwnedImage nv12 = noisy_yuv(64, 48, PixelFormat::NV12);
  v = nv12.view;
  v.width = 63;
  EXPECT_NE(error_of([&] { run(v, p, bytes); }).find("nv12 source: expected even width and height"),
            std::string::npos);
  v = nv12.view;
  v.planes[1] = nullptr;
  EXPECT_NE(error_of([&] { run(v, p, bytes); }).find("nv12 planes[1]"), std::string::npos);
  EXPECT_NE(error_of([&] { preprocess_cpu(img.view, p, out.data(), bytes, -1); }).find("threads"), std::string::npos);
}

}  // namespace
}  // namespace panorama
