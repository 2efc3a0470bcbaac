#include "panoramasdk/image/preprocess_frame.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/device_frame.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"

namespace panorama {

namespace {

// preprocess_cuda from the frame's NV12 into `device_out` (on the frame's device) on `stream`, with the
// YUV range of the camera's stream.
ResizeTransform preprocess_nv12(const DeviceFrame& device, PreprocessParams params, void* device_out,
                                CudaStreamHandle stream) {
  params.full_range = device.full_range();
  const ImageView nv12 = device.nv12();
  return preprocess_cuda(&nv12, 1, params, device_out, preprocess_output_bytes(params), stream).front();
}

ResizeTransform preprocess_device_frame(const DeviceFrame& device, const PreprocessParams& params, void* out,
                                        size_t out_bytes) {
  check_output_buffer(params, out, out_bytes);
  const size_t bytes = preprocess_output_bytes(params);
  CudaDeviceScope on_device(device.device());
  BufferPtr tensor = device.device_scratch(bytes);
  // A stream per call: creating one costs microseconds, and each caller (the application's thread,
  // a batch queue) then waits only for its own work.
  CudaStream stream;
  const ResizeTransform transform = preprocess_nv12(device, params, tensor->data, stream.get());
  copy_device_to_host(out, tensor->data, bytes, stream.get());
  stream.synchronize();
  return transform;
}

// The tensor made in host memory (a host frame, or a device frame on another GPU), then uploaded.
ResizeTransform preprocess_through_host(const Frame& frame, const PreprocessParams& params, void* device_out,
                                        size_t out_bytes, int device, int threads) {
  check_output_buffer(params, device_out, out_bytes);
  const size_t bytes = preprocess_output_bytes(params);
  // Pageable memory: pinning costs more per call than it saves on one tensor. uint64_t: aligned for any dtype.
  std::vector<uint64_t> staging((bytes + sizeof(uint64_t) - 1) / sizeof(uint64_t));
  const ResizeTransform transform = preprocess_frame(frame, params, staging.data(), bytes, threads);
  CudaDeviceScope on_device(device);
  CudaStream stream;
  copy_host_to_device(device_out, staging.data(), bytes, stream.get());
  stream.synchronize();
  return transform;
}

}  // namespace

ResizeTransform preprocess_frame_to_device(const Frame& frame, const PreprocessParams& params, void* device_out,
                                           size_t out_bytes, int device, int threads) {
  if (!frame.device || frame.device->device() != device)
    return preprocess_through_host(frame, params, device_out, out_bytes, device, threads);
  check_output_buffer(params, device_out, out_bytes);
  CudaDeviceScope on_device(device);
  CudaStream stream;
  const ResizeTransform transform = preprocess_nv12(*frame.device, params, device_out, stream.get());
  stream.synchronize();
  return transform;
}

ResizeTransform preprocess_frame(const Frame& frame, const PreprocessParams& params, void* out, size_t out_bytes,
                                 int threads) {
  // A device frame is preprocessed from its NV12 even when the application has downloaded it: the
  // pixels the camera sent, and no full-frame upload.
  if (frame.device) return preprocess_device_frame(*frame.device, params, out, out_bytes);
  return preprocess_cpu(image_view(frame), params, out, out_bytes, threads);
}

}  // namespace panorama
