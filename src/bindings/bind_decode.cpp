// _core.NvdecDecoder, DeviceFrame, nvdec_unavailable_reason, built_with_nvdec: argument conversion and
// GIL release only. A DeviceFrame exports its NV12 pixels as one (height * 3/2) x width uint8 device
// array through __cuda_array_interface__ (CuPy, PyTorch, Numba read it without a copy); the array
// keeps the frame, and so its pooled device buffer, alive.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "bindings/frame_convert.hpp"
#include "panoramasdk/core/build_info.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

namespace panorama::bindings {

namespace {

py::dict cuda_array_interface(const DeviceFrame& f) {
  py::dict cai;
  cai["shape"] = py::make_tuple(f.height() * 3 / 2, f.width());
  cai["typestr"] = "|u1";
  cai["data"] = py::make_tuple(reinterpret_cast<uintptr_t>(f.data()), false);
  cai["strides"] = py::make_tuple(f.pitch(), 1);
  cai["stream"] = py::none();  // the pixels are complete when the decoder hands the frame out
  cai["version"] = 3;
  return cai;
}

py::list to_list(std::vector<DeviceFramePtr>& frames) {
  py::list out;
  for (auto& f : frames) out.append(py::cast(std::move(f)));
  return out;
}

}  // namespace

void bind_decode(py::module_& m) {
  m.def("built_with_nvdec", &built_with_nvdec);
  m.def("nvdec_unavailable_reason", &nvdec_unavailable_reason, py::arg("device") = 0,
        py::call_guard<py::gil_scoped_release>(),
        "Why NVDEC cannot be used on CUDA device `device` ('' when it can), naming what is missing.");

  py::class_<DeviceFrame, DeviceFramePtr>(
      m, "DeviceFrame", "A decoded NV12 picture in a pooled device buffer (luma rows, then interleaved chroma rows).")
      .def_property_readonly("width", &DeviceFrame::width)
      .def_property_readonly("height", &DeviceFrame::height)
      .def_property_readonly("pitch", &DeviceFrame::pitch, "Bytes between rows of both planes.")
      .def_property_readonly("full_range", &DeviceFrame::full_range)
      .def_property_readonly("device", &DeviceFrame::device)
      .def_readonly("index", &DeviceFrame::index, "Position in display order within its decoder.")
      .def_property_readonly(
          "pts",
          [](const DeviceFrame& f) -> py::object {
            if (f.pts == INT64_MIN) return py::none();
            return py::int_(f.pts);
          },
          "The time stamp given with the picture's bytes; None when unknown.")
      .def_property_readonly("__cuda_array_interface__", &cuda_array_interface)
      .def(
          "download_bgr",
          [](const DeviceFrame& f) {
            FramePtr host;
            {
              py::gil_scoped_release release;
              host = f.bgr();
            }
            return frame_to_array(host);
          },
          "The H x W x 3 uint8 BGR host array, converted on the GPU and downloaded on the first call only "
          "(later calls view the same pixels).");

  py::class_<NvdecDecoder>(m, "NvdecDecoder",
                           "H.264/H.265 Annex-B bytes decoded by NVDEC into DeviceFrames (one thread at a time).")
      .def(py::init([](const std::string& codec, int device, int display_delay) {
             NvdecOptions options;
             options.device = device;
             options.display_delay = display_delay;
             py::gil_scoped_release release;
             return std::make_unique<NvdecDecoder>(nvdec_codec_from_name(codec), "NVDEC " + codec, options);
           }),
           py::arg("codec"), py::arg("device") = 0, py::arg("display_delay") = 1)
      .def(
          "decode",
          [](NvdecDecoder& d, const py::buffer& data, std::optional<int64_t> pts) {
            const py::buffer_info info = data.request();
            std::vector<DeviceFramePtr> frames;
            {
              py::gil_scoped_release release;
              d.decode(static_cast<const uint8_t*>(info.ptr), static_cast<size_t>(info.size * info.itemsize),
                       pts.value_or(INT64_MIN), [&](DeviceFramePtr f) { frames.push_back(std::move(f)); });
            }
            return to_list(frames);
          },
          py::arg("data"), py::arg("pts") = py::none(),
          "Parses Annex-B bytes (cut anywhere); returns the frames that became ready, in display order.")
      .def(
          "flush",
          [](NvdecDecoder& d) {
            std::vector<DeviceFramePtr> frames;
            {
              py::gil_scoped_release release;
              d.flush([&](DeviceFramePtr f) { frames.push_back(std::move(f)); });
            }
            return to_list(frames);
          },
          "End of stream: returns the frames still held.")
      .def(
          "decode_annexb_file",
          [](NvdecDecoder& d, const std::string& path) {
            return d.decode_annexb_file(path, [](const DeviceFramePtr&) {});
          },
          py::arg("path"), py::call_guard<py::gil_scoped_release>(),
          "Decodes a whole .h264/.h265 file, dropping the frames; returns how many there were.")
      .def_property_readonly("errors", &NvdecDecoder::errors)
      .def_property_readonly("frames", &NvdecDecoder::frames)
      .def_property_readonly("description", &NvdecDecoder::description);
}

}  // namespace panorama::bindings
