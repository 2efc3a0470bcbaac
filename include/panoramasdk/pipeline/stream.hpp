#pragma once
// One stream: a thread that runs source -> decoder -> frame slot, with the policies around them:
// deadlines, the stall watchdog, reconnects with capped exponential backoff, realtime pacing of
// files, statistics. Live sources (cameras, the test pattern, realtime files) keep the newest frame;
// files deliver every frame in order (the thread waits while the consumer is behind).
// Thread-safe; frames are taken by a StreamGroup or with next_frame().
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/media/reconnect_policy.hpp"
#include "panoramasdk/media/stop_signal.hpp"
#include "panoramasdk/media/stream_options.hpp"
#include "panoramasdk/media/uri.hpp"
#include "panoramasdk/pipeline/frame_slot.hpp"
#include "panoramasdk/pipeline/notifier.hpp"

namespace panorama {

enum class StreamState {
  Idle,          // created, not started
  Connecting,    // first open, until the first frame is decoded
  Streaming,     // frames are arriving
  Reconnecting,  // waiting out the backoff, or reopening, after a failure
  Ended,         // a file or finite test pattern reached its end
  Error,         // a failure that is not retried (files, reconnect=false); see last_error
  Stopped,       // stop() was called
};
const char* stream_state_name(StreamState state) noexcept;
// Throws Error(InvalidArgument) listing the known names.
StreamState stream_state_from_name(const std::string& name);

struct StreamStats {
  StreamState state = StreamState::Idle;
  int64_t frames_decoded = 0;    // frames out of the decoder (= the next sequence number)
  int64_t frames_delivered = 0;  // frames taken by the consumer
  int64_t frames_dropped = 0;    // live: frames replaced before the consumer took them
  int64_t decode_errors = 0;     // corrupt packets or damaged frames (skipped, never fatal)
  int64_t reconnects = 0;        // reconnect attempts after a failure or a lost connection
  int width = 0;                 // of the latest frame
  int height = 0;
  double fps = 0;                // measured over the last few seconds
  double nominal_fps = 0;        // announced by the source; 0 when unknown
  std::string last_error;        // redacted; "" when none yet
  std::string last_error_code;   // error_code_name(), e.g. "auth", "connection"; "" when none
  std::string decoder;           // the latest decoder's backend: "nvdec" or "libavcodec"; "" before one is made
};

class Stream {
 public:
  // Throws Error(InvalidArgument) for invalid options (see validate_options).
  explicit Stream(StreamOptions options);
  ~Stream();  // stops
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Starts the thread; a second call does nothing. Error(Stopped) after stop().
  void start();
  // Idempotent; returns within about 0.2 s even while connecting: every blocking call watches the stop flag.
  void stop();

  const std::string& display_uri() const { return display_uri_; }
  bool is_live() const { return live_; }
  StreamState state() const;
  StreamStats stats() const;
  // Waits until the state is one of `states` or `timeout_s` passes; returns the state then.
  StreamState wait_for_state(const std::vector<StreamState>& states, double timeout_s) const;

  // Consumer side. take() never blocks; next_frame() waits up to timeout_s and returns null on
  // timeout or when the stream is finished.
  FramePtr take();
  FramePtr next_frame(double timeout_s);
  bool has_frame() const { return slot_.has_frame(); }
  // The thread is done and every frame was taken (ended, error or stopped).
  bool finished() const { return slot_.drained(); }
  bool has_decoded() const { return frames_decoded_.load() > 0; }
  // `notifier` is told about every new frame and the end of the stream, for as long as it lives.
  void add_listener(const std::shared_ptr<Notifier>& notifier);

 private:
  void run() noexcept;
  void connect_and_stream(bool& got_frames);
  void on_error(ErrorCode code, const std::string& message);
  void set_state(StreamState state);
  void notify();

  const StreamOptions options_;
  const SourceKind kind_;
  const bool live_;
  const std::string display_uri_;
  const std::string what_;  // "camera rtsp://host/live", "file /x.mp4": starts every message

  StopSignal stop_;
  FrameSlot slot_;
  std::shared_ptr<FramePool> pool_;
  std::shared_ptr<Notifier> own_notifier_;

  std::mutex lifecycle_mutex_;
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;

  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_cv_;
  StreamState state_ = StreamState::Idle;
  std::string last_error_;
  std::string last_error_code_;
  const char* decoder_ = "";  // Decoder::backend() of the latest decoder

  std::mutex listeners_mutex_;
  std::vector<std::weak_ptr<Notifier>> listeners_;

  std::atomic<int64_t> frames_decoded_{0};
  std::atomic<int64_t> decode_errors_{0};
  std::atomic<int64_t> reconnects_{0};
  std::atomic<int> width_{0};
  std::atomic<int> height_{0};
  std::atomic<double> nominal_fps_{0};
  struct Rate;
  std::unique_ptr<Rate> rate_;

  // Used by the stream's thread only.
  ReconnectPolicy backoff_;
  std::string logged_error_;  // the last error logged: each distinct error is logged once
};

}  // namespace panorama
