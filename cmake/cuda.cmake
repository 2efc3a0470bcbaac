# PANORAMA_WITH_CUDA: AUTO compiles the CUDA sources when a toolkit is found; ON requires one; OFF never.
# A build without CUDA still links: src/core/cuda_stub.cpp raises "built without CUDA".
include(CheckLanguage)
set(PANORAMA_HAVE_CUDA OFF)
if(NOT PANORAMA_WITH_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # No GPU is needed to compile: pick real architectures instead of "native".
      set(CMAKE_CUDA_ARCHITECTURES 75 80 86 89 90)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(PANORAMA_HAVE_CUDA ON)
  elseif(PANORAMA_WITH_CUDA STREQUAL "ON")
    message(FATAL_ERROR "PANORAMA_WITH_CUDA=ON but no CUDA compiler was found (set CMAKE_CUDA_COMPILER)")
  endif()
endif()
