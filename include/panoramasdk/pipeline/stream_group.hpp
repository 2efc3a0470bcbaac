#pragma once
// The streams of one application, read one frame set at a time (one entry per stream per call).
//  - ordered (files, tests): next_set waits until every stream that has not ended has its next
//    frame; an ended stream gives null while the others go on.
//  - live (cameras): next_set returns as soon as ANY stream has a frame newer than the one it last
//    returned: the newest frame for those streams, null for the rest (the caller repeats their
//    previous media). A slow or dead camera never holds back the others.
// Thread-safe, but meant for one consumer.
#include <memory>
#include <optional>
#include <vector>

#include "panoramasdk/pipeline/notifier.hpp"
#include "panoramasdk/pipeline/stream.hpp"

namespace panorama {

class StreamGroup {
 public:
  // Throws Error(InvalidArgument) for an empty list or a null stream.
  StreamGroup(std::vector<std::shared_ptr<Stream>> streams, bool ordered);

  void start();  // starts every stream
  void stop();   // stops every stream (each within a fraction of a second)

  // Waits up to timeout_s until every stream has decoded its first frame or finished; returns, per
  // stream, whether it has a frame. Takes nothing.
  std::vector<bool> wait_first(double timeout_s);

  // nullopt: every stream has finished. An empty vector: timeout_s passed first (check stop flags
  // and call again). Otherwise one entry per stream, null where that stream has no new frame.
  std::optional<std::vector<FramePtr>> next_set(double timeout_s);

  const std::vector<std::shared_ptr<Stream>>& streams() const { return streams_; }
  bool ordered() const { return ordered_; }

 private:
  std::vector<std::shared_ptr<Stream>> streams_;
  bool ordered_;
  std::shared_ptr<Notifier> notifier_;
};

}  // namespace panorama
