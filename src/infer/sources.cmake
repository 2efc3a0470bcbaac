# Sources of the infer area (explicit list).
set(PANORAMA_INFER_SOURCES
  src/infer/buffer_pool.cpp
  src/infer/tensor.cpp
  src/infer/batch_queue.cpp)

# engine_python.cpp needs Python and pybind11, so it belongs to the _core module, not panorama_core.
# _core is defined later (cmake/python_module.cmake): attach the file once the top directory is read.
set(PANORAMA_INFER_PYTHON_SOURCES ${CMAKE_CURRENT_LIST_DIR}/engine_python.cpp)
function(panorama_infer_attach_python_sources)
  if(TARGET _core)
    target_sources(_core PRIVATE ${PANORAMA_INFER_PYTHON_SOURCES})
  endif()
endfunction()
cmake_language(DEFER CALL panorama_infer_attach_python_sources)
