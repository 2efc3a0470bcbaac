#pragma once
// Where a stream's thread leaves decoded frames for the consumer. Two policies:
//  - newest-wins (live): one frame; a frame replaced before it was taken counts as dropped, so a
//    slow consumer sees bounded latency and the producer never waits;
//  - ordered (files): a bounded FIFO; the producer waits while it is full, so every frame arrives.
// Thread-safe: one producer, any number of consumers.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include "panoramasdk/core/frame.hpp"

namespace panorama {

class FrameSlot {
 public:
  FrameSlot(bool newest_wins, size_t capacity);

  // Producer. Ordered: waits while full; false when the slot was closed meanwhile (frame discarded).
  bool push(FramePtr frame);
  // Producer finished: consumers take what is left, then see drained().
  void close();
  // Stop: drops the frames not taken yet and wakes a waiting producer.
  void close_and_clear();

  // Consumer, never blocks: the next frame (ordered) or the newest untaken frame, else null.
  FramePtr take();
  bool has_frame() const;
  // Closed and nothing left to take.
  bool drained() const;

  int64_t dropped() const;
  int64_t taken() const;

 private:
  const bool newest_wins_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable space_;
  std::deque<FramePtr> frames_;
  bool closed_ = false;
  int64_t dropped_ = 0;
  int64_t taken_ = 0;
};

}  // namespace panorama
