// panoramasdk._core preprocessing: PreprocessParams, ResizeTransform, preprocess_cpu. The Python
// module python/panoramasdk/preprocess.py checks user input and lays out planes; this file converts.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <array>
#include <vector>

#include "bindings/bindings.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess.hpp"
#include "panoramasdk/image/preprocess_frame.hpp"

namespace panorama::bindings {

namespace {

std::array<float, 3> get3(const float (&v)[3]) { return {v[0], v[1], v[2]}; }
void set3(float (&dst)[3], const std::array<float, 3>& v) { std::copy(v.begin(), v.end(), dst); }

// A source view over 2-D (or packed 3-D) uint8 planes: row stride from the array, columns contiguous.
ImageView view_of(PixelFormat format, int width, int height, const std::vector<py::array>& planes) {
  ImageView v;
  v.format = format;
  v.width = width;
  v.height = height;
  if (planes.empty() || planes.size() > 3)
    fail(ErrorCode::InvalidArgument, "planes: expected 1 to 3 arrays, got " + std::to_string(planes.size()));
  for (size_t i = 0; i < planes.size(); ++i) {
    v.planes[i] = static_cast<const uint8_t*>(planes[i].data());
    v.strides[i] = static_cast<size_t>(planes[i].strides(0));
  }
  return v;
}

}  // namespace

void bind_image(py::module_& m) {
  py::enum_<PixelFormat>(m, "PixelFormat")
      .value("BGR", PixelFormat::BGR)
      .value("RGB", PixelFormat::RGB)
      .value("NV12", PixelFormat::NV12)
      .value("I420", PixelFormat::I420);
  py::enum_<ResizeMethod>(m, "ResizeMethod").value("Bilinear", ResizeMethod::Bilinear).value("Area", ResizeMethod::Area);
  py::enum_<TensorLayout>(m, "TensorLayout").value("NCHW", TensorLayout::NCHW).value("NHWC", TensorLayout::NHWC);

  py::class_<PreprocessParams>(m, "PreprocessParams", "Parameters of the fused preprocessing (see preprocess.hpp).")
      .def(py::init<>())
      .def_readwrite("out_width", &PreprocessParams::out_width)
      .def_readwrite("out_height", &PreprocessParams::out_height)
      .def_readwrite("resize", &PreprocessParams::resize)
      .def_readwrite("letterbox", &PreprocessParams::letterbox)
      .def_readwrite("pad_value", &PreprocessParams::pad_value)
      .def_readwrite("rgb_output", &PreprocessParams::rgb_output)
      .def_readwrite("scale", &PreprocessParams::scale)
      .def_property(
          "mean", [](const PreprocessParams& p) { return get3(p.mean); },
          [](PreprocessParams& p, const std::array<float, 3>& v) { set3(p.mean, v); })
      .def_property(
          "std", [](const PreprocessParams& p) { return get3(p.std); },
          [](PreprocessParams& p, const std::array<float, 3>& v) { set3(p.std, v); })
      .def_readwrite("layout", &PreprocessParams::layout)
      .def_property(
          "dtype", [](const PreprocessParams& p) { return std::string(dtype_name(p.dtype)); },
          [](PreprocessParams& p, const std::string& name) { p.dtype = dtype_from_name(name); })
      .def_readwrite("full_range", &PreprocessParams::full_range);

  py::class_<ResizeTransform>(m, "ResizeTransform", "tensor = source * scale + pad (pixel coordinates).")
      .def_readonly("scale_x", &ResizeTransform::scale_x)
      .def_readonly("scale_y", &ResizeTransform::scale_y)
      .def_readonly("pad_x", &ResizeTransform::pad_x)
      .def_readonly("pad_y", &ResizeTransform::pad_y);

  m.def("resize_transform", &resize_transform, py::arg("src_width"), py::arg("src_height"), py::arg("params"));
  m.def("preprocess_output_bytes", &preprocess_output_bytes, py::arg("params"));
  m.def(
      "preprocess_cpu",
      [](PixelFormat format, int width, int height, const std::vector<py::array>& planes,
         const PreprocessParams& params, py::array out, int threads) {
        const ImageView src = view_of(format, width, height, planes);
        void* data = out.mutable_data();  // raises for a read-only array
        const size_t bytes = static_cast<size_t>(out.nbytes());
        py::gil_scoped_release release;
        return preprocess_cpu(src, params, data, bytes, threads);
      },
      py::arg("format"), py::arg("width"), py::arg("height"), py::arg("planes"), py::arg("params"), py::arg("out"),
      py::arg("threads") = 0,
      "Preprocesses one image into `out` (C-contiguous, float32 or float16) with the GIL released.");
  m.def(
      "preprocess_frame",
      [](const FramePtr& frame, const PreprocessParams& params, py::array out, int threads) {
        if (!frame) fail(ErrorCode::InvalidArgument, "preprocess_frame(): expected a Frame, got None");
        void* data = out.mutable_data();
        const size_t bytes = static_cast<size_t>(out.nbytes());
        py::gil_scoped_release release;
        return preprocess_frame(*frame, params, data, bytes, threads);
      },
      py::arg("frame"), py::arg("params"), py::arg("out"), py::arg("threads") = 0,
      "Preprocesses a decoded Frame into `out`: on the CPU for a host frame, on the GPU from its NV12 for a "
      "frame on the device (only the tensor is downloaded). GIL released.");
}

}  // namespace panorama::bindings
