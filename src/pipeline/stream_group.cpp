#include "panoramasdk/pipeline/stream_group.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

std::chrono::steady_clock::time_point deadline_after(double seconds) {
  return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                std::chrono::duration<double>(std::max(0.0, seconds)));
}

}  // namespace

StreamGroup::StreamGroup(std::vector<std::shared_ptr<Stream>> streams, bool ordered)
    : streams_(std::move(streams)), ordered_(ordered), notifier_(std::make_shared<Notifier>()) {
  if (streams_.empty()) fail(ErrorCode::InvalidArgument, "StreamGroup: expected at least one stream, got none");
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (!streams_[i]) fail(ErrorCode::InvalidArgument, "StreamGroup: stream " + std::to_string(i) + " is None");
    streams_[i]->add_listener(notifier_);
  }
}

void StreamGroup::start() {
  for (auto& s : streams_) s->start();
}

void StreamGroup::stop() {
  for (auto& s : streams_) s->stop();
}

std::vector<bool> StreamGroup::wait_first(double timeout_s) {
  const auto deadline = deadline_after(timeout_s);
  for (;;) {
    const uint64_t seen = notifier_->generation();
    bool all = true;
    for (auto& s : streams_) all = all && (s->has_decoded() || s->finished());
    if (all || !notifier_->wait_change(seen, deadline)) break;
  }
  std::vector<bool> out;
  for (auto& s : streams_) out.push_back(s->has_decoded());
  return out;
}

std::optional<std::vector<FramePtr>> StreamGroup::next_set(double timeout_s) {
  const auto deadline = deadline_after(timeout_s);
  for (;;) {
    const uint64_t seen = notifier_->generation();
    size_t with_frame = 0, finished = 0;
    for (auto& s : streams_) {
      if (s->has_frame())
        ++with_frame;
      else if (s->finished())
        ++finished;
    }
    if (finished == streams_.size()) return std::nullopt;
    const bool ready = ordered_ ? with_frame > 0 && with_frame + finished == streams_.size() : with_frame > 0;
    if (ready) {
      std::vector<FramePtr> set;
      set.reserve(streams_.size());
      for (auto& s : streams_) set.push_back(s->take());
      return set;
    }
    if (!notifier_->wait_change(seen, deadline)) return std::vector<FramePtr>{};
  }
}

}  // namespace panorama
