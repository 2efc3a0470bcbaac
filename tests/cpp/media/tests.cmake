panorama_add_test(test_media
  media/test_uri.cpp
  media/test_source.cpp
  media/test_decoder.cpp
  media/test_decoder_nvdec_fallback.cpp
  media/test_stream.cpp)
