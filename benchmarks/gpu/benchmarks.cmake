# GPU benchmarks (PANORAMA_BUILD_BENCHMARKS=ON in a CUDA build); benchmarks/gpu/check.sh runs them.
add_executable(bench_preprocess_cuda ${CMAKE_CURRENT_LIST_DIR}/bench_preprocess_cuda.cpp)
target_link_libraries(bench_preprocess_cuda PRIVATE panorama_core panorama_warnings)
target_include_directories(bench_preprocess_cuda PRIVATE ${PROJECT_SOURCE_DIR}/tests/cpp)
add_executable(bench_decode_nvdec ${CMAKE_CURRENT_LIST_DIR}/bench_decode_nvdec.cpp)
target_link_libraries(bench_decode_nvdec PRIVATE panorama_core panorama_warnings)
target_include_directories(bench_decode_nvdec PRIVATE ${PROJECT_SOURCE_DIR}/tests/cpp)
