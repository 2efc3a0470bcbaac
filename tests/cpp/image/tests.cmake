panorama_add_test(test_image image/test_preprocess.cpp image/test_parallel_for.cpp)
