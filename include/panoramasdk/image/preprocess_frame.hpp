#pragma once
// One model input item from a decoded frame, wherever its picture lives. A frame in host memory goes
// through preprocess_cpu. A frame on the GPU (Frame::device, from NVDEC) goes through preprocess_cuda
// from its NV12, on its own device, and only the finished tensor crosses to `out`: a few hundred KB
// instead of the whole picture, and the frame itself is never downloaded. The YUV range comes from the
// stream (DeviceFrame::full_range), whatever params.full_range says.
#include <cstddef>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/image/preprocess.hpp"

namespace panorama {

// `out` is host memory of at least preprocess_output_bytes(params) bytes, aligned for the dtype.
// Throws what preprocess_cpu / preprocess_cuda throw (Error(InvalidArgument) naming the field at fault,
// Error(NoCuda) when the device fails).
ResizeTransform preprocess_frame(const Frame& frame, const PreprocessParams& params, void* out, size_t out_bytes,
                                 int threads = 0);

// The same into device memory of CUDA device `device` (a batch queue whose engine reads its inputs on
// the GPU): a device frame there is preprocessed straight into `device_out`, so neither the frame nor
// the tensor crosses to the host; a host frame is preprocessed on the CPU and the tensor uploaded; a
// frame on another GPU is preprocessed there and its tensor goes through the host. `device_out` is
// complete when this returns.
ResizeTransform preprocess_frame_to_device(const Frame& frame, const PreprocessParams& params, void* device_out,
                                           size_t out_bytes, int device, int threads = 0);

}  // namespace panorama
