panorama_add_test(test_infer infer/test_batch_queue.cpp infer/test_tensor.cpp)
