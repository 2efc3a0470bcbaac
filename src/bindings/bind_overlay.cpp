// panoramasdk._core.Compositor, and the conversion of Python overlay lists (shared with bind_sink.cpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/compositor.hpp"
#include "panoramasdk/overlay/draw_math.hpp"

namespace panorama::bindings {

namespace {

std::string short_repr(const py::handle& obj) {
  std::string r = py::repr(obj);
  return r.size() > 80 ? r.substr(0, 77) + "..." : r;
}

bool to_float(const py::handle& obj, float& out) {
  if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj)) return false;
  try {
    out = py::cast<float>(obj);  // Python and numpy scalars (anything with __float__)
    return true;
  } catch (const py::cast_error&) {
    return false;
  }
}

// A list/tuple-like of items, for error messages by index.
py::sequence as_sequence(const py::handle& obj, const char* what, const char* expected) {
  if (!py::isinstance<py::sequence>(obj) || py::isinstance<py::str>(obj))
    fail(ErrorCode::InvalidArgument, std::string(what) + ": expected a list of " + expected + ", got " + short_repr(obj));
  return py::reinterpret_borrow<py::sequence>(obj);
}

}  // namespace

// Python list[tuple[float, float, float, float]] -> rectangles (left, top, right, bottom).
std::vector<RectOverlay> rects_from_python(const py::handle& obj) {
  py::sequence seq = as_sequence(obj, "rects", "(left, top, right, bottom) tuples");
  std::vector<RectOverlay> out;
  out.reserve(seq.size());
  for (size_t i = 0; i < seq.size(); ++i) {
    py::object item = seq[i];
    float v[4];
    bool ok = py::isinstance<py::sequence>(item) && !py::isinstance<py::str>(item) && py::len(item) == 4;
    for (size_t k = 0; ok && k < 4; ++k) ok = to_float(item[py::int_(k)], v[k]);
    if (!ok)
      fail(ErrorCode::InvalidArgument, "rects[" + std::to_string(i) +
                                           "]: expected a tuple of 4 numbers (left, top, right, bottom), got " +
                                           short_repr(item));
    out.push_back({v[0], v[1], v[2], v[3]});
  }
  return out;
}

// Python list[tuple[str, float, float]] -> labels (text, x, y).
std::vector<LabelOverlay> labels_from_python(const py::handle& obj) {
  py::sequence seq = as_sequence(obj, "labels", "(text, x, y) tuples");
  std::vector<LabelOverlay> out;
  out.reserve(seq.size());
  for (size_t i = 0; i < seq.size(); ++i) {
    py::object item = seq[i];
    LabelOverlay label;
    bool ok = py::isinstance<py::sequence>(item) && !py::isinstance<py::str>(item) && py::len(item) == 3 &&
              py::isinstance<py::str>(item[py::int_(0)]);
    ok = ok && to_float(item[py::int_(1)], label.x) && to_float(item[py::int_(2)], label.y);
    if (!ok)
      fail(ErrorCode::InvalidArgument, "labels[" + std::to_string(i) + "]: expected a tuple (text: str, x, y), got " +
                                           short_repr(item));
    label.text = py::cast<std::string>(item[py::int_(0)]);
    out.push_back(std::move(label));
  }
  return out;
}

namespace {

// A Frame over a writable (H, W, 3) uint8 array with packed pixels (no copy).
Frame frame_view(const py::array& image) {
  if (image.ndim() != 3 || image.shape(2) != 3 || !py::dtype::of<uint8_t>().is(image.dtype()) ||
      image.strides(2) != 1 || image.strides(1) != 3) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < image.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(image.shape(i));
    fail(ErrorCode::InvalidArgument, "image: expected a C-contiguous uint8 array of shape (height, width, 3), got " +
                                         std::string(py::str(image.dtype())) + " " + shape + ")" +
                                         (image.ndim() == 3 ? " with strides that are not packed" : ""));
  }
  if (!image.writeable()) fail(ErrorCode::InvalidArgument, "image: expected a writable array (it is drawn in place)");
  Frame f;
  f.height = static_cast<int>(image.shape(0));
  f.width = static_cast<int>(image.shape(1));
  f.stride = static_cast<size_t>(image.strides(0));
  f.data = static_cast<uint8_t*>(const_cast<void*>(image.data()));
  return f;
}

}  // namespace

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
            Frame frame = frame_view(image);
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
