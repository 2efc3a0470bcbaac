#pragma once
// Per-pixel maths of preprocessing (resize, colour conversion, normalisation, tensor layout, float16),
// shared by the CPU variant (src/image/preprocess_cpu.cpp) and the CUDA variant, so both agree by
// construction. Plain inline functions on plain structs: no allocation, no exceptions, no library calls,
// no checks. Everything here trusts a PreprocessPlan that plan_preprocess() (preprocess.hpp) validated
// on the host; a CUDA kernel computes output pixel (ox, oy) with preprocess_pixel(plan, ox, oy, out).
//
// Semantics (what "the value of a source pixel" and "resizing" mean):
// - Packed BGR/RGB: source pixel (x, y) is its three bytes as floats, in stored order.
// - NV12/I420 (YUV 4:2:0, 8 bit): source pixel (x, y) is the BGR of luma Y(x, y) with the chroma
//   sample (x/2, y/2) (nearest, no chroma interpolation), BT.601, limited range (Y 16..235, C 16..240,
//   FFmpeg's default for SD/HD H.264 without colour tags) or full range; clamped to 0..255 in float,
//   never rounded to uint8. Resizing samples those values.
// - Coordinates are pixel-centre aligned: output pixel i of a content region of size n covers source
//   interval [i*src/n, (i+1)*src/n), its centre maps to (i + 0.5)*src/n - 0.5 in source pixel indices.
// - Bilinear: cv2.INTER_LINEAR's taps (two neighbours, replicated border), with weights computed
//   exactly from integers (no accumulated float position error).
// - Area, per axis: where the axis shrinks or keeps its size (src >= dst), the exact box average of
//   the source interval (cv2.INTER_AREA for downscaling; cv2 drops overlaps under 1e-3 of a pixel,
//   we keep them). Where the axis grows (src < dst), cv2.INTER_AREA's upscaling rule: two taps,
//   sx = floor(i*src/dst), weight of sx+1 = max(0, (i+1) - (sx+1)*dst/src). cv2 picks one rule for
//   both axes (box only when neither grows); we pick per axis, so a mixed resize differs from cv2.
// - Letterbox: the source keeps its aspect ratio, scaled to fit, centred (integer padding, the extra
//   pixel right/bottom); pixels outside it hold pad_value (source units), normalised like the others.
// - Normalisation: out = (v * scale - mean) / std, precomputed on the host as v * mul + add.
// - Float16: round to nearest even, overflow to infinity, as numpy's astype(float16) does.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "panoramasdk/core/host_device.hpp"

namespace panorama {

// How a source image is laid out in memory.
//   BGR, RGB: planes[0] = packed 3-byte pixels, rows strides[0] bytes apart.
//   NV12: planes[0] = Y (width x height), planes[1] = interleaved U,V (width/2 pairs x height/2).
//   I420: planes[0] = Y, planes[1] = U, planes[2] = V (width/2 x height/2 each).
enum class PixelFormat : uint8_t { BGR, RGB, NV12, I420 };
enum class ResizeMethod : uint8_t { Bilinear, Area };
enum class TensorLayout : uint8_t { NCHW, NHWC };

// A source image in memory (host or device pointers, not owned). Unused planes are null.
struct ImageView {
  PixelFormat format = PixelFormat::BGR;
  int width = 0;
  int height = 0;
  const uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  size_t strides[3] = {0, 0, 0};  // bytes between row starts, per plane
};

// Where the resized source lies inside the output tensor (the whole tensor unless letterboxed).
struct ContentRect {
  int x = 0, y = 0, width = 0, height = 0;
};

// Everything needed to compute one output pixel; built and validated by plan_preprocess().
struct PreprocessPlan {
  ImageView src;
  bool full_range = false;  // YUV only: full-range (0..255) instead of limited range
  ResizeMethod resize = ResizeMethod::Bilinear;
  int out_width = 0, out_height = 0;
  ContentRect content;
  int channel_source[3] = {0, 1, 2};  // output channel c takes source channel channel_source[c]
  float mul[3] = {1, 1, 1};           // per output channel: scale / std
  float add[3] = {0, 0, 0};           // per output channel: -mean / std
  float pad_value = 0;                // source units, outside the content rectangle
  TensorLayout layout = TensorLayout::NCHW;
  bool half = false;                  // float16 output (else float32)
};

namespace pixel_math {

// The source pixels one output pixel reads along one axis: indices first .. first+count-1, weights
// w_first, then w_mid for the inner ones, then w_last (count == 1: w_first only). Weights sum to 1.
struct AxisTaps {
  int first = 0;
  int count = 1;
  float w_first = 1, w_mid = 0, w_last = 0;
};

PANORAMA_HD inline float tap_weight(const AxisTaps& t, int k) {
  return k == 0 ? t.w_first : (k == t.count - 1 ? t.w_last : t.w_mid);
}

// floor(a / b) for b > 0.
PANORAMA_HD inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Two taps (left, left+1) with weight `frac` for the right one; count 1 when it has no weight or
// lies past the border (cv2 replicates the border pixel there).
PANORAMA_HD inline AxisTaps two_taps(int left, float frac, int src_size) {
  AxisTaps t;
  if (left < 0) {
    left = 0;
    frac = 0;
  }
  if (left >= src_size - 1) {
    left = src_size - 1;
    frac = 0;
  }
  t.first = left;
  if (frac > 0) {
    t.count = 2;
    t.w_first = 1.0f - frac;
    t.w_last = frac;
  }
  return t;
}

// cv2.INTER_LINEAR along one axis: centre (i + 0.5) * src/dst - 0.5, as the exact fraction
// ((2i + 1) * src - dst) / (2 * dst).
PANORAMA_HD inline AxisTaps bilinear_taps(int i, int src_size, int dst_size) {
  const int64_t den = 2 * static_cast<int64_t>(dst_size);
  const int64_t num = (2 * static_cast<int64_t>(i) + 1) * src_size - dst_size;
  const int64_t left = floor_div(num, den);
  const float frac = static_cast<float>(num - left * den) / static_cast<float>(den);
  return two_taps(static_cast<int>(left), frac, src_size);
}

// Area along one axis (see the top of this file): exact box overlap when src >= dst, cv2's
// INTER_AREA upscaling rule when src < dst. Positions in units of 1/dst source pixels.
PANORAMA_HD inline AxisTaps area_taps(int i, int src_size, int dst_size) {
  const int64_t src = src_size, dst = dst_size;
  if (src < dst) {
    const int64_t left = (static_cast<int64_t>(i) * src) / dst;
    const int64_t num = (static_cast<int64_t>(i) + 1) * src - (left + 1) * dst;  // (i+1) - (left+1)*dst/src, times src
    const float frac = num > 0 ? static_cast<float>(num) / static_cast<float>(src) : 0.0f;
    return two_taps(static_cast<int>(left), frac, src_size);
  }
  const int64_t start = static_cast<int64_t>(i) * src, end = start + src;  // [start, end) / dst
  AxisTaps t;
  const int64_t first = start / dst, last = (end - 1) / dst;
  t.first = static_cast<int>(first);
  t.count = static_cast<int>(last - first + 1);
  const float cell = static_cast<float>(src);
  if (t.count == 1) return t;  // w_first = 1
  t.w_first = static_cast<float>((first + 1) * dst - start) / cell;
  t.w_mid = static_cast<float>(dst) / cell;
  t.w_last = static_cast<float>(end - last * dst) / cell;
  return t;
}

PANORAMA_HD inline AxisTaps resize_taps(ResizeMethod method, int i, int src_size, int dst_size) {
  return method == ResizeMethod::Area ? area_taps(i, src_size, dst_size) : bilinear_taps(i, src_size, dst_size);
}

// The most taps resize_taps() gives along an axis (for sizing buffers): 2, or ceil(src/dst) + 1.
PANORAMA_HD inline int max_taps(ResizeMethod method, int src_size, int dst_size) {
  if (method == ResizeMethod::Bilinear || src_size < dst_size) return 2;
  return (src_size + dst_size - 1) / dst_size + 1;
}

// Letterbox: the largest src-shaped rectangle inside out (sizes rounded to nearest, at least 1),
// centred with integer padding.
PANORAMA_HD inline ContentRect letterbox_rect(int src_width, int src_height, int out_width, int out_height) {
  const int64_t sw = src_width, sh = src_height, ow = out_width, oh = out_height;
  ContentRect r;
  if (ow * sh <= oh * sw) {  // width limits: scale = ow / sw
    r.width = out_width;
    r.height = static_cast<int>((2 * sh * ow + sw) / (2 * sw));
  } else {  // height limits: scale = oh / sh
    r.height = out_height;
    r.width = static_cast<int>((2 * sw * oh + sh) / (2 * sh));
  }
  r.width = r.width < 1 ? 1 : (r.width > out_width ? out_width : r.width);
  r.height = r.height < 1 ? 1 : (r.height > out_height ? out_height : r.height);
  r.x = (out_width - r.width) / 2;
  r.y = (out_height - r.height) / 2;
  return r;
}

// Two plain selects (maxss/minss on x86, fmaxf/fminf on a GPU): no branches in the colour conversion.
PANORAMA_HD inline float clamp_255(float v) {
  v = v > 0.0f ? v : 0.0f;
  return v < 255.0f ? v : 255.0f;
}

// BT.601 YCbCr -> BGR of one pixel, clamped to 0..255 (not rounded). Kr = 0.299, Kb = 0.114.
PANORAMA_HD inline void yuv_to_bgr(float y, float u, float v, bool full_range, float bgr[3]) {
  constexpr float kCr = 1.402f;                   // 2 (1 - Kr)
  constexpr float kCb = 1.772f;                   // 2 (1 - Kb)
  constexpr float kGCb = 0.114f * 1.772f / 0.587f;  // 2 Kb (1 - Kb) / Kg
  constexpr float kGCr = 0.299f * 1.402f / 0.587f;  // 2 Kr (1 - Kr) / Kg
  float yy, cb, cr;
  if (full_range) {
    yy = y;
    cb = u - 128.0f;
    cr = v - 128.0f;
  } else {
    yy = (y - 16.0f) * (255.0f / 219.0f);
    cb = (u - 128.0f) * (255.0f / 224.0f);
    cr = (v - 128.0f) * (255.0f / 224.0f);
  }
  bgr[0] = clamp_255(yy + kCb * cb);
  bgr[1] = clamp_255(yy - kGCb * cb - kGCr * cr);
  bgr[2] = clamp_255(yy + kCr * cr);
}

// The value of source pixel (x, y), three channels: stored order for BGR/RGB, BGR for YUV.
PANORAMA_HD inline void source_pixel(const ImageView& s, bool full_range, int x, int y, float px[3]) {
  const uint8_t* row0 = s.planes[0] + static_cast<size_t>(y) * s.strides[0];
  if (s.format == PixelFormat::BGR || s.format == PixelFormat::RGB) {
    const uint8_t* p = row0 + 3 * static_cast<size_t>(x);
    px[0] = p[0];
    px[1] = p[1];
    px[2] = p[2];
    return;
  }
  const size_t cy = static_cast<size_t>(y / 2), cx = static_cast<size_t>(x / 2);
  float u, v;
  if (s.format == PixelFormat::NV12) {
    const uint8_t* uv = s.planes[1] + cy * s.strides[1] + 2 * cx;
    u = uv[0];
    v = uv[1];
  } else {
    u = s.planes[1][cy * s.strides[1] + cx];
    v = s.planes[2][cy * s.strides[2] + cx];
  }
  yuv_to_bgr(row0[x], u, v, full_range, px);
}

// The weighted sum of the source pixels under taps tx x ty, in source channel order. The order of the
// additions is part of the definition: the CPU and CUDA variants use this function, so they agree bit
// for bit.
PANORAMA_HD inline void blend_taps(const ImageView& src, bool full_range, const AxisTaps& tx, const AxisTaps& ty,
                                   float v[3]) {
  v[0] = v[1] = v[2] = 0.0f;
  for (int ky = 0; ky < ty.count; ++ky) {
    const float wy = tap_weight(ty, ky);
    float row[3] = {0.0f, 0.0f, 0.0f};
    for (int kx = 0; kx < tx.count; ++kx) {
      const float wx = tap_weight(tx, kx);
      float px[3];
      source_pixel(src, full_range, tx.first + kx, ty.first + ky, px);
      row[0] += wx * px[0];
      row[1] += wx * px[1];
      row[2] += wx * px[2];
    }
    v[0] += wy * row[0];
    v[1] += wy * row[1];
    v[2] += wy * row[2];
  }
}

// The resampled value at output pixel (ox, oy), in source channel order: pad_value outside the
// content rectangle.
PANORAMA_HD inline void resample_pixel(const PreprocessPlan& p, int ox, int oy, float v[3]) {
  const int cx = ox - p.content.x, cy = oy - p.content.y;
  if (cx < 0 || cy < 0 || cx >= p.content.width || cy >= p.content.height) {
    v[0] = v[1] = v[2] = p.pad_value;
    return;
  }
  const AxisTaps tx = resize_taps(p.resize, cx, p.src.width, p.content.width);
  const AxisTaps ty = resize_taps(p.resize, cy, p.src.height, p.content.height);
  blend_taps(p.src, p.full_range, tx, ty, v);
}

// (v * scale - mean) / std as v * mul + add.
PANORAMA_HD inline float normalise(float v, float mul, float add) { return v * mul + add; }

// float -> IEEE half bits, round to nearest even (numpy's astype(float16)).
PANORAMA_HD inline uint16_t float_to_half_bits(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t a = x & 0x7fffffffu;
  if (a > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504: inf
  if (a >= 0x38800000u) {                                               // normal half
    const uint32_t r = a + 0xfffu + ((a >> 13) & 1u);
    return static_cast<uint16_t>(sign | ((r - 0x38000000u) >> 13));
  }
  // Subnormal half: units of 2^-24.
  const int shift = 126 - static_cast<int>(a >> 23);
  if (shift > 24) return sign;
  const uint32_t mant = (a & 0x7fffffu) | 0x800000u;
  uint32_t q = mant >> shift;
  const uint32_t rem = mant & ((1u << shift) - 1u), half = 1u << (shift - 1);
  if (rem > half || (rem == half && (q & 1u))) ++q;
  return static_cast<uint16_t>(sign | q);
}

// Element index of channel c of output pixel (ox, oy) in one item.
PANORAMA_HD inline size_t output_index(const PreprocessPlan& p, int ox, int oy, int c) {
  const size_t plane = static_cast<size_t>(p.out_width) * static_cast<size_t>(p.out_height);
  const size_t pixel = static_cast<size_t>(oy) * static_cast<size_t>(p.out_width) + static_cast<size_t>(ox);
  return p.layout == TensorLayout::NCHW ? static_cast<size_t>(c) * plane + pixel : pixel * 3 + static_cast<size_t>(c);
}

// Writes one normalised value (float32 or float16 bits).
PANORAMA_HD inline void store_value(const PreprocessPlan& p, void* out, size_t index, float value) {
  if (p.half)
    static_cast<uint16_t*>(out)[index] = float_to_half_bits(value);
  else
    static_cast<float*>(out)[index] = value;
}

// The whole operation for output pixel (ox, oy): the body of a one-thread-per-pixel kernel, and the
// reference the CPU variant's separable loops are tested against.
PANORAMA_HD inline void preprocess_pixel(const PreprocessPlan& p, int ox, int oy, void* out) {
  float v[3];
  resample_pixel(p, ox, oy, v);
  for (int c = 0; c < 3; ++c)
    store_value(p, out, output_index(p, ox, oy, c), normalise(v[p.channel_source[c]], p.mul[c], p.add[c]));
}

}  // namespace pixel_math
}  // namespace panorama
