set(PANORAMA_CORE_SOURCES
  src/core/error.cpp
  src/core/ffmpeg_error.cpp
  src/core/ffmpeg_log.cpp
  src/core/buffer_pool.cpp
  src/core/frame_pool.cpp
  src/core/log.cpp
  src/core/cuda_stub.cpp)
