# Sources of the decode area (explicit list).
set(PANORAMA_DECODE_SOURCES
  src/decode/bgr_converter.cpp
  src/decode/decoder_factory.cpp
  src/decode/decoder_ffmpeg.cpp)
