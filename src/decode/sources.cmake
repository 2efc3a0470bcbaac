# Sources of the decode area (explicit lists). The libavcodec decoder and the factory need FFmpeg
# (PANORAMA_WITH_MEDIA); the NVDEC decoder needs only CUDA and the ffnvcodec headers, so it is built
# in every configuration (as a stub raising "built without NVDEC" where those are missing).
set(PANORAMA_DECODE_SOURCES
  src/decode/bgr_converter.cpp
  src/decode/decoder_factory.cpp
  src/decode/decoder_ffmpeg.cpp)

set(PANORAMA_NVDEC_SOURCES
  src/decode/device_frame.cpp
  src/decode/nvdec_codec.cpp)
if(PANORAMA_HAVE_NVDEC)
  list(APPEND PANORAMA_NVDEC_SOURCES
    src/decode/nvdec_driver.cpp
    src/decode/decoder_nvdec.cpp)
  # Demuxed packets (MP4/RTSP) to Annex-B through FFmpeg's bitstream filters, for make_decoder().
  if(PANORAMA_WITH_MEDIA)
    list(APPEND PANORAMA_DECODE_SOURCES src/decode/decoder_nvdec_packets.cpp)
  endif()
else()
  list(APPEND PANORAMA_NVDEC_SOURCES src/decode/decoder_nvdec_stub.cpp)
endif()
