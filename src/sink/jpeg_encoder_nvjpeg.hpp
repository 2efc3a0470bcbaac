#pragma once
// BGR24 pictures in device memory -> JPEG bytes with nvJPEG, for the live view of frames composed on the
// GPU: the picture stays there and only the compressed bytes come to the host. The same kind of JPEG as
// JpegEncoder's (baseline, 4:2:0, full-range BT.601 YCbCr), so a viewer sees the same picture either way.
// libnvjpeg is opened at run time (PANORAMA_NVJPEG_LIBRARY, else the soname of the CUDA major version
// this was built with), so a machine without it gets nvjpeg_unavailable_reason() and the view encodes
// with libavcodec. Used by one thread (the output chain's).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "panoramasdk/core/cuda_handles.hpp"

namespace panorama::sink_detail {

// Why nvJPEG cannot encode here, naming what is missing: the library (or a function in it), else a usable
// CUDA device ("" when it can). Loads the library once, at the first call.
std::string nvjpeg_unavailable_reason();

class NvjpegEncoder {
 public:
  // quality 1..100 as JpegEncoder's. Throws Error(Unsupported) naming nvjpeg_unavailable_reason(), or
  // Error(Internal) when nvJPEG fails to start.
  explicit NvjpegEncoder(int quality);
  ~NvjpegEncoder();
  NvjpegEncoder(const NvjpegEncoder&) = delete;
  NvjpegEncoder& operator=(const NvjpegEncoder&) = delete;

  // `device_bgr`: width x height BGR24 rows `pitch` bytes apart, on the current device. Encodes on
  // `stream` and waits for the bytes. Throws Error(Internal) naming the nvJPEG call that failed.
  std::vector<uint8_t> encode(const uint8_t* device_bgr, int width, int height, size_t pitch, CudaStreamHandle stream);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama::sink_detail
