#pragma once
// One application output: a thread that composes each submitted frame (rectangles and labels on the
// chain's own copy of the image) and feeds the H.264 recorder and, while someone watches, the
// live-view JPEG. A frame that lives on the GPU (Frame::device, from NVDEC) is submitted as it is and
// composed on the GPU (sink/device_composer.hpp) only when a sink needs it, a recording or a JPEG for
// a viewer; only the composed picture then comes to the host, once.
//
// Threading: submit(), wait_jpeg(), stats(), set_view_active() and close() may be called from any
// thread. The chain never calls back into the caller.
// Queue: at most queue_size frames wait. When full, drop_when_full (live cameras) drops the OLDEST
// queued frame and counts it; otherwise submit() blocks until there is room, so a file recording
// gets every frame.
// View: when `view` is on, the newest composed frame becomes a JPEG at most view_max_fps times a
// second, and only while someone watches: set_view_active(true), or a wait_jpeg() call in the last
// 2 s. A viewer that arrives later gets the newest composed frame encoded on request.
// Latency: a frame's time stamp (submit's time_stamp_us: wall clock, µs since the epoch; the runtime
// passes the frame's decode time) is compared with the wall clock when the chain has finished with
// the frame (drawn, handed to the recorder, offered to the view); stats().latency summarises those
// samples over the chain's life. Not counted: frames with time stamp 0 (unknown), repeats (submitted
// with fresh = false: a picture already output once, shown again because another stream of the frame
// set moved on) and dropped frames.
// Errors: a recording failure (disk full, ...) stops the recording, is logged and shows in
// stats().last_error; the chain keeps composing and serving the view.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/overlay/compositor.hpp"
#include "panoramasdk/sink/latency_histogram.hpp"

namespace panorama {

struct OutputOptions {
  std::string record_path;     // "" = no recording; suffix picks the container (.mp4, .mkv)
  double fps = 25.0;           // recording frame rate (constant: frame i is at i / fps)
  int crf = 23;                // H.264 constant quality, 0..51
  std::string preset = "ultrafast";  // x264 speed preset: the CPU goes to inference, not to file size
  bool view = false;           // produce JPEGs for the live view
  double view_max_fps = 15.0;  // at most this many JPEGs a second
  int jpeg_quality = 80;       // 1..100
  int queue_size = 8;          // frames waiting for the chain thread, >= 1
  bool drop_when_full = false; // live sources: drop the oldest queued frame instead of waiting
  std::string font_path;       // "" = default_font_path()
  std::string name;            // names the output in messages, e.g. "video_out[0]"
};

struct OutputStats {
  int64_t frames_submitted = 0;
  int64_t frames_composed = 0;  // drawn; a device frame is drawn only when a sink needs it
  int64_t frames_encoded = 0;  // frames handed to the recorder
  int64_t frames_dropped = 0;  // dropped from a full queue (drop_when_full)
  int64_t jpeg_sequence = 0;   // sequence number of the newest JPEG (0: none yet)
  double overlay_s = 0.0;      // chain-thread time drawing overlays, all frames together
  double encode_s = 0.0;       // chain-thread time in the recorder (BGR->YUV + H.264), all frames
  double jpeg_s = 0.0;         // chain-thread time making live-view JPEGs, all of them
  std::string jpeg_encoder;    // what made the newest JPEG: "nvjpeg" (on the GPU) or "libavcodec"
  LatencySummary latency;      // time stamp -> done with the frame, over time-stamped frames
  std::string last_error;      // "" while all is well
};

struct JpegImage {
  int64_t sequence = 0;        // 1, 2, ... in order of production
  int64_t time_stamp_us = 0;   // the submitted frame's time stamp
  int width = 0;
  int height = 0;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
};

class OutputChain {
 public:
  // Validates the options, opens the font and the recording file (errors are thrown here: a bad
  // path, an unknown container suffix, a missing font) and starts the thread.
  explicit OutputChain(const OutputOptions& options);
  ~OutputChain();  // close()
  OutputChain(const OutputChain&) = delete;
  OutputChain& operator=(const OutputChain&) = delete;

  // Buffers for submit(): copy the application's image into a frame from here.
  FramePool& frame_pool();

  // Queues a frame the chain now owns (nobody else may write its pixels), or a frame on the device,
  // which the chain only reads (the camera's, shared). Blocks while the queue is
  // full unless drop_when_full. Throws Error(Stopped) after close(), Error(InvalidArgument) for a
  // null frame.
  void submit(FramePtr frame, std::vector<RectOverlay> rects, std::vector<LabelOverlay> labels,
              int64_t time_stamp_us = 0, bool fresh = true);
  // Copies `image` into a pooled frame, then submit().
  void submit_copy(const Frame& image, std::vector<RectOverlay> rects, std::vector<LabelOverlay> labels,
                   int64_t time_stamp_us = 0, bool fresh = true);

  // The newest JPEG with sequence > after_sequence, waiting up to timeout_s; nullopt on timeout or
  // when the chain is closed. Marks the view as watched. Throws Error(InvalidArgument) when the view
  // is off.
  std::optional<JpegImage> wait_jpeg(int64_t after_sequence, double timeout_s);

  // Keeps JPEGs coming without wait_jpeg() calls (an external viewer that polls rarely).
  void set_view_active(bool active);

  OutputStats stats() const;

  // Processes every queued frame, finalises the recording and stops the thread. Idempotent; never
  // throws (a finalisation error goes to the log and stats().last_error).
  void close();

  // True once close() has begun (submit() then fails and wait_jpeg() no longer waits).
  bool closed() const;

  const OutputOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama
