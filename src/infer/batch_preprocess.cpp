#include "panoramasdk/infer/batch_preprocess.hpp"

#include <string>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess_frame.hpp"

namespace panorama {

namespace {

// The item dims the params produce, batch dimension 1 first, as the queue's specs hold them.
std::vector<int64_t> produced_dims(const PreprocessParams& p) {
  if (p.layout == TensorLayout::NCHW) return {1, 3, p.out_height, p.out_width};
  return {1, p.out_height, p.out_width, 3};
}

}  // namespace

ResizeTransform put_preprocessed(BatchQueue& queue, size_t input, const Frame& frame,
                                 const PreprocessParams& params, int item, int threads) {
  const auto& inputs = queue.options().inputs;
  if (input < inputs.size()) {
    const TensorSpec& spec = inputs[input];
    const std::vector<int64_t> dims = produced_dims(params);
    if (dims != spec.item_dims() || params.dtype != spec.dtype)
      fail(ErrorCode::InvalidArgument,
           "model " + queue.options().model_name + " input " + std::to_string(input) + " '" + spec.name +
               "' takes items of shape " + format_dims(spec.item_dims()) + " " + dtype_name(spec.dtype) +
               "; the preprocessing makes " + format_dims(dims) + " " + dtype_name(params.dtype));
  }
  ResizeTransform transform;
  const int device = queue.options().input_device;
  queue.put_with(input, item, [&](uint8_t* dst, size_t bytes) {
    transform = device >= 0 ? preprocess_frame_to_device(frame, params, dst, bytes, device, threads)
                            : preprocess_frame(frame, params, dst, bytes, threads);
  });
  return transform;
}

}  // namespace panorama
