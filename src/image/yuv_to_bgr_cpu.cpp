#include "panoramasdk/image/yuv_to_bgr.hpp"

namespace panorama {

void yuv_to_bgr_cpu(const ImageView& src, bool full_range, uint8_t* dst, size_t dst_stride) {
  check_yuv_to_bgr(src, dst, dst_stride);
  for (int y = 0; y < src.height; ++y) {
    uint8_t* row = dst + static_cast<size_t>(y) * dst_stride;
    for (int x = 0; x < src.width; ++x) pixel_math::yuv_to_bgr_pixel(src, full_range, x, y, row + 3 * x);
  }
}

}  // namespace panorama
