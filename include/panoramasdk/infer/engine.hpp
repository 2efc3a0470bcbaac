#pragma once
// What the batch queue runs a batch with. Engines are backend objects (ONNX Runtime, TensorRT, a test
// engine); the queue knows nothing about them beyond this interface.
#include <vector>

#include "panoramasdk/infer/tensor.hpp"

namespace panorama {

class Engine {
 public:
  virtual ~Engine() = default;

  // Runs one batch. Called only from the queue's worker thread, one batch at a time.
  // inputs:  one host tensor per input spec, with the spec's dims (batch first) and dtype.
  // outputs: one tensor per output spec, allocated with the spec's dims and dtype; the engine fills
  //          them, or replaces one (Tensor::allocate) when the model produced another shape.
  // Throw (preferably panorama::Error) to fail the batch; the queue carries the failure into the
  // result and keeps working.
  virtual void run(const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) = 0;
};

}  // namespace panorama
