#pragma once
// What __cuda_array_interface__ says about a device array from any library that exports it (CuPy,
// PyTorch, Numba): only the pointer, shape, strides and element type are read. Shared by the bindings
// that take device arrays (bind_cuda.cpp, bind_overlay_draw.cpp).
#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>
#include <vector>

namespace panorama::bindings {

namespace py = pybind11;

struct CudaArray {
  void* data = nullptr;
  std::string typestr;
  size_t itemsize = 0;
  size_t bytes = 0;
  std::vector<size_t> shape;
  std::vector<size_t> strides;  // bytes; C-contiguous ones when the interface gives none
  size_t row_stride = 0;  // bytes between rows of the first axis
  size_t rows = 0;        // length of the first axis
  size_t row_bytes = 0;   // bytes of one row (the other axes)
  bool contiguous = true;
};

// Throws Error(InvalidArgument) "`what`: expected a CUDA device array ..." for an object without the interface.
CudaArray cuda_array(const py::handle& obj, const std::string& what);

}  // namespace panorama::bindings
