#include "bindings/bindings.hpp"

namespace panorama::bindings {

// The image area: preprocessing (filled in with src/image).
void bind_image(py::module_& m) { (void)m; }

}  // namespace panorama::bindings
