// Linked in builds without CUDA: the image area's GPU entry points raise "built without CUDA".
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama {

std::vector<ResizeTransform> preprocess_cuda(const ImageView*, size_t, const PreprocessParams&, void*, size_t,
                                             CudaStreamHandle, const PreprocessCudaLaunch&) {
  throw_no_cuda("preprocess_cuda");
}

void yuv_to_bgr_cuda(const ImageView&, bool, uint8_t*, size_t, CudaStreamHandle, int) {
  throw_no_cuda("yuv_to_bgr_cuda");
}

}  // namespace panorama
