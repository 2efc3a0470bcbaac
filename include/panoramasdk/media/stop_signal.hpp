#pragma once
// A stop request shared by a stream's thread and whoever stops it: FFmpeg's interrupt callback
// polls requested(); sleeps (pacing, reconnect backoff) wait on it so stop() wakes them at once.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace panorama {

class StopSignal {
 public:
  void request() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    cv_.notify_all();
  }
  bool requested() const noexcept { return stop_.load(std::memory_order_relaxed); }

  // Sleeps until `deadline` or a stop request; returns true when stopped.
  template <class Clock, class Duration>
  bool wait_until(const std::chrono::time_point<Clock, Duration>& deadline) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_until(lock, deadline, [&] { return stop_.load(); });
  }
  bool wait_for(double seconds) const {
    return wait_until(std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds));
  }

 private:
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
};

}  // namespace panorama
