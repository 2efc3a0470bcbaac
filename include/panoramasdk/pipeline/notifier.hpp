#pragma once
// Wakes a consumer that waits on several streams at once: every producer event (a frame, the end)
// bumps a generation counter under the lock, so a consumer that read the generation before checking
// its streams never misses a wake-up.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace panorama {

class Notifier {
 public:
  void notify() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++generation_;
    }
    cv_.notify_all();
  }
  uint64_t generation() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return generation_;
  }
  // Waits until the generation differs from `seen` or `deadline` passes; false on timeout.
  bool wait_change(uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_until(lock, deadline, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  uint64_t generation_ = 0;
};

}  // namespace panorama
