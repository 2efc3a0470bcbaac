#include "bindings/bindings.hpp"

namespace panorama::bindings {

void bind_media(py::module_& m) {}

}  // namespace panorama::bindings
