# panoramasdk._core: the pybind11 bindings over panorama_core.
if(NOT PANORAMA_BUILD_PYTHON)
  return()
endif()
find_package(Python 3.9 REQUIRED COMPONENTS Interpreter Development.Module)
find_package(pybind11 CONFIG REQUIRED)

include(src/bindings/sources.cmake)
pybind11_add_module(_core MODULE ${PANORAMA_BINDINGS_SOURCES} ${PANORAMA_INFER_PYTHON_SOURCES})
target_link_libraries(_core PRIVATE panorama_core panorama_warnings)
target_include_directories(_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_definitions(_core PRIVATE PANORAMA_VERSION="${PROJECT_VERSION}")
# Development builds put _core at the top of the build folder (see PANORAMA_CORE_DIR in the README).
set_target_properties(_core PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
install(TARGETS _core LIBRARY DESTINATION panoramasdk COMPONENT python)
