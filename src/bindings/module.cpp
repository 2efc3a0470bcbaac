#include "bindings/bindings.hpp"

namespace panorama::bindings {

namespace {

// PANORAMA_WITH_MEDIA=OFF: the FFmpeg/FreeType classes are absent; asking for one says why.
[[maybe_unused]] void explain_missing_media(py::module_& m) {
  m.attr("__getattr__") = py::cpp_function([](const std::string& name) -> py::object {
    throw py::attribute_error("panoramasdk._core has no attribute '" + name +
                              "': built without media support (FFmpeg/FreeType); rebuild with "
                              "PANORAMA_WITH_MEDIA=ON and the FFmpeg and FreeType development packages");
  });
}

}  // namespace

}  // namespace panorama::bindings

PYBIND11_MODULE(_core, m) {
  m.doc() = "panoramasdk native core (media, decode, inference queue, overlay, sinks, CUDA)";
  m.attr("__version__") = PANORAMA_VERSION;
  using namespace panorama::bindings;
  register_error_translator(m);
  bind_core(m);
  bind_image(m);
  bind_infer(m);
  bind_cuda(m);
  bind_decode(m);
  bind_overlay_draw(m);
#if PANORAMA_WITH_MEDIA
  bind_media(m);
  bind_overlay(m);
  bind_sink(m);
#else
  explain_missing_media(m);
#endif
}
