#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "gpu/gpu_test.hpp"
#include "panoramasdk/core/build_info.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/error.hpp"

using namespace panorama;

// Runs everywhere: the query answers (0 devices and a reason) instead of throwing.
TEST(CudaDevice, CountMatchesDeviceListAndReason) {
  const int count = cuda_device_count();
  const auto devices = cuda_devices();
  EXPECT_EQ(static_cast<size_t>(count), devices.size());
  const std::string reason = cuda_unavailable_reason();
  EXPECT_EQ(count == 0, !reason.empty()) << reason;
  if (!built_with_cuda()) EXPECT_NE(reason.find("built without CUDA"), std::string::npos) << reason;
  for (const auto& d : devices) {
    EXPECT_FALSE(d.name.empty());
    EXPECT_GE(d.major, 5);
    EXPECT_GT(d.total_memory_bytes, 0u);
    EXPECT_GT(d.multiprocessors, 0);
  }
}

TEST(CudaDevice, WithoutDeviceGpuObjectsRaiseNoCuda) {
  const std::string reason = cuda_unavailable_reason();
  if (reason.empty()) GTEST_SKIP() << "a CUDA device is present; this checks the machine without one";
  try {
    require_cuda_device("preprocess on the GPU");
    FAIL() << "require_cuda_device did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoCuda);
    EXPECT_NE(std::string(e.what()).find("preprocess on the GPU"), std::string::npos) << e.what();
  }
  try {
    DeviceBuffer buffer(1024);
    FAIL() << "DeviceBuffer allocated without a device";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoCuda) << e.what();
  }
  EXPECT_THROW(CudaStream stream, Error);
}

TEST(CudaMemory, RoundTripThroughDeviceIsCountedAndExact) {
  PANORAMA_REQUIRE_GPU();
  const size_t n = 1 << 20;
  PinnedBuffer host(n), back(n);
  auto* src = host.as<uint8_t>();
  for (size_t i = 0; i < n; ++i) src[i] = static_cast<uint8_t>(i * 7 + 3);
  DeviceBuffer a(n), b(n);
  CudaStream stream;
  reset_host_device_copy_counts();
  copy_host_to_device(a.data(), host.data(), n, stream.get());
  copy_device_to_device(b.data(), a.data(), n, stream.get());
  copy_device_to_host(back.data(), b.data(), n, stream.get());
  stream.synchronize();
  EXPECT_EQ(std::memcmp(host.data(), back.data(), n), 0);
  const HostDeviceCopyCounts c = host_device_copy_counts();
  EXPECT_EQ(c.host_to_device, 1u);
  EXPECT_EQ(c.device_to_host, 1u);
  EXPECT_EQ(c.host_to_device_bytes, n);
  EXPECT_EQ(c.device_to_host_bytes, n);
}

TEST(CudaMemory, MovedBufferKeepsOneOwner) {
  PANORAMA_REQUIRE_GPU();
  DeviceBuffer a(4096);
  void* p = a.data();
  DeviceBuffer b = std::move(a);
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b.size(), 4096u);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(a.size(), 0u);
  a = std::move(b);
  EXPECT_EQ(a.data(), p);
  EXPECT_EQ(b.size(), 0u);
  DeviceBuffer empty(0);
  EXPECT_EQ(empty.data(), nullptr);
}

TEST(CudaStream, EventsOrderAndTimeWork) {
  PANORAMA_REQUIRE_GPU();
  const size_t n = 64 << 20;
  DeviceBuffer a(n), b(n);
  CudaStream first, second;
  CudaEvent start(true), stop(true), done;
  start.record(first.get());
  copy_device_to_device(b.data(), a.data(), n, first.get());
  stop.record(first.get());
  done.record(first.get());
  done.wait_on(second.get());  // work queued on `second` now runs after the copy
  second.synchronize();
  stop.synchronize();
  EXPECT_GT(stop.elapsed_ms_since(start), 0.0f);
}
