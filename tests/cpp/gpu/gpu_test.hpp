#pragma once
// GPU tests skip loudly, naming what is missing ("built without CUDA", "no CUDA device found", ...).
#include <gtest/gtest.h>

#include <string>

#include "panoramasdk/core/cuda_device.hpp"

#define PANORAMA_REQUIRE_GPU()                                                   \
  do {                                                                           \
    const std::string why_no_gpu = panorama::cuda_unavailable_reason();          \
    if (!why_no_gpu.empty()) GTEST_SKIP() << "GPU test skipped: " << why_no_gpu; \
  } while (0)
