#pragma once
// When each frame of a file played in real time is due: its presentation time stamp after the
// first frame's, on the steady clock. Frames without a usable time stamp (raw .h264, or a stamp
// that goes backwards) follow the previous one by the nominal frame interval. A consumer that
// fell far behind resynchronises instead of getting a burst.
#include <chrono>
#include <cstdint>

#include "panoramasdk/decode/decoder.hpp"

namespace panorama {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  Pacer(double time_base_s, double nominal_fps)
      : time_base_(time_base_s), interval_(nominal_fps > 0 ? 1.0 / nominal_fps : 1.0 / 25) {}

  Clock::time_point due(int64_t pts, Clock::time_point now) {
    if (!started_) {
      started_ = true;
      due_ = now;
    } else {
      double step = interval_;
      if (pts != kNoTimestamp && last_pts_ != kNoTimestamp && pts > last_pts_) {
        step = static_cast<double>(pts - last_pts_) * time_base_;
        if (step > 10 * interval_ + 1) step = interval_;  // a jump in the stamps, not a pause in the video
      }
      due_ += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(step));
      if (now - due_ > std::chrono::seconds(1)) due_ = now;
    }
    last_pts_ = pts;
    return due_;
  }

 private:
  double time_base_;
  double interval_;
  bool started_ = false;
  int64_t last_pts_ = kNoTimestamp;
  Clock::time_point due_;
};

}  // namespace panorama
