// Bindings of the infer area: tensor specs, the batch queue and its results. Every call that may
// wait (flush when full, wait_result, close, destruction) releases the GIL: the queue's worker needs
// it to run a Python engine.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "infer/engine_python.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/infer/batch_preprocess.hpp"
#include "panoramasdk/infer/batch_queue.hpp"

namespace panorama::bindings {

namespace {

// A read-only numpy view of a result tensor; the capsule keeps its buffer alive.
py::array tensor_view(const Tensor& t) {
  auto* keep = new BufferPtr(t.buffer);
  py::capsule base(keep, [](void* p) { delete static_cast<BufferPtr*>(p); });
  std::vector<py::ssize_t> shape(t.dims.begin(), t.dims.end());
  py::array a(py::dtype(dtype_name(t.dtype)), shape, {}, t.data(), base);
  a.attr("flags").attr("writeable") = false;
  return a;
}

// Closing joins the worker, which may be waiting for the GIL: never hold it while closing.
void close_and_delete(BatchQueue* queue) {
  if (PyGILState_Check()) {
    py::gil_scoped_release release;
    queue->close();
  } else {
    queue->close();
  }
  delete queue;  // the Python engine takes the GIL itself to drop its callable
}

std::shared_ptr<BatchQueue> make_queue(const std::string& model_name, std::vector<TensorSpec> inputs,
                                       std::vector<TensorSpec> outputs, int batch_size, py::object engine_run,
                                       int max_in_flight, int max_unclaimed, int input_device) {
  BatchQueueOptions options;
  options.model_name = model_name;
  options.inputs = std::move(inputs);
  options.outputs = std::move(outputs);
  options.batch_size = batch_size;
  options.max_in_flight = max_in_flight;
  options.max_unclaimed = max_unclaimed;
  options.input_device = input_device;
  auto engine = make_python_engine(std::move(engine_run));
  return std::shared_ptr<BatchQueue>(new BatchQueue(std::move(options), std::move(engine)), &close_and_delete);
}

// __cuda_array_interface__ (version 3) of a device input: the queue synchronised the writes before the
// engine runs, so no stream is named.
py::dict cuda_array_interface(const DeviceTensorView& view) {
  const Tensor& t = view.tensor;
  py::dict d;
  py::tuple shape(t.dims.size());
  for (size_t i = 0; i < t.dims.size(); ++i) shape[i] = t.dims[i];
  d["shape"] = shape;
  d["typestr"] = py::dtype(dtype_name(t.dtype)).attr("str");
  d["data"] = py::make_tuple(reinterpret_cast<uintptr_t>(t.data()), false);
  d["version"] = 3;
  return d;
}

py::array download(const DeviceTensorView& view) {
  const Tensor& t = view.tensor;
  std::vector<py::ssize_t> shape(t.dims.begin(), t.dims.end());
  py::array a(py::dtype(dtype_name(t.dtype)), shape);
  const size_t bytes = t.bytes();
  if (bytes) {
    py::gil_scoped_release release;
    CudaDeviceScope on_device(t.device);
    CudaStream stream;
    copy_device_to_host(a.mutable_data(), t.data(), bytes, stream.get());
    stream.synchronize();
  }
  return a;
}

py::dict stats_dict(const BatchQueue::Stats& s) {
  py::dict d;
  d["submitted"] = s.submitted;
  d["completed"] = s.completed;
  d["failed"] = s.failed;
  d["dropped"] = s.dropped;
  d["in_flight"] = s.in_flight;
  d["unclaimed"] = s.unclaimed;
  d["outstanding"] = s.outstanding;
  d["pool_allocated"] = s.pool_allocated;
  d["pool_idle"] = s.pool_idle;
  return d;
}

}  // namespace

void bind_infer(py::module_& m) {
  py::class_<TensorSpec>(m, "TensorSpec", "A model input or output: name, dims (batch first) and numpy dtype name.")
      .def(py::init([](std::string name, std::vector<int64_t> dims, const std::string& dtype) {
             return TensorSpec{std::move(name), std::move(dims), dtype_from_name(dtype)};
           }),
           py::arg("name"), py::arg("dims"), py::arg("dtype"))
      .def_readonly("name", &TensorSpec::name)
      .def_readonly("dims", &TensorSpec::dims)
      .def_property_readonly("dtype", [](const TensorSpec& s) { return std::string(dtype_name(s.dtype)); })
      .def_property_readonly("item_bytes", &TensorSpec::item_bytes)
      .def_property_readonly("batch_bytes", &TensorSpec::batch_bytes)
      .def("__repr__", [](const TensorSpec& s) {
        return "TensorSpec('" + s.name + "', " + format_dims(s.dims) + ", " + dtype_name(s.dtype) + ")";
      });

  py::class_<BatchResult, ResultPtr>(m, "BatchResult", "The outputs of one flushed batch.")
      .def_property_readonly("sequence", &BatchResult::sequence, "1 for the first flush, then 2, ...")
      .def_property_readonly("model_name", &BatchResult::model_name)
      .def_property_readonly("released", &BatchResult::released)
      .def("size", &BatchResult::size, "Number of outputs.")
      .def(
          "output", [](const BatchResult& r, size_t index) { return tensor_view(r.output(index)); },
          py::arg("index"),
          "A read-only numpy view of output `index` (batch first). It stays valid while held, even after release.");

  py::class_<DeviceTensorView>(m, "DeviceTensor",
                                "A batch input in GPU memory, as a GPU engine receives it: "
                                "__cuda_array_interface__ for PyTorch or CuPy (no copy), or download().")
      .def_property_readonly("shape",
                             [](const DeviceTensorView& v) { return std::vector<int64_t>(v.tensor.dims); })
      .def_property_readonly("dtype", [](const DeviceTensorView& v) { return std::string(dtype_name(v.tensor.dtype)); })
      .def_property_readonly("device", [](const DeviceTensorView& v) { return v.tensor.device; },
                             "The CUDA device index.")
      .def_property_readonly("data_ptr",
                             [](const DeviceTensorView& v) { return reinterpret_cast<uintptr_t>(v.tensor.data()); })
      .def_property_readonly("nbytes", [](const DeviceTensorView& v) { return v.tensor.bytes(); })
      .def_property_readonly("__cuda_array_interface__", &cuda_array_interface)
      .def("download", &download, "A numpy copy (one device-to-host copy).")
      .def("__repr__", [](const DeviceTensorView& v) {
        return "DeviceTensor(" + format_dims(v.tensor.dims) + ", " + dtype_name(v.tensor.dtype) + ", cuda:" +
               std::to_string(v.tensor.device) + ")";
      });

  py::class_<BatchQueue, std::shared_ptr<BatchQueue>>(
      m, "BatchQueue",
      "The asynchronous batch queue in front of a Python engine callable run(list[ndarray]) -> list[ndarray].")
      .def(py::init(&make_queue), py::arg("model_name"), py::arg("inputs"), py::arg("outputs"), py::arg("batch_size"),
           py::arg("engine_run"), py::arg("max_in_flight") = 2, py::arg("max_unclaimed") = 8,
           py::arg("input_device") = -1,
           "input_device: -1 keeps the inputs in host memory (the engine gets numpy arrays); a CUDA device "
           "index keeps them in that device's memory (the engine gets DeviceTensor objects, and frames from "
           "NVDEC are preprocessed straight into the batch on the GPU).")
      .def_property_readonly("input_device", [](const BatchQueue& q) { return q.options().input_device; })
      .def(
          "put",
          [](BatchQueue& q, size_t input, const py::object& data, int item) {
            if (input >= q.options().inputs.size()) {
              q.put(input, nullptr, 0, item);  // raises the out-of-range error
            }
            py::module_ np = py::module_::import("numpy");
            py::array a = np.attr("ascontiguousarray")(data, py::arg("dtype") = dtype_name(q.options().inputs[input].dtype));
            const void* ptr = a.data();
            const size_t bytes = static_cast<size_t>(a.nbytes());
            py::gil_scoped_release release;
            q.put(input, ptr, bytes, item);
          },
          py::arg("input"), py::arg("data"), py::arg("item") = -1,
          "Copies `data`, cast to the input's dtype, into the open batch: the whole batch or one item.")
      .def(
          "put_frame",
          [](BatchQueue& q, size_t input, const FramePtr& frame, const PreprocessParams& params, int threads) {
            if (!frame) fail(ErrorCode::InvalidArgument, "put_frame(): expected a Frame, got None");
            py::gil_scoped_release release;
            return put_preprocessed(q, input, *frame, params, -1, threads);
          },
          py::arg("input"), py::arg("frame"), py::arg("params"), py::arg("threads") = 0,
          "Preprocesses a decoded frame straight into the next item of input `input` (GIL released); "
          "returns the ResizeTransform applied.")
      .def("filled", &BatchQueue::filled, py::arg("input"), "Items written to the open batch of `input`.")
      .def("flush", &BatchQueue::flush, py::call_guard<py::gil_scoped_release>(),
           "Submits the open batch; blocks only while max_in_flight batches are queued or running.")
      .def("wait_result", &BatchQueue::wait_result, py::call_guard<py::gil_scoped_release>(),
           "Blocks for the oldest unclaimed result; raises the engine's failure for that batch.")
      .def("release", &BatchQueue::release, py::arg("result"), "Gives the result's buffers back; idempotent.")
      .def("close", &BatchQueue::close, py::call_guard<py::gil_scoped_release>(),
           "Cancels queued batches, waits for the running one and stops the worker; idempotent.")
      .def_property_readonly("closed", &BatchQueue::closed)
      .def_property_readonly("model_name", [](const BatchQueue& q) { return q.options().model_name; })
      .def_property_readonly("batch_size", [](const BatchQueue& q) { return q.options().batch_size; })
      .def_property_readonly("inputs", [](const BatchQueue& q) { return q.options().inputs; })
      .def_property_readonly("outputs", [](const BatchQueue& q) { return q.options().outputs; })
      .def("stats", [](const BatchQueue& q) { return stats_dict(q.stats()); },
           "Counters: submitted, completed, failed, dropped, in_flight, unclaimed, outstanding, pool_allocated, "
           "pool_idle.");
}

}  // namespace panorama::bindings
