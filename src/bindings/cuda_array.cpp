#include "bindings/cuda_array.hpp"

#include <pybind11/stl.h>

#include "panoramasdk/core/error.hpp"

namespace panorama::bindings {

CudaArray cuda_array(const py::handle& obj, const std::string& what) {
  if (!py::hasattr(obj, "__cuda_array_interface__"))
    fail(ErrorCode::InvalidArgument, what + ": expected a CUDA device array (CuPy, PyTorch, ...), got " +
                                         std::string(py::str(py::type::of(obj).attr("__name__"))));
  const py::dict cai = obj.attr("__cuda_array_interface__");
  CudaArray a;
  a.data = reinterpret_cast<void*>(cai["data"].cast<py::tuple>()[0].cast<uintptr_t>());
  a.typestr = cai["typestr"].cast<std::string>();
  a.itemsize = std::stoul(a.typestr.substr(2));
  a.shape = cai["shape"].cast<std::vector<size_t>>();
  size_t count = 1, contiguous_stride = a.itemsize;
  std::vector<size_t> c_strides(a.shape.size());
  for (size_t i = a.shape.size(); i-- > 0;) {
    c_strides[i] = contiguous_stride;
    contiguous_stride *= a.shape[i];
    count *= a.shape[i];
  }
  a.bytes = count * a.itemsize;
  const bool has_strides = cai.contains("strides") && !cai["strides"].is_none();
  a.strides = has_strides ? cai["strides"].cast<std::vector<size_t>>() : c_strides;
  a.contiguous = a.strides == c_strides;
  a.row_stride = a.strides.empty() ? a.itemsize : a.strides[0];
  a.rows = a.shape.empty() ? 1 : a.shape[0];
  a.row_bytes = a.shape.empty() ? a.itemsize : c_strides[0];
  return a;
}

}  // namespace panorama::bindings
