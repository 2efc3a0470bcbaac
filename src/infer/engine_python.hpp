#pragma once
// An Engine over a Python callable `run(list[numpy.ndarray]) -> list[numpy.ndarray]`. The ONNX Runtime
// and TensorRT engines are Python objects (their vendors ship no C++ headers on PyPI).
// Threading: the GIL is taken only on the queue's worker thread, around the call (ONNX Runtime drops
// it while it computes). Inputs are passed as zero-copy views that keep their buffers alive: read-only
// numpy arrays, or DeviceTensor objects (below) for a queue whose inputs live on the GPU;
// returned arrays are made C-contiguous and copied into the queue's output tensors, keeping their own
// shape and dtype (the queue checks the dtype against the output spec).
// Compiled into the _core module, not panorama_core, as it needs Python.
#include <memory>

#include <pybind11/pybind11.h>

#include "panoramasdk/infer/engine.hpp"
#include "panoramasdk/infer/tensor.hpp"

namespace panorama {

std::shared_ptr<Engine> make_python_engine(pybind11::object run);

// An input tensor in device memory as a Python engine sees it (bound as _core.DeviceTensor, with
// __cuda_array_interface__ for PyTorch and CuPy): the tensor's buffer stays alive while it is held.
struct DeviceTensorView {
  Tensor tensor;
};

}  // namespace panorama
