// Built without nvJPEG (no CUDA, or no nvjpeg.h: cmake/nvjpeg.cmake): the live view encodes with libavcodec.
#include "panoramasdk/core/error.hpp"
#include "sink/jpeg_encoder_nvjpeg.hpp"

namespace panorama::sink_detail {

struct NvjpegEncoder::Impl {};

std::string nvjpeg_unavailable_reason() {
  return "built without nvJPEG (CUDA and nvjpeg.h are needed at build time: pip install nvidia-nvjpeg)";
}

NvjpegEncoder::NvjpegEncoder(int) { throw Error(ErrorCode::Unsupported, nvjpeg_unavailable_reason()); }
NvjpegEncoder::~NvjpegEncoder() = default;

std::vector<uint8_t> NvjpegEncoder::encode(const uint8_t*, int, int, size_t, CudaStreamHandle) {
  throw Error(ErrorCode::Unsupported, nvjpeg_unavailable_reason());
}

}  // namespace panorama::sink_detail
