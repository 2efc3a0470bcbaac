#pragma once
// One bind_<area>.cpp per area: bodies convert arguments, release the GIL around long work and call
// the core. No logic lives here.
#include <pybind11/pybind11.h>

namespace panorama::bindings {

namespace py = pybind11;

void register_error_translator(py::module_& m);
void bind_core(py::module_& m);
void bind_media(py::module_& m);
void bind_image(py::module_& m);
void bind_infer(py::module_& m);
void bind_overlay(py::module_& m);
void bind_overlay_draw(py::module_& m);
void bind_sink(py::module_& m);
void bind_cuda(py::module_& m);
void bind_decode(py::module_& m);

}  // namespace panorama::bindings
