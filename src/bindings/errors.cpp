// The one translator: panorama::Error -> the class in panoramasdk.errors that matches its code.
// Those classes derive from PanoramaError and the natural built-in (ValueError, TimeoutError, ...).
#include "panoramasdk/core/error.hpp"

#include "bindings/bindings.hpp"

namespace panorama::bindings {

void register_error_translator(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      py::object errors = py::module_::import("panoramasdk.errors");
      py::object cls = errors.attr("class_for_code")(error_code_name(e.code()));
      PyErr_SetObject(cls.ptr(), py::str(e.what()).ptr());
    }
  });
}

}  // namespace panorama::bindings
