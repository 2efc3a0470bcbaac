// preprocess_cuda against preprocess_cpu (the oracle) on the same pixels. Tolerance: float32 within
// 1e-4 * max(1, |cpu|) (same per-pixel function, different float operation order and FMA contraction);
// float16 within 1.5e-3 * max(1, |cpu|) (one float16 ulp is 2^-10 relative).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "gpu/device_image.hpp"
#include "gpu/gpu_test.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"

using namespace panorama;
using namespace panorama::testing;

namespace {

// The largest |gpu - cpu| over the tolerance scale max(1, |cpu|), for a tensor of `count` items.
float worst_relative_diff(const std::vector<uint8_t>& gpu, const std::vector<uint8_t>& cpu, const PreprocessParams& p) {
  float worst = 0.0f;
  if (p.dtype == DType::Float16) {
    const auto* g = reinterpret_cast<const uint16_t*>(gpu.data());
    const auto* c = reinterpret_cast<const uint16_t*>(cpu.data());
    for (size_t i = 0; i < cpu.size() / 2; ++i) {
      const float ref = half_to_float(c[i]);
      worst = std::max(worst, std::fabs(half_to_float(g[i]) - ref) / std::max(1.0f, std::fabs(ref)));
    }
  } else {
    const auto* g = reinterpret_cast<const float*>(gpu.data());
    const auto* c = reinterpret_cast<const float*>(cpu.data());
    for (size_t i = 0; i < cpu.size() / 4; ++i)
      worst = std::max(worst, std::fabs(g[i] - c[i]) / std::max(1.0f, std::fabs(c[i])));
  }
  return worst;
}

// Runs a batch on the GPU and each item on the CPU; returns the worst relative difference.
float compare(const std::vector<HostImage>& images, const PreprocessParams& params,
              const PreprocessCudaLaunch& launch = {}) {
  CudaStream stream;
  std::vector<std::unique_ptr<DeviceImage>> on_device;
  std::vector<ImageView> views;
  for (const auto& img : images) {
    on_device.push_back(std::make_unique<DeviceImage>(img, stream.get()));
    views.push_back(on_device.back()->view);
  }
  const size_t item = preprocess_output_bytes(params);
  DeviceBuffer out(item * images.size());
  const auto transforms =
      preprocess_cuda(views.data(), views.size(), params, out.data(), out.size(), stream.get(), launch);
  std::vector<uint8_t> gpu(out.size()), cpu(out.size());
  copy_device_to_host(gpu.data(), out.data(), out.size(), stream.get());
  stream.synchronize();
  EXPECT_EQ(transforms.size(), images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const ResizeTransform t = preprocess_cpu(images[i].view(), params, cpu.data() + i * item, item, 1);
    EXPECT_FLOAT_EQ(transforms[i].scale_x, t.scale_x);
    EXPECT_FLOAT_EQ(transforms[i].pad_y, t.pad_y);
  }
  return worst_relative_diff(gpu, cpu, params);
}

PreprocessParams model_input(int w, int h) {
  PreprocessParams p;
  p.out_width = w;
  p.out_height = h;
  p.mean[0] = 0.485f, p.mean[1] = 0.456f, p.mean[2] = 0.406f;
  p.std[0] = 0.229f, p.std[1] = 0.224f, p.std[2] = 0.225f;
  return p;
}

const char* name_of(PixelFormat f) {
  switch (f) {
    case PixelFormat::BGR: return "BGR";
    case PixelFormat::RGB: return "RGB";
    case PixelFormat::NV12: return "NV12";
    case PixelFormat::I420: return "I420";
  }
  return "?";
}

class PreprocessCudaFormats : public ::testing::TestWithParam<PixelFormat> {};

}  // namespace

TEST_P(PreprocessCudaFormats, Full1080pTo512MatchesCpuFloat32) {
  PANORAMA_REQUIRE_GPU();
  const float worst = compare({make_image(GetParam(), 1920, 1080, 1)}, model_input(512, 512));
  EXPECT_LE(worst, 1e-4f) << name_of(GetParam());
}

TEST_P(PreprocessCudaFormats, AreaLetterboxFloat16NhwcMatchesCpu) {
  PANORAMA_REQUIRE_GPU();
  PreprocessParams p = model_input(416, 416);
  p.resize = ResizeMethod::Area;
  p.letterbox = true;
  p.pad_value = 114.0f;
  p.layout = TensorLayout::NHWC;
  p.dtype = DType::Float16;
  p.rgb_output = false;
  EXPECT_LE(compare({make_image(GetParam(), 1280, 720, 2)}, p), 1.5e-3f) << name_of(GetParam());
}

TEST_P(PreprocessCudaFormats, UpscaleMatchesCpu) {
  PANORAMA_REQUIRE_GPU();
  PreprocessParams p = model_input(640, 480);
  EXPECT_LE(compare({make_image(GetParam(), 320, 240, 3)}, p), 1e-4f) << name_of(GetParam());
  p.resize = ResizeMethod::Area;
  EXPECT_LE(compare({make_image(GetParam(), 320, 240, 4)}, p), 1e-4f) << name_of(GetParam());
}

INSTANTIATE_TEST_SUITE_P(AllFormats, PreprocessCudaFormats,
                         ::testing::Values(PixelFormat::BGR, PixelFormat::RGB, PixelFormat::NV12, PixelFormat::I420),
                         [](const auto& info) { return std::string(name_of(info.param)); });

TEST(PreprocessCuda, MixedBatchInOneCallMatchesItemByItem) {
  PANORAMA_REQUIRE_GPU();
  const std::vector<HostImage> images = {make_image(PixelFormat::NV12, 1920, 1080, 5),
                                         make_image(PixelFormat::BGR, 1280, 720, 6),
                                         make_image(PixelFormat::I420, 640, 360, 7)};
  EXPECT_LE(compare(images, model_input(512, 512)), 1e-4f);
}

TEST(PreprocessCuda, BatchLargerThanOneLaunch) {
  PANORAMA_REQUIRE_GPU();
  std::vector<HostImage> images;
  for (int i = 0; i < 19; ++i) images.push_back(make_image(i % 2 ? PixelFormat::NV12 : PixelFormat::BGR, 352, 288, 10 + i));
  EXPECT_LE(compare(images, model_input(128, 96)), 1e-4f);
}

TEST(PreprocessCuda, EveryLaunchShapeMatchesCpu) {
  PANORAMA_REQUIRE_GPU();
  // Output sizes that no tile divides, letterbox padding on both sides, area with 3..4 taps an axis.
  const std::vector<HostImage> images = {make_image(PixelFormat::NV12, 1280, 720, 30),
                                         make_image(PixelFormat::BGR, 333, 500, 31)};
  PreprocessParams area = model_input(301, 203);
  area.resize = ResizeMethod::Area;
  area.letterbox = true;
  area.pad_value = 114.0f;
  const int shapes[][3] = {{32, 8, 1}, {32, 8, 2}, {64, 4, 4}, {128, 2, 3}, {32, 1, 16}, {1024, 1, 1}};
  for (const auto& s : shapes) {
    PreprocessCudaLaunch l;
    l.block_width = s[0], l.block_height = s[1], l.rows_per_thread = s[2];
    const std::string label = std::to_string(s[0]) + "x" + std::to_string(s[1]) + " rows " + std::to_string(s[2]);
    EXPECT_LE(compare(images, model_input(301, 203), l), 1e-4f) << label;
    EXPECT_LE(compare(images, area, l), 1e-4f) << label << " area letterbox";
  }
  PreprocessCudaLaunch in_loop;
  in_loop.early_loads = false;
  EXPECT_LE(compare(images, model_input(301, 203), in_loop), 1e-4f) << "loads inside the taps' loop";
  PreprocessCudaLaunch first;
  first.per_pixel_taps = true;
  EXPECT_LE(compare(images, area, first), 1e-4f) << "per-pixel taps";
  EXPECT_LE(compare(images, model_input(301, 203), first), 1e-4f) << "per-pixel taps";
}

TEST(PreprocessCuda, RejectsABadLaunchShapeNamingTheField) {
  PANORAMA_REQUIRE_GPU();
  const std::vector<HostImage> images = {make_image(PixelFormat::BGR, 64, 48, 32)};
  PreprocessCudaLaunch l;
  l.block_width = 48;
  try {
    compare(images, model_input(32, 32), l);
    FAIL() << "block_width 48 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("launch.block_width"), std::string::npos) << e.what();
  }
  l.block_width = 64;
  l.block_height = 32;
  try {
    compare(images, model_input(32, 32), l);
    FAIL() << "2048 threads a block accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("launch.block_height"), std::string::npos) << e.what();
  }
}

TEST(PreprocessCuda, RejectsHostMemoryAndShortOutputNamingTheField) {
  PANORAMA_REQUIRE_GPU();
  const HostImage host = make_image(PixelFormat::BGR, 64, 48, 8);
  const PreprocessParams p = model_input(32, 32);
  DeviceBuffer out(preprocess_output_bytes(p));
  const ImageView view = host.view();  // host pointers
  try {
    preprocess_cuda(&view, 1, p, out.data(), out.size(), nullptr);
    FAIL() << "host memory accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("sources[0] planes[0]"), std::string::npos) << e.what();
  }
  DeviceImage dev(host, nullptr);
  try {
    preprocess_cuda(&dev.view, 1, p, out.data(), out.size() - 4, nullptr);
    FAIL() << "short output accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out_bytes"), std::string::npos) << e.what();
  }
}

TEST(PreprocessCuda, WithoutDeviceRaisesNoCuda) {
  if (cuda_unavailable_reason().empty()) GTEST_SKIP() << "a CUDA device is present; this checks the machine without one";
  const HostImage host = make_image(PixelFormat::BGR, 64, 48, 9);
  const ImageView view = host.view();
  std::vector<float> out(3 * 32 * 32);
  try {
    preprocess_cuda(&view, 1, model_input(32, 32), out.data(), out.size() * 4, nullptr);
    FAIL() << "no error without a device";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoCuda) << e.what();
  }
}
