#pragma once
// The fast path from a camera frame to a model input: the fused preprocessing writes the tensor
// straight into the next item of a batch queue's open batch (no intermediate array, no copy).
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/image/preprocess.hpp"
#include "panoramasdk/infer/batch_queue.hpp"

namespace panorama {

// Preprocesses `frame` into input `input` of `queue` (item as in BatchQueue::put: < 0 = the next one),
// on the GPU when the frame lives there (preprocess_frame.hpp).
// Throws Error(InvalidArgument) when the params make a tensor other than that input's item (shape
// via size and layout, dtype), naming both; errors of the queue and of preprocessing as they are.
// Returns the transform the preprocessing applied (letterbox scale and padding).
ResizeTransform put_preprocessed(BatchQueue& queue, size_t input, const Frame& frame,
                                 const PreprocessParams& params, int item = -1, int threads = 0);

}  // namespace panorama
