# Sources of the image area: preprocessing (resize, colour conversion, normalisation, layout), with the
# per-pixel maths shared by the CPU and CUDA variants in include/panoramasdk/image/pixel_math.hpp.
set(PANORAMA_IMAGE_SOURCES
  src/image/preprocess.cpp
  src/image/preprocess_cpu.cpp
  src/image/preprocess_frame.cpp)

# NV12/I420 -> BGR (CPU oracle) and the CUDA variants (src/image/image_cuda_stub.cpp without CUDA).
list(APPEND PANORAMA_IMAGE_SOURCES
  src/image/yuv_to_bgr.cpp
  src/image/yuv_to_bgr_cpu.cpp)
if(PANORAMA_HAVE_CUDA)
  list(APPEND PANORAMA_IMAGE_SOURCES
    src/image/preprocess_cuda.cu
    src/image/yuv_to_bgr_cuda.cu)
else()
  list(APPEND PANORAMA_IMAGE_SOURCES src/image/image_cuda_stub.cpp)
endif()
