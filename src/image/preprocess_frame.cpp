#include "panoramasdk/image/preprocess_frame.hpp"

#include <string>

#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/device_frame.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"

namespace panorama {

namespace {

ResizeTransform preprocess_device_frame(const DeviceFrame& device, PreprocessParams params, void* out,
                                        size_t out_bytes) {
  params.full_range = device.full_range();
  check_output_buffer(params, out, out_bytes);
  const size_t bytes = preprocess_output_bytes(params);
  CudaDeviceScope on_device(device.device());
  BufferPtr tensor = device.device_scratch(bytes);
  // A stream per call: creating one costs microseconds, and each caller (the application's thread,
  // a batch queue) then waits only for its own work.
  CudaStream stream;
  const ImageView nv12 = device.nv12();
  const ResizeTransform transform = preprocess_cuda(&nv12, 1, params, tensor->data, bytes, stream.get()).front();
  copy_device_to_host(out, tensor->data, bytes, stream.get());
  stream.synchronize();
  return transform;
}

}  // namespace

ResizeTransform preprocess_frame(const Frame& frame, const PreprocessParams& params, void* out, size_t out_bytes,
                                 int threads) {
  // A device frame is preprocessed from its NV12 even when the application has downloaded it: the
  // pixels the camera sent, and no full-frame upload.
  if (frame.device) return preprocess_device_frame(*frame.device, params, out, out_bytes);
  return preprocess_cpu(image_view(frame), params, out, out_bytes, threads);
}

}  // namespace panorama
