# Sources of the sink area (explicit list).
set(PANORAMA_SINK_SOURCES
  src/sink/bgr_to_yuv.cpp
  src/sink/device_composer.cpp
  src/sink/encoder_h264.cpp
  src/sink/encoder_jpeg.cpp
  src/sink/latency_histogram.cpp
  src/sink/recorder.cpp
  src/sink/output_chain.cpp)
