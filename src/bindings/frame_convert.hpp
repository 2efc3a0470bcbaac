#pragma once
// Frame <-> numpy. frame_to_array makes a zero-copy view that keeps the frame alive;
// array_to_frame copies an H x W x 3 uint8 array into a pooled frame (used to snapshot outputs).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "panoramasdk/core/frame.hpp"

namespace panorama::bindings {

namespace py = pybind11;

py::array frame_to_array(const FramePtr& frame);

// Checks shape (H, W, 3) and dtype uint8; `what` names the array in the error message.
// Copies with the GIL released. Non-contiguous arrays are accepted (copied row by row).
FramePtr array_to_frame(const py::array& array, FramePool& pool, const char* what);

}  // namespace panorama::bindings
