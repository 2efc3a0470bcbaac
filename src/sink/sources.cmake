# Sources of the sink area (explicit list).
set(PANORAMA_SINK_SOURCES
  src/sink/bgr_to_yuv.cpp
  src/sink/device_composer.cpp
  src/sink/encoder_h264.cpp
  src/sink/encoder_jpeg.cpp
  src/sink/latency_histogram.cpp
  src/sink/recorder.cpp
  src/sink/output_chain.cpp)
# The live view's GPU encoder: nvJPEG where its header was found (cmake/nvjpeg.cmake), else a stub that
# says why (the view then encodes with libavcodec).
if(PANORAMA_HAVE_NVJPEG)
  list(APPEND PANORAMA_SINK_SOURCES src/sink/jpeg_encoder_nvjpeg.cpp)
else()
  list(APPEND PANORAMA_SINK_SOURCES src/sink/jpeg_encoder_nvjpeg_stub.cpp)
endif()
