#pragma once
// Shared by the GPU benchmarks: timing with CUDA events and the device-to-device copy baseline
// measured in the same run. Results are Markdown lines on stdout (benchmarks/gpu/check.sh keeps them).
#include <cstdio>
#include <functional>

#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"

namespace panorama::bench {

// Milliseconds per call of `work` queued on `stream` (after 3 warm-up calls), timed by CUDA events.
inline double ms_per_call(const CudaStream& stream, int iterations, const std::function<void()>& work) {
  for (int i = 0; i < 3; ++i) work();
  CudaEvent start(true), stop(true);
  start.record(stream.get());
  for (int i = 0; i < iterations; ++i) work();
  stop.record(stream.get());
  stop.synchronize();
  return static_cast<double>(stop.elapsed_ms_since(start)) / iterations;
}

// Bytes read + written per second by cudaMemcpy device to device of a 256 MiB buffer: the memory
// bandwidth a streaming kernel can hope for on this GPU.
inline double d2d_copy_bytes_per_s(const CudaStream& stream) {
  const size_t bytes = size_t{256} << 20;
  DeviceBuffer a(bytes), b(bytes);
  const double ms = ms_per_call(stream, 20, [&] { copy_device_to_device(b.data(), a.data(), bytes, stream.get()); });
  return 2.0 * static_cast<double>(bytes) / (ms * 1e-3);
}

}  // namespace panorama::bench
