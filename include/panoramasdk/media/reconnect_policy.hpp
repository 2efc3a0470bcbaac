#pragma once
// Capped exponential backoff between reconnect attempts: initial, 2x initial, ... up to max;
// reset() after a connection that delivered frames.
#include <algorithm>

namespace panorama {

class ReconnectPolicy {
 public:
  ReconnectPolicy(double initial_s, double max_s) : initial_(initial_s), max_(std::max(initial_s, max_s)) {}
  // The delay before the next attempt; each call doubles the following one.
  double next_delay() {
    double delay = next_ > 0 ? next_ : initial_;
    next_ = std::min(delay * 2, max_);
    return delay;
  }
  void reset() { next_ = 0; }

 private:
  double initial_;
  double max_;
  double next_ = 0;
};

}  // namespace panorama
