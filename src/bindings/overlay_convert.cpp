#include "bindings/overlay_convert.hpp"

#include <pybind11/stl.h>

#include <string>

#include "panoramasdk/core/error.hpp"

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

Frame bgr_frame_view(const py::array& image, const char* what) {
  const std::string name(what);
  if (image.ndim() != 3 || image.shape(2) != 3 || !py::dtype::of<uint8_t>().is(image.dtype()) ||
      image.strides(2) != 1 || image.strides(1) != 3) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < image.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(image.shape(i));
    fail(ErrorCode::InvalidArgument, name + ": expected a C-contiguous uint8 array of shape (height, width, 3), got " +
                                         std::string(py::str(image.dtype())) + " " + shape + ")" +
                                         (image.ndim() == 3 ? " with strides that are not packed" : ""));
  }
  if (!image.writeable()) fail(ErrorCode::InvalidArgument, name + ": expected a writable array (it is drawn in place)");
  Frame f;
  f.height = static_cast<int>(image.shape(0));
  f.width = static_cast<int>(image.shape(1));
  f.stride = static_cast<size_t>(image.strides(0));
  f.data = static_cast<uint8_t*>(const_cast<void*>(image.data()));
  return f;
}

}  // namespace panorama::bindings
