#pragma once
#include <chrono>
#include <cstdint>

namespace panorama {

// Wall clock, microseconds since the Unix epoch (for capture time stamps).
inline int64_t wall_time_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Monotonic clock, for deadlines and rates.
using SteadyClock = std::chrono::steady_clock;

}  // namespace panorama
