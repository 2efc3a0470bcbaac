#include "bindings/bindings.hpp"

namespace panorama::bindings {

void bind_sink(py::module_& m) {}

}  // namespace panorama::bindings
