#pragma once
// Frames a second over the last few seconds; falls to 0 when frames stop coming. Not thread-safe.
#include <algorithm>
#include <chrono>
#include <deque>

namespace panorama {

class RateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateMeter(double window_s = 5.0) : window_(window_s) {}

  void add(Clock::time_point t) {
    times_.push_back(t);
    trim(t);
  }

  double rate(Clock::time_point now) {
    trim(now);
    if (times_.size() < 2) return 0;
    const double span = seconds(times_.back() - times_.front());
    if (span <= 0) return 0;
    const double interval = span / static_cast<double>(times_.size() - 1);
    // A stream that went quiet for several of its own frame intervals is not running at that rate.
    if (seconds(now - times_.back()) > std::max(1.0, 3 * interval)) return 0;
    return 1.0 / interval;
  }

 private:
  static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
  void trim(Clock::time_point now) {
    while (!times_.empty() && seconds(now - times_.front()) > window_) times_.pop_front();
  }

  double window_;
  std::deque<Clock::time_point> times_;
};

}  // namespace panorama
