set(PANORAMA_CORE_SOURCES
  src/core/error.cpp
  src/core/build_info.cpp
  src/core/buffer_pool.cpp
  src/core/frame_pool.cpp
  src/core/cuda_buffer_pool.cpp
  src/core/log.cpp
  src/core/parallel_for.cpp)

# FFmpeg's error and log helpers serve the media areas only.
if(PANORAMA_WITH_MEDIA)
  list(APPEND PANORAMA_CORE_SOURCES
    src/core/ffmpeg_error.cpp
    src/core/ffmpeg_log.cpp)
endif()

# CUDA basics: device query, RAII device/pinned memory, streams and events. Without CUDA one stub
# file answers "no devices" and raises "built without CUDA" for the rest.
if(PANORAMA_HAVE_CUDA)
  list(APPEND PANORAMA_CORE_SOURCES
    src/core/cuda_check.cpp
    src/core/cuda_device.cpp
    src/core/cuda_memory.cpp
    src/core/cuda_stream.cpp)
else()
  list(APPEND PANORAMA_CORE_SOURCES src/core/cuda_stub.cpp)
endif()
