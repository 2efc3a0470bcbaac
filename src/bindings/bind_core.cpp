#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "bindings/frame_convert.hpp"
#include "panoramasdk/core/build_info.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/core/log.hpp"
#include "panoramasdk/decode/device_frame.hpp"

namespace panorama::bindings {

void bind_core(py::module_& m) {
  py::class_<Frame, FramePtr>(m, "Frame",
                              "A decoded picture: BGR24 in a pooled host buffer, or NV12 on the GPU (from NVDEC) "
                              "until array() downloads it.")
      .def_readonly("width", &Frame::width)
      .def_readonly("height", &Frame::height)
      .def_readonly("capture_time_us", &Frame::capture_time_us)
      .def_readonly("sequence", &Frame::sequence)
      .def("array", &frame_to_array,
           "A writable H x W x 3 uint8 numpy view of the pixels (no copy; a frame on the GPU is downloaded "
           "once, on the first call); it keeps the frame alive.")
      .def_property_readonly(
          "on_device", [](const Frame& f) { return f.device != nullptr; },
          "True when the picture lives on the GPU (NVDEC): preprocessing and the output's drawing run there.")
      .def_property_readonly(
          "downloaded", [](const Frame& f) { return f.data != nullptr || (f.device && f.device->has_bgr()); },
          "True once the pixels are in host memory: always for a host frame, after array() for one on the GPU.")
      .def_property_readonly(
          "device_frame",
          [](const Frame& f) -> py::object {
            if (!f.device) return py::none();
            return py::cast(std::const_pointer_cast<DeviceFrame>(f.device));
          },
          "The DeviceFrame (NV12 on the GPU, with __cuda_array_interface__) of a frame on the device, else None.")
      .def_static("black", &make_black_frame, py::arg("width"), py::arg("height"),
                  "A black frame, for a camera that has not delivered yet.")
      .def_static(
          "from_array",
          [](const py::array& a) {
            static auto pool = FramePool::create(4);
            return array_to_frame(a, *pool, "Frame.from_array");
          },
          py::arg("array"), "A frame holding a copy of an H x W x 3 uint8 array.");

  py::class_<FramePool, std::shared_ptr<FramePool>>(m, "FramePool")
      .def(py::init([](size_t max_free) { return FramePool::create(max_free); }), py::arg("max_free") = 8)
      .def("acquire", &FramePool::acquire, py::arg("width"), py::arg("height"))
      .def_property_readonly("allocated", &FramePool::allocated)
      .def_property_readonly("idle", &FramePool::idle);

  m.def(
      "drain_log_records",
      [](double timeout_s) {
        std::vector<LogRecord> records;
        {
          py::gil_scoped_release release;
          records = drain_log_records(timeout_s);
        }
        py::list out;
        for (auto& r : records)
          out.append(py::make_tuple(static_cast<int>(r.level), r.logger, r.message, r.time_us));
        return out;
      },
      py::arg("timeout_s"), "Queued C++ log records as (level, logger, message, time_us) tuples.");
  m.def("wake_log_drain", &wake_log_drain);
  m.def("set_log_echo", &set_log_echo, py::arg("echo_to_stderr"));
  m.def("log", [](int level, const std::string& logger, const std::string& msg) {
    log(static_cast<LogLevel>(level), logger, msg);
  });
  m.def("built_with_cuda", &built_with_cuda);
  m.def("built_with_media", &built_with_media);
}

}  // namespace panorama::bindings
