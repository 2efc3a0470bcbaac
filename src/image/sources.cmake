# Sources of the image area: preprocessing (resize, colour conversion, normalisation, layout), with the
# per-pixel maths shared by the CPU and CUDA variants in include/panoramasdk/image/pixel_math.hpp.
set(PANORAMA_IMAGE_SOURCES
  src/image/preprocess.cpp
  src/image/preprocess_cpu.cpp)
