#pragma once
// A source of compressed video packets for one stream: an RTSP camera or a file through
// libavformat (source_ffmpeg.cpp), or the synthetic test pattern (source_testsrc.cpp, raw BGR24
// packets). One thread uses a source; every blocking call is bounded by a deadline and returns
// early when the StopSignal is raised.
#include <chrono>
#include <memory>
#include <string>

#include "panoramasdk/media/stop_signal.hpp"
#include "panoramasdk/media/stream_options.hpp"
#include "panoramasdk/media/uri.hpp"

extern "C" {
struct AVCodecParameters;
struct AVPacket;
}

namespace panorama {

// What the decoder needs to know about the video stream of an open source.
struct VideoInfo {
  const AVCodecParameters* codec = nullptr;  // owned by the source; valid while it is open
  int time_base_num = 1;                     // unit of packet and frame time stamps
  int time_base_den = 1;
  double nominal_fps = 0;                    // announced frame rate; 0 when unknown
};

class Source {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  virtual ~Source() = default;

  // Connects / opens and finds the video stream. Throws Error: NotFound (missing file, RTSP 404),
  // Auth (401/403), Connection (refused, reset), Timeout (past `deadline`), Decode (not a video).
  virtual void open(Deadline deadline) = 0;

  // The next video packet into `packet` (unreferenced first). False at the end of the stream.
  // Throws Error like open(); Timeout when nothing arrived by `deadline`.
  virtual bool read(AVPacket* packet, Deadline deadline) = 0;

  virtual const VideoInfo& info() const = 0;

  // True for network sources: their end of stream means the server went away (a disconnect).
  virtual bool end_means_disconnect() const = 0;
};

// The source for validated `options`. `what` names the stream in messages ("camera rtsp://h/x").
// `stop` must outlive the source.
std::unique_ptr<Source> make_source(const StreamOptions& options, const std::string& what, const StopSignal& stop);

}  // namespace panorama
