panorama_add_test(test_image image/test_preprocess.cpp image/test_parallel_for.cpp image/test_yuv_to_bgr.cpp)
