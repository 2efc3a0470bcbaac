#include "infer/engine_python.hpp"

#include <cstring>
#include <string>
#include <utility>

#include <pybind11/numpy.h>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace py = pybind11;

namespace {

// A read-only numpy view of a tensor; the capsule keeps the buffer alive as long as the array.
py::array to_array(const Tensor& t) {
  auto* keep = new BufferPtr(t.buffer);
  py::capsule base(keep, [](void* p) { delete static_cast<BufferPtr*>(p); });
  std::vector<py::ssize_t> shape(t.dims.begin(), t.dims.end());
  py::array a(py::dtype(dtype_name(t.dtype)), shape, {}, t.data(), base);
  a.attr("flags").attr("writeable") = false;
  return a;
}

void copy_output(const py::handle& value, size_t index, Tensor& out) {
  py::array array = py::array::ensure(value, py::array::c_style);
  if (!array)
    fail(ErrorCode::Internal, "engine output " + std::to_string(index) + " is not an array (got " +
                                  std::string(py::str(py::type::of(value).attr("__name__"))) + ")");
  const DType dtype = dtype_from_name(py::str(array.dtype().attr("name")));
  std::vector<int64_t> dims(array.shape(), array.shape() + array.ndim());
  if (dims != out.dims || dtype != out.dtype) out = Tensor::allocate(std::move(dims), dtype);
  const size_t bytes = out.bytes();
  if (static_cast<size_t>(array.nbytes()) != bytes)
    fail(ErrorCode::Internal, "engine output " + std::to_string(index) + " holds " + std::to_string(array.nbytes()) +
                                  " bytes; expected " + std::to_string(bytes));
  if (bytes) std::memcpy(out.data(), array.data(), bytes);
}

class PythonEngine final : public Engine {
 public:
  explicit PythonEngine(py::object run) : run_(std::move(run)) {}

  ~PythonEngine() override {
    if (!Py_IsInitialized()) {
      run_.release();  // the interpreter is gone: nothing to decref
      return;
    }
    py::gil_scoped_acquire gil;
    run_ = py::object();
  }

  void run(const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) override {
    if (!Py_IsInitialized()) fail(ErrorCode::Stopped, "the Python interpreter has shut down");
    py::gil_scoped_acquire gil;
    try {
      py::list args;
      for (const Tensor& t : inputs) {
        if (t.device >= 0)
          args.append(py::cast(DeviceTensorView{t}));
        else
          args.append(to_array(t));
      }
      py::object returned = run_(args);
      if (!py::isinstance<py::sequence>(returned))
        fail(ErrorCode::Internal, "the engine returned " + std::string(py::str(py::type::of(returned).attr("__name__"))) +
                                      "; expected a list of arrays");
      py::sequence values = returned.cast<py::sequence>();
      if (values.size() != outputs.size())
        fail(ErrorCode::Internal, "the engine returned " + std::to_string(values.size()) + " outputs; expected " +
                                      std::to_string(outputs.size()));
      for (size_t i = 0; i < outputs.size(); ++i) copy_output(values[i], i, outputs[i]);
    } catch (py::error_already_set& e) {
      // "TypeName: message" without pybind11's traceback lines; formatted while the GIL is held.
      std::string message = py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
                            py::str(e.value()).cast<std::string>();
      throw Error(ErrorCode::Internal, message);
    }
  }

 private:
  py::object run_;
};

}  // namespace

std::shared_ptr<Engine> make_python_engine(py::object run) {
  if (!PyCallable_Check(run.ptr()))
    fail(ErrorCode::InvalidArgument, "engine: expected a callable run(list_of_arrays) -> list_of_arrays, got " +
                                         std::string(py::str(py::type::of(run).attr("__name__"))));
  return std::make_shared<PythonEngine>(std::move(run));
}

}  // namespace panorama
