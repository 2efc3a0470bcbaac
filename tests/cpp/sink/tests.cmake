panorama_add_test(test_sink sink/test_recorder.cpp sink/test_output_chain.cpp sink/test_latency_histogram.cpp)
