#include "bindings/bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "panoramasdk native core (media, decode, inference queue, overlay, sinks)";
  m.attr("__version__") = PANORAMA_VERSION;
  using namespace panorama::bindings;
  register_error_translator(m);
  bind_core(m);
  bind_media(m);
  bind_image(m);
  bind_infer(m);
  bind_overlay(m);
  bind_sink(m);
}
