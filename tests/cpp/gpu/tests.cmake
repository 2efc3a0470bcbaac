# GPU tests: built in every configuration; each test skips with the reason when no device is usable.
panorama_add_test(test_gpu
  gpu/test_cuda_device.cpp
  gpu/test_decoder_nvdec.cpp
  gpu/test_draw_cuda.cpp
  gpu/test_preprocess_cuda.cpp
  gpu/test_yuv_to_bgr_cuda.cpp)
target_include_directories(test_gpu PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
