// _core.GlyphAtlas, draw_overlay_cpu and OverlayDrawerCuda: the overlay's drawing from a glyph atlas,
// built in every configuration (no FreeType needed, unlike Compositor in bind_overlay.cpp). Argument
// conversion and GIL release only.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

#include "bindings/bindings.hpp"
#include "bindings/cuda_array.hpp"
#include "bindings/overlay_convert.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw.hpp"
#include "panoramasdk/overlay/draw_cuda.hpp"
#include "panoramasdk/overlay/glyph_atlas.hpp"

namespace panorama::bindings {

namespace {

// A code point given as a one-character str or an int.
char32_t code_point_from_python(const py::handle& obj) {
  if (py::isinstance<py::str>(obj)) {
    const std::u32string s = py::cast<std::u32string>(obj);
    if (s.size() != 1)
      fail(ErrorCode::InvalidArgument, "code_point: expected one character, got " + std::to_string(s.size()));
    return s[0];
  }
  return static_cast<char32_t>(py::cast<uint32_t>(obj));
}

// A Frame over an (H, W, 3) uint8 device array with packed pixels (rows may be padded).
Frame device_bgr_view(const py::handle& image) {
  const CudaArray a = cuda_array(image, "image");
  if (a.typestr != "|u1" || a.shape.size() != 3 || a.shape[2] != 3 || a.strides[2] != 1 || a.strides[1] != 3)
    fail(ErrorCode::InvalidArgument, "image: expected an (height, width, 3) uint8 device array with packed pixels, got " +
                                         a.typestr + " with " + std::to_string(a.shape.size()) + " axes");
  Frame f;
  f.height = static_cast<int>(a.shape[0]);
  f.width = static_cast<int>(a.shape[1]);
  f.stride = a.strides[0];
  f.data = static_cast<uint8_t*>(a.data);
  return f;
}

}  // namespace

void bind_overlay_draw(py::module_& m) {
  py::class_<GlyphAtlas>(m, "GlyphAtlas",
                         "Glyph bitmaps (8-bit coverage) packed in one atlas, with their metrics: what "
                         "draw_overlay_cpu and OverlayDrawerCuda draw labels with (Compositor.glyph_atlas gives a font's).")
      .def(py::init<int, int, int>(), py::arg("pixel_size"), py::arg("ascender"), py::arg("line_height"))
      .def(
          "add",
          [](GlyphAtlas& self, const py::handle& code_point,
             const py::array_t<uint8_t, py::array::c_style | py::array::forcecast>& coverage, int left, int top,
             int advance) {
            if (coverage.ndim() != 2)
              fail(ErrorCode::InvalidArgument, "coverage: expected a (rows, width) uint8 array, got " +
                                                   std::to_string(coverage.ndim()) + " axes");
            const char32_t cp = code_point_from_python(code_point);
            self.add(cp, static_cast<int>(coverage.shape(1)), static_cast<int>(coverage.shape(0)), left, top, advance,
                     coverage.data());
          },
          py::arg("code_point"), py::arg("coverage"), py::arg("left"), py::arg("top"), py::arg("advance"),
          "Adds a glyph: code_point (a one-character str or an int), coverage a (rows, width) uint8 array; left, "
          "top: the bitmap's offset from the pen and the baseline (up positive); advance: the pen step.")
      .def_property_readonly("pixel_size", &GlyphAtlas::pixel_size)
      .def_property_readonly("ascender", &GlyphAtlas::ascender)
      .def_property_readonly("line_height", &GlyphAtlas::line_height)
      .def_property_readonly("revision", &GlyphAtlas::revision)
      .def("__len__", &GlyphAtlas::glyph_count);

  m.def(
      "draw_overlay_cpu",
      [](const py::array& image, const py::handle& rects, const py::handle& labels, const GlyphAtlas& atlas) {
        Frame frame = bgr_frame_view(image, "image");
        const auto r = rects_from_python(rects);
        const auto l = labels_from_python(labels);
        py::gil_scoped_release release;
        draw_overlay_cpu(frame, overlay_draw_list(r, l, atlas, frame.width, frame.height), atlas);
      },
      py::arg("image"), py::arg("rects"), py::arg("labels"), py::arg("atlas"),
      "Draws IN PLACE on image ((H, W, 3) uint8 BGR, writable) the rects [(left, top, right, bottom)] and labels "
      "[(text, x, y)] with the atlas' glyphs, as Compositor.draw does with a font: the oracle of OverlayDrawerCuda.");

  py::class_<OverlayDrawerCuda>(m, "OverlayDrawerCuda",
                                "Draws overlays on BGR device frames in one kernel launch, with the same pixels as "
                                "draw_overlay_cpu; keeps the glyph atlas on the device between frames.")
      .def(py::init<>(), "Raises RuntimeError (NoCuda) without CUDA or a device.")
      .def(
          "draw",
          [](OverlayDrawerCuda& self, const py::handle& image, const py::handle& rects, const py::handle& labels,
             const GlyphAtlas& atlas, uintptr_t stream) {
            const Frame frame = device_bgr_view(image);
            const auto r = rects_from_python(rects);
            const auto l = labels_from_python(labels);
            py::gil_scoped_release release;
            self.draw(frame.data, frame.width, frame.height, frame.stride,
                      overlay_draw_list(r, l, atlas, frame.width, frame.height), atlas,
                      reinterpret_cast<CudaStreamHandle>(stream));
          },
          py::arg("image"), py::arg("rects"), py::arg("labels"), py::arg("atlas"), py::arg("stream") = 0,
          "Draws in place on image, an (H, W, 3) uint8 device array (CuPy, PyTorch, ...), queued on `stream` (a "
          "cudaStream_t as int; 0 = default).")
      .def_property_readonly("atlas_uploads", &OverlayDrawerCuda::atlas_uploads,
                             "How often a glyph atlas was copied to the device.");
}

}  // namespace panorama::bindings
