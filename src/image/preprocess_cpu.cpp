// CPU preprocessing: separable resampling over pixel_math.hpp's taps, horizontal pass first.
// Each source row a chunk needs is resampled once to the content width (only the columns that
// are read, into three planar float rows) and kept in a small ring; an output row then blends its
// source rows' resampled values, normalises and writes each output channel (contiguous in NCHW)
// in one loop. Column taps depend only on sizes: they are cached per calling thread.
//
// On x86-64 CPUs with AVX2/FMA/F16C (checked at run time) the column pass works 8 columns at a time
// (two-tap resizes with one 8-byte load per column, wider area taps with gathers) and the store
// converts to float16 with F16C (round to nearest even, as numpy); other CPUs (and aarch64) run the
// portable loops, which the compiler vectorises where it can.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PANORAMA_X86_AVX2 1
#define PANORAMA_AVX2_TARGET __attribute__((target("avx2,fma,f16c")))
#else
#define PANORAMA_X86_AVX2 0
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// x86-64-v3 = AVX2/FMA/F16C by feature (arch=haswell would dispatch by CPU model and skip AMD).
#define PANORAMA_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PANORAMA_VECTOR_CLONES
#endif

#include "image/preprocess_cpu.hpp"
#include "panoramasdk/core/parallel_for.hpp"

namespace panorama {

namespace {

using pixel_math::AxisTaps;

bool is_yuv(const PreprocessPlan& p) { return p.src.format == PixelFormat::NV12 || p.src.format == PixelFormat::I420; }

#if PANORAMA_X86_AVX2
bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          __builtin_cpu_supports("f16c");
  return has;
}
#else
bool cpu_has_avx2() { return false; }
#endif

// Column taps as fixed-width tables, tap-major (entry k * n + x), so that the k-th taps of 8
// neighbouring columns load as one vector; unused taps have weight 0 on a valid index. Source rows
// are packed bytes (element 3x + c) or, for YUV, planar converted floats (c * width + x).
struct ColumnTaps {
  ResizeMethod method = ResizeMethod::Bilinear;
  int src_width = 0, n = 0;  // source width, content columns
  bool planar = false;
  int taps = 0;              // taps per column
  size_t channel_step = 1;   // elements between channels of one pixel in a source row
  int vector_columns = 0;    // leading columns (a multiple of 8) the 8-wide gathers may read
  int pair_columns = 0;      // two taps: leading columns (a multiple of 8) read 8 bytes (packed) or 2 floats at a time
  std::vector<int> offset;   // element offset of the tap's pixel
  std::vector<float> weight;

  bool fits(const PreprocessPlan& p) const {
    return method == p.resize && src_width == p.src.width && n == p.content.width && planar == is_yuv(p);
  }
};

void build_column_taps(const PreprocessPlan& p, ColumnTaps& t) {
  t.method = p.resize;
  t.src_width = p.src.width;
  t.n = p.content.width;
  t.planar = is_yuv(p);
  const int pixel_step = t.planar ? 1 : 3;
  t.channel_step = t.planar ? static_cast<size_t>(p.src.width) : 1;
  const int n = t.n;
  t.taps = pixel_math::max_taps(p.resize, p.src.width, n);
  t.offset.assign(static_cast<size_t>(n) * t.taps, 0);
  t.weight.assign(static_cast<size_t>(n) * t.taps, 0.0f);
  // Packed rows are gathered 4 bytes a pixel: the last pixel of a row is read by the scalar loop.
  int safe = 0, pair_safe = 0;
  for (int x = 0; x < n; ++x) {
    const AxisTaps a = pixel_math::resize_taps(p.resize, x, p.src.width, n);
    for (int k = 0; k < t.taps; ++k) {
      const size_t i = static_cast<size_t>(k) * n + x;
      t.offset[i] = pixel_step * (a.first + std::min(k, a.count - 1));
      t.weight[i] = k < a.count ? pixel_math::tap_weight(a, k) : 0.0f;
    }
    if (t.planar || a.first + a.count - 1 < p.src.width - 1) safe = x + 1;  // columns are monotone
    if (t.taps == 2 && (t.planar || a.first + 3 <= p.src.width)) pair_safe = x + 1;
  }
  t.vector_columns = safe / 8 * 8;
  t.pair_columns = pair_safe / 8 * 8;
}

// Taps of the calling thread's last sizes: a video stream's frames share them.
const ColumnTaps& column_taps(const PreprocessPlan& p) {
  thread_local ColumnTaps cached;
  if (!cached.fits(p) || cached.offset.empty()) build_column_taps(p, cached);
  return cached;
}

// Source rows as float pixel values for YUV input (planar B, G, R), converted once per row and kept
// in a ring big enough for one output row's taps (rows come in increasing order within a chunk).
class YuvRowCache {
 public:
  YuvRowCache(const PreprocessPlan& p, int slots)
      : p_(p),
        slots_(slots),
        tags_(slots, -1),
        rows_(static_cast<size_t>(slots) * 3 * p.src.width + 1),  // + 1: see resample_pairs_avx2
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
    const int w = s.width;
    if (chroma_row_ != y / 2) expand_chroma(y / 2);  // two luma rows share a chroma row
    const float* u = chroma_.data();
    convert_pixels(luma, u, u + w, w, p_.full_range, out, out + w, out + 2 * w);
  }

  // U and V of chroma row cy, one per luma pixel.
  void expand_chroma(int cy) {
    const ImageView& s = p_.src;
    const uint8_t* c1 = s.planes[1] + static_cast<size_t>(cy) * s.strides[1];
    const int w = s.width;
    float* __restrict u = chroma_.data();
    float* __restrict v = u + w;
    if (s.format == PixelFormat::I420) {
      const uint8_t* c2 = s.planes[2] + static_cast<size_t>(cy) * s.strides[2];
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
    chroma_row_ = cy;
  }

  // Cloned for AVX2 (picked at load time): the compiler vectorises the conversion 8 wide.
  PANORAMA_VECTOR_CLONES static void convert_pixels(const uint8_t* __restrict luma, const float* __restrict u,
                                                    const float* __restrict v, int w, bool full_range,
                                                    float* __restrict b, float* __restrict g, float* __restrict r) {
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
  int chroma_row_ = -1;        // the chroma row chroma_ holds
};

// Column pass of one source row from column `from` on: ch[c][x] = resampled source channel c.
// T is uint8_t (packed source) or float (converted YUV).
template <typename T>
void resample_columns(const ColumnTaps& t, const T* __restrict row, int from, float* __restrict c0,
                      float* __restrict c1, float* __restrict c2) {
  const size_t s1 = t.channel_step, s2 = 2 * t.channel_step, n = static_cast<size_t>(t.n);
  for (size_t x = static_cast<size_t>(from); x < n; ++x) {
    float a0 = 0, a1 = 0, a2 = 0;
    for (int k = 0; k < t.taps; ++k) {
      const T* a = row + t.offset[k * n + x];
      const float w = t.weight[k * n + x];
      a0 += w * static_cast<float>(a[0]);
      a1 += w * static_cast<float>(a[s1]);
      a2 += w * static_cast<float>(a[s2]);
    }
    c0[x] = a0;
    c1[x] = a1;
    c2[x] = a2;
  }
}

#if PANORAMA_X86_AVX2
// 8 columns at a time: one 4-byte gather per tap reads a packed pixel's three channels.
PANORAMA_AVX2_TARGET int resample_columns_avx2(const ColumnTaps& t, const uint8_t* row, float* c0, float* c1,
                                               float* c2) {
  const __m256i low_byte = _mm256_set1_epi32(0xff);
  const size_t n = static_cast<size_t>(t.n);
  const int* base = reinterpret_cast<const int*>(row);
  for (size_t x = 0; x < static_cast<size_t>(t.vector_columns); x += 8) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0;
    for (int k = 0; k < t.taps; ++k) {
      const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.offset.data() + k * n + x));
      const __m256 w = _mm256_loadu_ps(t.weight.data() + k * n + x);
      const __m256i px = _mm256_i32gather_epi32(base, idx, 1);
      a0 = _mm256_fmadd_ps(w, _mm256_cvtepi32_ps(_mm256_and_si256(px, low_byte)), a0);
      a1 = _mm256_fmadd_ps(w, _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(px, 8), low_byte)), a1);
      a2 = _mm256_fmadd_ps(w, _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(px, 16), low_byte)), a2);
    }
    _mm256_storeu_ps(c0 + x, a0);
    _mm256_storeu_ps(c1 + x, a1);
    _mm256_storeu_ps(c2 + x, a2);
  }
  return t.vector_columns;
}

// Two neighbouring taps (bilinear), packed: one 8-byte load per column holds both taps' three
// channels (gathers are slow on some CPUs, AMD Zen among them). Per 128-bit lane, A holds columns
// (0, 1 | 4, 5) and B (2, 3 | 6, 7) of the 8, so that unpacking their shuffled halves gives columns
// 0..7 in order.
PANORAMA_AVX2_TARGET int resample_pairs_avx2(const ColumnTaps& t, const uint8_t* row, float* c0, float* c1,
                                             float* c2) {
  __m256i channel[3];  // per lane: dwords (column a tap 0, column b tap 0, a tap 1, b tap 1), bytes zero-extended
  for (int c = 0; c < 3; ++c) {
    alignas(32) int8_t m[32];
    const int8_t source[4] = {static_cast<int8_t>(c), static_cast<int8_t>(8 + c), static_cast<int8_t>(3 + c),
                              static_cast<int8_t>(11 + c)};
    for (int i = 0; i < 32; ++i) m[i] = i % 4 == 0 ? source[(i % 16) / 4] : static_cast<int8_t>(-128);
    channel[c] = _mm256_load_si256(reinterpret_cast<const __m256i*>(m));
  }
  const size_t n = static_cast<size_t>(t.n);
  const int* off = t.offset.data();
  float* out[3] = {c0, c1, c2};
  auto bytes = [&](size_t x) { return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + off[x])); };
  auto pair = [&](size_t a, size_t b) { return _mm_unpacklo_epi64(bytes(a), bytes(b)); };
  for (size_t x = 0; x < static_cast<size_t>(t.pair_columns); x += 8) {
    const __m256i a = _mm256_inserti128_si256(_mm256_castsi128_si256(pair(x, x + 1)), pair(x + 4, x + 5), 1);
    const __m256i b = _mm256_inserti128_si256(_mm256_castsi128_si256(pair(x + 2, x + 3)), pair(x + 6, x + 7), 1);
    const __m256 w0 = _mm256_loadu_ps(t.weight.data() + x), w1 = _mm256_loadu_ps(t.weight.data() + n + x);
    for (int c = 0; c < 3; ++c) {
      const __m256i sa = _mm256_shuffle_epi8(a, channel[c]), sb = _mm256_shuffle_epi8(b, channel[c]);
      const __m256 tap0 = _mm256_cvtepi32_ps(_mm256_unpacklo_epi64(sa, sb));
      const __m256 tap1 = _mm256_cvtepi32_ps(_mm256_unpackhi_epi64(sa, sb));
      _mm256_storeu_ps(out[c] + x, _mm256_fmadd_ps(w1, tap1, _mm256_mul_ps(w0, tap0)));
    }
  }
  return t.pair_columns;
}

// The same for planar float rows (YUV): two floats a load, split into taps by shuffles. A column at the
// right border reads one float past its plane (weight 0): the row buffers have a float to spare.
PANORAMA_AVX2_TARGET int resample_pairs_avx2(const ColumnTaps& t, const float* row, float* c0, float* c1,
                                             float* c2) {
  const size_t n = static_cast<size_t>(t.n);
  const int* off = t.offset.data();
  float* out[3] = {c0, c1, c2};
  for (size_t x = 0; x < static_cast<size_t>(t.pair_columns); x += 8) {
    const __m256 w0 = _mm256_loadu_ps(t.weight.data() + x), w1 = _mm256_loadu_ps(t.weight.data() + n + x);
    for (int c = 0; c < 3; ++c) {
      const float* plane = row + c * t.channel_step;
      auto floats = [&](size_t i) { return _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(plane + off[i]))); };
      auto pair = [&](size_t i, size_t j) { return _mm_movelh_ps(floats(i), floats(j)); };
      const __m256 a = _mm256_insertf128_ps(_mm256_castps128_ps256(pair(x, x + 1)), pair(x + 4, x + 5), 1);
      const __m256 b = _mm256_insertf128_ps(_mm256_castps128_ps256(pair(x + 2, x + 3)), pair(x + 6, x + 7), 1);
      const __m256 tap0 = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
      const __m256 tap1 = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
      _mm256_storeu_ps(out[c] + x, _mm256_fmadd_ps(w1, tap1, _mm256_mul_ps(w0, tap0)));
    }
  }
  return t.pair_columns;
}

// Planar float rows (YUV): three gathers per tap.
PANORAMA_AVX2_TARGET int resample_columns_avx2(const ColumnTaps& t, const float* row, float* c0, float* c1,
                                               float* c2) {
  const size_t n = static_cast<size_t>(t.n), s1 = t.channel_step, s2 = 2 * t.channel_step;
  for (size_t x = 0; x < static_cast<size_t>(t.vector_columns); x += 8) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0;
    for (int k = 0; k < t.taps; ++k) {
      const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.offset.data() + k * n + x));
      const __m256 w = _mm256_loadu_ps(t.weight.data() + k * n + x);
      a0 = _mm256_fmadd_ps(w, _mm256_i32gather_ps(row, idx, 4), a0);
      a1 = _mm256_fmadd_ps(w, _mm256_i32gather_ps(row + s1, idx, 4), a1);
      a2 = _mm256_fmadd_ps(w, _mm256_i32gather_ps(row + s2, idx, 4), a2);
    }
    _mm256_storeu_ps(c0 + x, a0);
    _mm256_storeu_ps(c1 + x, a1);
    _mm256_storeu_ps(c2 + x, a2);
  }
  return t.vector_columns;
}
#endif

// Row pass and store of one output channel: out[x * step] = normalise(sum_k w[k] * rows[k][x]).
template <typename Out>
void blend_store(const float* const* rows, const float* w, int count, size_t from, size_t n, float mul, float add,
                 Out* __restrict out, size_t step) {
  for (size_t x = from; x < n; ++x) {
    float v = 0;
    for (int k = 0; k < count; ++k) v += w[k] * rows[k][x];
    const float value = pixel_math::normalise(v, mul, add);
    if constexpr (sizeof(Out) == 2)
      out[x * step] = pixel_math::float_to_half_bits(value);
    else
      out[x * step] = value;
  }
}

#if PANORAMA_X86_AVX2
// 8 values at a time; float16 through F16C, rounding to nearest even. Strided output (NHWC) goes
// through a small buffer so that both layouts get bit-identical values.
template <typename Out>
PANORAMA_AVX2_TARGET size_t blend_store_avx2(const float* const* rows, const float* w, int count, size_t n, float mul,
                                             float add, Out* out, size_t step) {
  const __m256 vmul = _mm256_set1_ps(mul), vadd = _mm256_set1_ps(add);
  alignas(32) Out staged[8];
  Out* dst = out;
  size_t x = 0;
  for (; x + 8 <= n; x += 8) {
    __m256 v = _mm256_mul_ps(_mm256_set1_ps(w[0]), _mm256_loadu_ps(rows[0] + x));
    for (int k = 1; k < count; ++k) v = _mm256_fmadd_ps(_mm256_set1_ps(w[k]), _mm256_loadu_ps(rows[k] + x), v);
    v = _mm256_fmadd_ps(v, vmul, vadd);
    if (step != 1) dst = staged;
    else dst = out + x;
    if constexpr (sizeof(Out) == 2)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
    else
      _mm256_storeu_ps(dst, v);
    if (step != 1)
      for (size_t i = 0; i < 8; ++i) out[(x + i) * step] = staged[i];
  }
  return x;
}
#endif

template <typename Out>
void fill_channel(int n, float value, Out* __restrict out, size_t step) {
  Out v;
  if constexpr (sizeof(Out) == 2)
    v = pixel_math::float_to_half_bits(value);
  else
    v = value;
  for (int x = 0; x < n; ++x) out[x * step] = v;
}

// One chunk of output rows. Source rows resampled to the content width are kept in a ring with a
// slot per tap, so rows shared by neighbouring output rows are resampled once.
template <typename Out>
class RowKernel {
 public:
  RowKernel(const PreprocessPlan& p, const ColumnTaps& cols, Out* out, bool avx2)
      : p_(p), cols_(cols), out_(out), avx2_(avx2) {
    slots_ = pixel_math::max_taps(p.resize, p.src.height, p.content.height);
    tags_.assign(static_cast<size_t>(slots_), -1);
    ring_.resize(static_cast<size_t>(slots_) * 3 * cols.n);
    resampled_.resize(static_cast<size_t>(slots_));
    rows_.resize(static_cast<size_t>(slots_));
    weights_.resize(static_cast<size_t>(slots_));
    if (is_yuv(p)) yuv_ = std::make_unique<YuvRowCache>(p, slots_);
  }

  void run(int oy) {
    const int cy = oy - p_.content.y;
    if (cy < 0 || cy >= p_.content.height) {
      for (int c = 0; c < 3; ++c) fill(oy, c, 0, p_.out_width, pad(c));
      return;
    }
    const AxisTaps ty = pixel_math::resize_taps(p_.resize, cy, p_.src.height, p_.content.height);
    const int count = ty.count;
    for (int k = 0; k < count; ++k) {
      resampled_[k] = resampled_row(ty.first + k);
      weights_[k] = pixel_math::tap_weight(ty, k);
    }
    const int w = p_.content.width;
    for (int c = 0; c < 3; ++c) {
      const size_t channel = static_cast<size_t>(p_.channel_source[c]) * w;
      for (int k = 0; k < count; ++k) rows_[k] = resampled_[k] + channel;
      fill(oy, c, 0, p_.content.x, pad(c));
      store(rows_.data(), weights_.data(), count, static_cast<size_t>(w), c, at(oy, c, p_.content.x));
      fill(oy, c, p_.content.x + w, p_.out_width - p_.content.x - w, pad(c));
    }
  }

 private:
  void store(const float* const* rows, const float* weights, int count, size_t n, int c, Out* out) {
    size_t done = 0;
#if PANORAMA_X86_AVX2
    if (avx2_) done = blend_store_avx2(rows, weights, count, n, p_.mul[c], p_.add[c], out, step());
#endif
    blend_store(rows, weights, count, done, n, p_.mul[c], p_.add[c], out, step());
  }

  // Source row y resampled to the content width: planar, channel c at c * n.
  const float* resampled_row(int y) {
    const int slot = y % slots_;
    float* dst = ring_.data() + static_cast<size_t>(slot) * 3 * cols_.n;
    if (tags_[slot] == y) return dst;
    tags_[slot] = y;
    float* c1 = dst + cols_.n;
    float* c2 = c1 + cols_.n;
    // The same column pass over a row of converted YUV (float) or of packed pixels (uint8).
    auto resample = [&](const auto* row) {
      int from = 0;
#if PANORAMA_X86_AVX2
      if (avx2_ && cols_.pair_columns > 0)
        from = resample_pairs_avx2(cols_, row, dst, c1, c2);
      else if (avx2_)
        from = resample_columns_avx2(cols_, row, dst, c1, c2);
#endif
      resample_columns(cols_, row, from, dst, c1, c2);
    };
    if (yuv_)
      resample(yuv_->row(y));
    else
      resample(p_.src.planes[0] + static_cast<size_t>(y) * p_.src.strides[0]);
    return dst;
  }

  float pad(int c) const { return pixel_math::normalise(p_.pad_value, p_.mul[c], p_.add[c]); }
  size_t step() const { return p_.layout == TensorLayout::NCHW ? 1 : 3; }
  Out* at(int oy, int c, int ox) const { return out_ + pixel_math::output_index(p_, ox, oy, c); }
  void fill(int oy, int c, int x, int n, float value) {
    if (n > 0) fill_channel(n, value, at(oy, c, x), step());
  }

  const PreprocessPlan& p_;
  const ColumnTaps& cols_;
  Out* out_;
  bool avx2_;
  int slots_ = 0;
  std::vector<int> tags_;     // source row held by each ring slot
  std::vector<float> ring_;   // slots x 3 x content width
  std::vector<const float*> resampled_, rows_;  // this output row's resampled source rows, one channel of them
  std::vector<float> weights_;
  std::unique_ptr<YuvRowCache> yuv_;
};

template <typename Out>
void run_rows(const PreprocessPlan& p, Out* out, int threads) {
  const ColumnTaps& cols = column_taps(p);
  const bool avx2 = cpu_has_avx2();
  // Small outputs are not worth waking workers for: at least 16 rows per thread.
  const int useful = std::max(1, p.out_height / 16);
  const int t = std::min(threads <= 0 ? default_cpu_threads() : threads, useful);
  parallel_for(static_cast<size_t>(p.out_height), t, [&](size_t begin, size_t end) {
    RowKernel<Out> kernel(p, cols, out, avx2);
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
