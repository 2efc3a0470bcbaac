// Host-side checks shared by the CPU and CUDA variants of yuv_to_bgr.
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess.hpp"
#include "panoramasdk/image/yuv_to_bgr.hpp"

namespace panorama {

void check_yuv_to_bgr(const ImageView& src, const uint8_t* dst, size_t dst_stride) {
  if (src.format != PixelFormat::NV12 && src.format != PixelFormat::I420)
    fail(ErrorCode::InvalidArgument, "yuv_to_bgr source: expected NV12 or I420, got a packed BGR/RGB image");
  // The source rules (sizes, even dimensions, planes, strides) are preprocessing's: validate it as the
  // source of a 1x1 preprocessing rather than restate them.
  PreprocessParams one_pixel;
  one_pixel.out_width = one_pixel.out_height = 1;
  plan_preprocess(src, one_pixel);
  if (dst == nullptr) fail(ErrorCode::InvalidArgument, "yuv_to_bgr dst: expected BGR pixel memory, got a null pointer");
  const size_t min_stride = 3 * static_cast<size_t>(src.width);
  if (dst_stride < min_stride)
    fail(ErrorCode::InvalidArgument, "yuv_to_bgr dst_stride: expected at least " + std::to_string(min_stride) +
                                         " bytes (width * 3), got " + std::to_string(dst_stride));
}

}  // namespace panorama
