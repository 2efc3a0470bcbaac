panorama_add_test(test_core core/test_frame_pool.cpp core/test_ffmpeg_error.cpp)
