#pragma once
// YUV 4:2:0 (NV12 or I420, 8 bit, BT.601, limited or full range) -> packed BGR24: the conversion a
// decoder's output needs before an application sees media.image. The per-pixel value is
// pixel_math::source_pixel (the same colour maths as preprocessing, nearest chroma), rounded half up to
// uint8 by yuv_to_bgr_pixel below, which the CPU variant (the oracle) and the CUDA variant share.
#include <cstddef>
#include <cstdint>

#include "panoramasdk/image/pixel_math.hpp"

namespace panorama {

namespace pixel_math {

// BGR bytes of pixel (x, y) of a YUV source.
PANORAMA_HD inline void yuv_to_bgr_pixel(const ImageView& src, bool full_range, int x, int y, uint8_t* bgr) {
  float px[3];
  source_pixel(src, full_range, x, y, px);  // clamped to 0..255
  bgr[0] = static_cast<uint8_t>(px[0] + 0.5f);
  bgr[1] = static_cast<uint8_t>(px[1] + 0.5f);
  bgr[2] = static_cast<uint8_t>(px[2] + 0.5f);
}

}  // namespace pixel_math

// Throws Error(InvalidArgument) naming the field at fault: the source must be NV12 or I420 with even
// sizes and valid planes (as for preprocessing); dst non-null with dst_stride >= width * 3.
void check_yuv_to_bgr(const ImageView& src, const uint8_t* dst, size_t dst_stride);

// Host memory; single-threaded (it is the oracle and a fallback, not a hot path).
void yuv_to_bgr_cpu(const ImageView& src, bool full_range, uint8_t* dst, size_t dst_stride);

}  // namespace panorama
