// CPU preprocessing: separable resampling over pixel_math.hpp's taps. Per output row: a vertical
// pass blends the row's source rows into one float row (all columns, vectorised), then a horizontal
// pass gathers each output column's taps, and a last loop normalises and writes each output channel
// (contiguous in NCHW). Column taps depend only on sizes and are computed once per call.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "image/preprocess_cpu.hpp"
#include "panoramasdk/core/parallel_for.hpp"

// Hot loops are compiled twice, for x86-64 with AVX2/FMA/F16C (Haswell and later) and for the baseline,
// and picked at load time: a wheel built for any x86-64 still runs 8-wide where it can.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PANORAMA_VECTOR_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define PANORAMA_VECTOR_CLONES
#endif

namespace panorama {

namespace {

using pixel_math::AxisTaps;

bool is_yuv(const PreprocessPlan& p) { return p.src.format == PixelFormat::NV12 || p.src.format == PixelFormat::I420; }

// Column taps as fixed-width arrays (unused taps have weight 0 on a valid index), so the horizontal
// loop has no per-column branching. Float rows are interleaved (packed sources: element 3x + c) or
// planar (YUV sources, converted plane by plane so that the conversion vectorises: c * width + x).
struct ColumnTaps {
  int width = 0;                // taps per column
  size_t channel_step = 1;      // elements between channels of one pixel in a float row
  std::vector<int> offset;      // element offset of the pixel per column and tap
  std::vector<float> weight;    // per column and tap
};

ColumnTaps column_taps(const PreprocessPlan& p) {
  ColumnTaps t;
  const int pixel_step = is_yuv(p) ? 1 : 3;
  t.channel_step = is_yuv(p) ? static_cast<size_t>(p.src.width) : 1;
  const int n = p.content.width;
  t.width = pixel_math::max_taps(p.resize, p.src.width, n);
  t.offset.assign(static_cast<size_t>(n) * t.width, 0);
  t.weight.assign(static_cast<size_t>(n) * t.width, 0.0f);
  for (int x = 0; x < n; ++x) {
    const AxisTaps a = pixel_math::resize_taps(p.resize, x, p.src.width, n);
    for (int k = 0; k < t.width; ++k) {
      const size_t i = static_cast<size_t>(x) * t.width + k;
      t.offset[i] = pixel_step * (a.first + std::min(k, a.count - 1));
      t.weight[i] = k < a.count ? pixel_math::tap_weight(a, k) : 0.0f;
    }
  }
  return t;
}

// Source rows as float pixel values for YUV input (planar B, G, R), converted once per row and kept
// in a ring big enough for one output row's taps (rows come in increasing order within a chunk).
class YuvRowCache {
 public:
  YuvRowCache(const PreprocessPlan& p, int slots)
      : p_(p),
        slots_(slots),
        tags_(slots, -1),
        rows_(static_cast<size_t>(slots) * 3 * p.src.width),
        chroma_(2 * static_cast<size_t>(p.src.width)) {}

  const float* row(int y) {
    const int slot = y % slots_;
    float* out = rows_.data() + static_cast<size_t>(slot) * 3 * p_.src.width;
    if (tags_[slot] != y) {
      convert(y, out);
      tags_[slot] = y;
    }
    return out;
  }

 private:
  void convert(int y, float* out) {
    const ImageView& s = p_.src;
    const uint8_t* luma = s.planes[0] + static_cast<size_t>(y) * s.strides[0];
    const size_t cy = static_cast<size_t>(y / 2);
    const uint8_t* c1 = s.planes[1] + cy * s.strides[1];
    const int w = s.width;
    float* __restrict u = chroma_.data();
    float* __restrict v = u + w;
    if (s.format == PixelFormat::I420) {
      const uint8_t* c2 = s.planes[2] + cy * s.strides[2];
      for (int i = 0; i < w / 2; ++i) {
        u[2 * i] = u[2 * i + 1] = c1[i];
        v[2 * i] = v[2 * i + 1] = c2[i];
      }
    } else {
      for (int i = 0; i < w / 2; ++i) {
        u[2 * i] = u[2 * i + 1] = c1[2 * i];
        v[2 * i] = v[2 * i + 1] = c1[2 * i + 1];
      }
    }
    convert_pixels(luma, u, v, w, p_.full_range, out, out + w, out + 2 * w);
  }

  PANORAMA_VECTOR_CLONES static void convert_pixels(const uint8_t* __restrict luma, const float* __restrict u, const float* __restrict v,
                             int w, bool full_range, float* __restrict b, float* __restrict g, float* __restrict r) {
    for (int x = 0; x < w; ++x) {
      float bgr[3];
      pixel_math::yuv_to_bgr(luma[x], u[x], v[x], full_range, bgr);
      b[x] = bgr[0];
      g[x] = bgr[1];
      r[x] = bgr[2];
    }
  }

  const PreprocessPlan& p_;
  int slots_;
  std::vector<int> tags_;
  std::vector<float> rows_;
  std::vector<float> chroma_;  // U and V of the row, one per pixel
};

// acc = sum of w_k * row_k over n elements; T is uint8_t (packed source) or float (converted YUV).
template <typename T>
PANORAMA_VECTOR_CLONES void blend_rows(const AxisTaps& ty, const T* const* rows, size_t n, float* __restrict acc) {
  const T* __restrict r0 = rows[0];
  const float w0 = ty.w_first;
  if (ty.count == 1) {
    for (size_t i = 0; i < n; ++i) acc[i] = static_cast<float>(r0[i]);
    return;
  }
  if (ty.count == 2) {
    const T* __restrict r1 = rows[1];
    const float w1 = ty.w_last;
    for (size_t i = 0; i < n; ++i) acc[i] = w0 * static_cast<float>(r0[i]) + w1 * static_cast<float>(r1[i]);
    return;
  }
  for (size_t i = 0; i < n; ++i) acc[i] = w0 * static_cast<float>(r0[i]);
  for (int k = 1; k < ty.count; ++k) {
    const T* __restrict r = rows[k];
    const float w = pixel_math::tap_weight(ty, k);
    for (size_t i = 0; i < n; ++i) acc[i] += w * static_cast<float>(r[i]);
  }
}

// Horizontal pass: ch[c][x] = resampled source channel c at content column x.
PANORAMA_VECTOR_CLONES void gather_columns(const ColumnTaps& t, int n, const float* __restrict row, float* __restrict c0,
                    float* __restrict c1, float* __restrict c2) {
  const int* off = t.offset.data();
  const float* w = t.weight.data();
  const size_t s1 = t.channel_step, s2 = 2 * t.channel_step;
  if (t.width == 2) {
    for (int x = 0; x < n; ++x) {
      const float* a = row + off[2 * x];
      const float* b = row + off[2 * x + 1];
      const float wa = w[2 * x], wb = w[2 * x + 1];
      c0[x] = wa * a[0] + wb * b[0];
      c1[x] = wa * a[s1] + wb * b[s1];
      c2[x] = wa * a[s2] + wb * b[s2];
    }
    return;
  }
  const int k_n = t.width;
  for (int x = 0; x < n; ++x) {
    float a0 = 0, a1 = 0, a2 = 0;
    for (int k = 0; k < k_n; ++k) {
      const float* a = row + off[x * k_n + k];
      const float wk = w[x * k_n + k];
      a0 += wk * a[0];
      a1 += wk * a[s1];
      a2 += wk * a[s2];
    }
    c0[x] = a0;
    c1[x] = a1;
    c2[x] = a2;
  }
}

// Normalises n values of one output channel and stores them `step` elements apart.
template <typename Out>
PANORAMA_VECTOR_CLONES void store_channel(const float* __restrict v, int n, float mul, float add, Out* __restrict out, size_t step) {
  for (int x = 0; x < n; ++x) {
    const float value = pixel_math::normalise(v[x], mul, add);
    if constexpr (sizeof(Out) == 2)
      out[x * step] = pixel_math::float_to_half_bits(value);
    else
      out[x * step] = value;
  }
}

template <typename Out>
void fill_channel(int n, float value, Out* __restrict out, size_t step) {
  Out v;
  if constexpr (sizeof(Out) == 2)
    v = pixel_math::float_to_half_bits(value);
  else
    v = value;
  for (int x = 0; x < n; ++x) out[x * step] = v;
}

template <typename Out>
class RowKernel {
 public:
  RowKernel(const PreprocessPlan& p, const ColumnTaps& cols, Out* out) : p_(p), cols_(cols), out_(out) {
    acc_.resize(3 * static_cast<size_t>(p.src.width));
    for (auto& c : channels_) c.resize(static_cast<size_t>(p.content.width));
    const int row_slots = pixel_math::max_taps(p.resize, p.src.height, p.content.height);
    float_rows_.resize(static_cast<size_t>(row_slots));
    byte_rows_.resize(static_cast<size_t>(row_slots));
    if (is_yuv(p)) yuv_ = std::make_unique<YuvRowCache>(p, row_slots);
  }

  void run(int oy) {
    const int cy = oy - p_.content.y;
    if (cy < 0 || cy >= p_.content.height) {
      for (int c = 0; c < 3; ++c) fill(oy, c, 0, p_.out_width, pad(c));
      return;
    }
    const AxisTaps ty = pixel_math::resize_taps(p_.resize, cy, p_.src.height, p_.content.height);
    const size_t n = acc_.size();
    if (yuv_) {
      for (int k = 0; k < ty.count; ++k) float_rows_[k] = yuv_->row(ty.first + k);
      blend_rows(ty, float_rows_.data(), n, acc_.data());
    } else {
      for (int k = 0; k < ty.count; ++k)
        byte_rows_[k] = p_.src.planes[0] + static_cast<size_t>(ty.first + k) * p_.src.strides[0];
      blend_rows(ty, byte_rows_.data(), n, acc_.data());
    }
    const int w = p_.content.width;
    gather_columns(cols_, w, acc_.data(), channels_[0].data(), channels_[1].data(), channels_[2].data());
    for (int c = 0; c < 3; ++c) {
      fill(oy, c, 0, p_.content.x, pad(c));
      store_channel(channels_[p_.channel_source[c]].data(), w, p_.mul[c], p_.add[c], at(oy, c, p_.content.x), step());
      fill(oy, c, p_.content.x + w, p_.out_width - p_.content.x - w, pad(c));
    }
  }

 private:
  float pad(int c) const { return pixel_math::normalise(p_.pad_value, p_.mul[c], p_.add[c]); }
  size_t step() const { return p_.layout == TensorLayout::NCHW ? 1 : 3; }
  Out* at(int oy, int c, int ox) const { return out_ + pixel_math::output_index(p_, ox, oy, c); }
  void fill(int oy, int c, int x, int n, float value) {
    if (n > 0) fill_channel(n, value, at(oy, c, x), step());
  }

  const PreprocessPlan& p_;
  const ColumnTaps& cols_;
  Out* out_;
  std::vector<float> acc_;
  std::vector<float> channels_[3];
  std::vector<const float*> float_rows_;   // this row's source rows (YUV, converted)
  std::vector<const uint8_t*> byte_rows_;  // this row's source rows (packed)
  std::unique_ptr<YuvRowCache> yuv_;
};

template <typename Out>
void run_rows(const PreprocessPlan& p, Out* out, int threads) {
  const ColumnTaps cols = column_taps(p);
  // Small outputs are not worth waking workers for: at least 16 rows per thread.
  const int useful = std::max(1, p.out_height / 16);
  const int t = std::min(threads <= 0 ? default_cpu_threads() : threads, useful);
  parallel_for(static_cast<size_t>(p.out_height), t, [&](size_t begin, size_t end) {
    RowKernel<Out> kernel(p, cols, out);
    for (size_t y = begin; y < end; ++y) kernel.run(static_cast<int>(y));
  });
}

}  // namespace

void run_preprocess_cpu(const PreprocessPlan& plan, void* out, int threads) {
  if (plan.half)
    run_rows(plan, static_cast<uint16_t*>(out), threads);
  else
    run_rows(plan, static_cast<float*>(out), threads);
}

}  // namespace panorama
