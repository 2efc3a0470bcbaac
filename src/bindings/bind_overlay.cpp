// panoramasdk._core.Compositor (FreeType; media builds). The overlay lists are converted by overlay_convert.hpp.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "bindings/overlay_convert.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/compositor.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama::bindings {

void bind_overlay(py::module_& m) {
  py::class_<Compositor>(m, "Compositor",
                         "Draws rectangles and labels (normalised 0..1 coordinates, origin top-left) onto BGR "
                         "images: green outlines whose thickness grows with the frame, white antialiased text "
                         "(height max(12, H/32) px) on a dark semi-transparent box. Labels that would cross the "
                         "right or bottom edge are shifted inside the frame.")
      .def(py::init<const std::string&>(), py::arg("font_path") = "",
           "Opens a TrueType/OpenType font (empty: the default font, DejaVu Sans). Raises FileNotFoundError "
           "for a missing file, ValueError for a file that is not a font.",
           py::call_guard<py::gil_scoped_release>())
      .def(
          "draw",
          [](Compositor& self, const py::array& image, const py::handle& rects, const py::handle& labels) {
            Frame frame = bgr_frame_view(image, "image");
            auto r = rects_from_python(rects);
            auto l = labels_from_python(labels);
            py::gil_scoped_release release;
            self.draw(frame, r, l);
          },
          py::arg("image"), py::arg("rects"), py::arg("labels"),
          "Draws IN PLACE on image, an (H, W, 3) uint8 C-contiguous writable array. rects: list of "
          "(left, top, right, bottom); labels: list of (text, x, y) with x, y the top-left of the text; "
          "'\\n' starts a new line.")
      .def(
          "label_box",
          [](Compositor& self, const std::string& text, float x, float y, int width, int height) {
            PixelBox b = self.label_box(text, x, y, width, height);
            return py::make_tuple(b.x0, b.y0, b.x1, b.y1);
          },
          py::arg("text"), py::arg("x"), py::arg("y"), py::arg("width"), py::arg("height"),
          "The pixel box (x0, y0, x1, y1), end-exclusive, that draw() gives a label's backing on a width x height "
          "frame.")
      .def("glyph_atlas", &Compositor::glyph_atlas, py::arg("frame_height"), py::arg("texts"),
           "A copy of the GlyphAtlas draw() uses on frames of this height, with the glyphs of `texts` rendered "
           "(for draw_overlay_cpu and OverlayDrawerCuda).",
           py::call_guard<py::gil_scoped_release>())
      .def_static(
          "rect_box",
          [](float left, float top, float right, float bottom, int width, int height) {
            PixelBox b = Compositor::rect_box({left, top, right, bottom}, width, height);
            return py::make_tuple(b.x0, b.y0, b.x1, b.y1);
          },
          py::arg("left"), py::arg("top"), py::arg("right"), py::arg("bottom"), py::arg("width"), py::arg("height"),
          "The pixel box (x0, y0, x1, y1), end-exclusive, that draw() outlines for a rectangle.")
      .def_static("rect_thickness", &overlay_math::rect_thickness, py::arg("width"), py::arg("height"),
                  "Outline thickness in pixels for a frame size.")
      .def_static("text_pixel_size", &overlay_math::text_pixel_size, py::arg("height"),
                  "Label text size in pixels for a frame height.")
      .def_property_readonly("font_path", &Compositor::font_path, "The font file in use.");

  m.def("default_font_path", &default_font_path,
        "The overlay font used when none is named: $PANORAMA_FONT, then DejaVu Sans in the usual system places.");
}

}  // namespace panorama::bindings
