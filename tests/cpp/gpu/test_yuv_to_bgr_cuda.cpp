// yuv_to_bgr_cuda against yuv_to_bgr_cpu (the oracle): at most 1 per channel (float rounding at .5).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gpu/device_image.hpp"
#include "gpu/gpu_test.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

using namespace panorama;
using namespace panorama::testing;

namespace {

// stride_pad: bytes after each destination row (an odd pad leaves every other row unaligned for the
// word stores, which then take the byte-store path).
int max_diff_against_cpu(PixelFormat format, int width, int height, bool full_range, size_t stride_pad = 32,
                         int pixels_per_thread = 4) {
  const HostImage host = make_image(format, width, height, 21);
  CudaStream stream;
  DeviceImage dev(host, stream.get());
  const size_t stride = static_cast<size_t>(width) * 3 + stride_pad;
  DeviceBuffer out(stride * height);
  yuv_to_bgr_cuda(dev.view, full_range, out.as<uint8_t>(), stride, stream.get(), pixels_per_thread);
  std::vector<uint8_t> gpu(out.size()), cpu(out.size());
  copy_device_to_host(gpu.data(), out.data(), out.size(), stream.get());
  stream.synchronize();
  yuv_to_bgr_cpu(host.view(), full_range, cpu.data(), stride);
  int worst = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width * 3; ++x) worst = std::max(worst, std::abs(gpu[y * stride + x] - cpu[y * stride + x]));
  return worst;
}

}  // namespace

TEST(YuvToBgrCuda, Nv12LimitedRange1080pMatchesCpu) {
  PANORAMA_REQUIRE_GPU();
  EXPECT_LE(max_diff_against_cpu(PixelFormat::NV12, 1920, 1080, false), 1);
}

TEST(YuvToBgrCuda, I420FullRangeOddBlockMatchesCpu) {
  PANORAMA_REQUIRE_GPU();
  EXPECT_LE(max_diff_against_cpu(PixelFormat::I420, 722, 406, true), 1);  // not a multiple of the block
}

TEST(YuvToBgrCuda, UnalignedRowsRowTailsAndBothKernelsMatchCpu) {
  PANORAMA_REQUIRE_GPU();
  for (int pixels_per_thread : {4, 1}) {  // 642: a 2-pixel tail after the 4-pixel runs
    EXPECT_LE(max_diff_against_cpu(PixelFormat::NV12, 642, 362, false, 1, pixels_per_thread), 1) << pixels_per_thread;
    EXPECT_LE(max_diff_against_cpu(PixelFormat::I420, 640, 360, true, 2, pixels_per_thread), 1) << pixels_per_thread;
  }
}

TEST(YuvToBgrCuda, RejectsAnUnknownPixelsPerThread) {
  PANORAMA_REQUIRE_GPU();
  try {
    max_diff_against_cpu(PixelFormat::NV12, 64, 64, false, 0, 3);
    FAIL() << "pixels_per_thread 3 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("pixels_per_thread"), std::string::npos) << e.what();
  }
}
