#pragma once
// Python overlay arguments -> core structs, for every binding that draws overlays (bind_overlay.cpp,
// bind_overlay_draw.cpp, bind_sink.cpp). Errors are ValueErrors naming the item at fault.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/draw.hpp"

namespace panorama::bindings {

namespace py = pybind11;

// list[tuple[float, float, float, float]] -> rectangles (left, top, right, bottom).
std::vector<RectOverlay> rects_from_python(const py::handle& obj);

// list[tuple[str, float, float]] -> labels (text, x, y).
std::vector<LabelOverlay> labels_from_python(const py::handle& obj);

// A Frame over a writable (H, W, 3) uint8 numpy array with packed pixels (no copy); `what` names the
// array in errors.
Frame bgr_frame_view(const py::array& image, const char* what);

}  // namespace panorama::bindings
