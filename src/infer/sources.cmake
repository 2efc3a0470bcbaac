# Sources of the infer area (explicit list).
set(PANORAMA_INFER_SOURCES
  src/infer/tensor.cpp
  src/infer/batch_queue.cpp
  src/infer/batch_preprocess.cpp)

# engine_python.cpp needs Python and pybind11, so it is compiled into the _core module
# (cmake/python_module.cmake), not into panorama_core.
set(PANORAMA_INFER_PYTHON_SOURCES src/infer/engine_python.cpp)
