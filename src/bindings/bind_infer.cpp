#include "bindings/bindings.hpp"

namespace panorama::bindings {

void bind_infer(py::module_& m) {}

}  // namespace panorama::bindings
