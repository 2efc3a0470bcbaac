panorama_add_test(test_media
  media/test_uri.cpp
  media/test_source.cpp
  media/test_decoder.cpp
  media/test_decoder_nvdec_fallback.cpp
  media/test_stream.cpp
  media/test_stream_decode_device.cpp)
# The NVDEC test clips benchmarks/gpu/prepare_carry.sh made (gpu/nvdec_clips.hpp).
target_include_directories(test_media PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
