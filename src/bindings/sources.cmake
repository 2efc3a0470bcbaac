set(PANORAMA_BINDINGS_SOURCES
  src/bindings/module.cpp
  src/bindings/errors.cpp
  src/bindings/frame_convert.cpp
  src/bindings/cuda_array.cpp
  src/bindings/overlay_convert.cpp
  src/bindings/bind_core.cpp
  src/bindings/bind_image.cpp
  src/bindings/bind_infer.cpp
  src/bindings/bind_cuda.cpp
  src/bindings/bind_decode.cpp
  src/bindings/bind_overlay_draw.cpp)
# The areas built on FFmpeg and FreeType (module.cpp registers them only in such builds).
if(PANORAMA_WITH_MEDIA)
  list(APPEND PANORAMA_BINDINGS_SOURCES
    src/bindings/bind_media.cpp
    src/bindings/bind_overlay.cpp
    src/bindings/bind_sink.cpp)
endif()
