#include "bindings/bindings.hpp"

namespace panorama::bindings {

void bind_overlay(py::module_& m) {}

}  // namespace panorama::bindings
