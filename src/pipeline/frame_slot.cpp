#include "panoramasdk/pipeline/frame_slot.hpp"

#include <algorithm>

namespace panorama {

FrameSlot::FrameSlot(bool newest_wins, size_t capacity)
    : newest_wins_(newest_wins), capacity_(newest_wins ? 1 : std::max<size_t>(1, capacity)) {}

bool FrameSlot::push(FramePtr frame) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (newest_wins_) {
    if (closed_) return false;
    if (!frames_.empty()) {
      ++dropped_;
      frames_.clear();
    }
    frames_.push_back(std::move(frame));
    return true;
  }
  space_.wait(lock, [&] { return closed_ || frames_.size() < capacity_; });
  if (closed_) return false;
  frames_.push_back(std::move(frame));
  return true;
}

void FrameSlot::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  space_.notify_all();
}

void FrameSlot::close_and_clear() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    frames_.clear();
  }
  space_.notify_all();
}

FramePtr FrameSlot::take() {
  FramePtr frame;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (frames_.empty()) return nullptr;
    frame = std::move(frames_.front());
    frames_.pop_front();
    ++taken_;
  }
  space_.notify_one();
  return frame;
}

bool FrameSlot::has_frame() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !frames_.empty();
}

bool FrameSlot::drained() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_ && frames_.empty();
}

int64_t FrameSlot::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

int64_t FrameSlot::taken() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return taken_;
}

}  // namespace panorama
