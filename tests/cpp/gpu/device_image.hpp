#pragma once
// Test images in host memory (the test pattern plus noise, padded row strides) and their copies on
// the device, for comparing the CUDA kernels with their CPU oracles on the same pixels.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/image/pixel_math.hpp"
#include "panoramasdk/media/test_pattern.hpp"

namespace panorama::testing {

struct HostImage {
  PixelFormat format = PixelFormat::BGR;
  int width = 0, height = 0;
  std::vector<uint8_t> planes[3];
  size_t strides[3] = {0, 0, 0};

  ImageView view() const {
    ImageView v;
    v.format = format;
    v.width = width;
    v.height = height;
    for (int i = 0; i < 3; ++i) {
      v.planes[i] = planes[i].empty() ? nullptr : planes[i].data();
      v.strides[i] = strides[i];
    }
    return v;
  }
};

// Frame `seed` of the test pattern with noise (so resampling sees texture, not flat bars); YUV formats
// get a luma from it and smooth chroma gradients. Rows are padded by 64 bytes.
inline HostImage make_image(PixelFormat format, int width, int height, int seed) {
  HostImage img;
  img.format = format;
  img.width = width;
  img.height = height;
  std::vector<uint8_t> bgr(static_cast<size_t>(width) * height * 3);
  draw_test_pattern(bgr.data(), width, height, static_cast<size_t>(width) * 3, seed);
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::uniform_int_distribution<int> noise(-24, 24);
  auto noisy = [&](int v) { return static_cast<uint8_t>(std::clamp(v + noise(rng), 0, 255)); };
  auto plane = [&](int i, size_t row_bytes, int rows) {
    img.strides[i] = row_bytes + 64;
    img.planes[i].assign(img.strides[i] * rows, 0);
  };
  if (format == PixelFormat::BGR || format == PixelFormat::RGB) {
    plane(0, static_cast<size_t>(width) * 3, height);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width * 3; ++x)
        img.planes[0][y * img.strides[0] + x] = noisy(bgr[(static_cast<size_t>(y) * width) * 3 + x]);
    return img;
  }
  plane(0, width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = &bgr[(static_cast<size_t>(y) * width + x) * 3];
      img.planes[0][y * img.strides[0] + x] = noisy((29 * p[0] + 150 * p[1] + 77 * p[2]) / 256);
    }
  const int cw = width / 2, ch = height / 2;
  auto u_at = [&](int x, int y) { return noisy(64 + 128 * x / cw); };
  auto v_at = [&](int x, int y) { return noisy(200 - 150 * y / ch); };
  if (format == PixelFormat::NV12) {
    plane(1, width, ch);
    for (int y = 0; y < ch; ++y)
      for (int x = 0; x < cw; ++x) {
        img.planes[1][y * img.strides[1] + 2 * x] = u_at(x, y);
        img.planes[1][y * img.strides[1] + 2 * x + 1] = v_at(x, y);
      }
  } else {
    plane(1, cw, ch);
    plane(2, cw, ch);
    for (int y = 0; y < ch; ++y)
      for (int x = 0; x < cw; ++x) {
        img.planes[1][y * img.strides[1] + x] = u_at(x, y);
        img.planes[2][y * img.strides[2] + x] = v_at(x, y);
      }
  }
  return img;
}

// A copy of a host image in device memory (same strides).
struct DeviceImage {
  DeviceBuffer planes[3];
  ImageView view;

  DeviceImage(const HostImage& host, CudaStreamHandle stream) {
    view = host.view();
    for (int i = 0; i < 3; ++i) {
      if (host.planes[i].empty()) continue;
      planes[i] = DeviceBuffer(host.planes[i].size());
      copy_host_to_device(planes[i].data(), host.planes[i].data(), host.planes[i].size(), stream);
      view.planes[i] = planes[i].as<uint8_t>();
    }
  }
};

// IEEE half bits -> float (for comparing float16 tensors).
inline float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    const float v = static_cast<float>(mant) * (1.0f / 16777216.0f);  // subnormal: mant * 2^-24
    std::memcpy(&bits, &v, sizeof bits);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace panorama::testing
