#pragma once
// FFmpeg's AVIOInterruptCB for one source: every blocking libavformat call returns AVERROR_EXIT
// once the armed deadline passes or a stop is requested. FFmpeg polls it about every 100 ms
// while it waits on the network, so stop() and deadlines act within that.
#include <atomic>
#include <chrono>

#include "panoramasdk/media/stop_signal.hpp"

extern "C" {
#include <libavformat/avio.h>
}

namespace panorama {

class AvInterrupt {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  explicit AvInterrupt(const StopSignal& stop) : stop_(stop) {}

  void arm(Deadline deadline) {
    deadline_ns_.store(deadline.time_since_epoch().count());
    deadline_hit_.store(false);
  }
  AVIOInterruptCB callback() { return AVIOInterruptCB{&AvInterrupt::poll, this}; }

  bool stopped() const { return stop_.requested(); }
  // True when the last call was cut short by the deadline (not by a stop request).
  bool deadline_hit() const { return deadline_hit_.load(); }

 private:
  static int poll(void* opaque) {
    auto* self = static_cast<AvInterrupt*>(opaque);
    if (self->stop_.requested()) return 1;
    if (std::chrono::steady_clock::now().time_since_epoch().count() > self->deadline_ns_.load()) {
      self->deadline_hit_.store(true);
      return 1;
    }
    return 0;
  }

  const StopSignal& stop_;
  std::atomic<Deadline::rep> deadline_ns_{Deadline::max().time_since_epoch().count()};
  std::atomic<bool> deadline_hit_{false};
};

}  // namespace panorama
