#include "panoramasdk/pipeline/stream.hpp"

#include <algorithm>
#include <cstdio>

#include "panoramasdk/core/clock.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/log.hpp"
#include "panoramasdk/decode/decoder.hpp"
#include "panoramasdk/media/source.hpp"
#include "pipeline/pacer.hpp"
#include "pipeline/rate_meter.hpp"

extern "C" {
#include <libavcodec/packet.h>
}

namespace panorama {

namespace {

const char* kLogger = "panoramasdk.media";

struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

std::string describe(SourceKind kind, const std::string& display_uri) {
  switch (kind) {
    case SourceKind::Rtsp: return "camera " + display_uri;
    case SourceKind::File: return "file " + display_uri;
    case SourceKind::TestPattern: return "test pattern " + display_uri;
  }
  return display_uri;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", s);
  return buf;
}

SteadyClock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
}

const StreamOptions& validated(const StreamOptions& options) {
  validate_options(options);
  return options;
}

}  // namespace

const char* stream_state_name(StreamState state) noexcept {
  switch (state) {
    case StreamState::Idle: return "idle";
    case StreamState::Connecting: return "connecting";
    case StreamState::Streaming: return "streaming";
    case StreamState::Reconnecting: return "reconnecting";
    case StreamState::Ended: return "ended";
    case StreamState::Error: return "error";
    case StreamState::Stopped: return "stopped";
  }
  return "unknown";
}

StreamState stream_state_from_name(const std::string& name) {
  for (StreamState s : {StreamState::Idle, StreamState::Connecting, StreamState::Streaming, StreamState::Reconnecting,
                        StreamState::Ended, StreamState::Error, StreamState::Stopped})
    if (name == stream_state_name(s)) return s;
  fail(ErrorCode::InvalidArgument, "unknown stream state '" + name +
                                       "'; expected idle, connecting, streaming, reconnecting, ended, error or stopped");
}

struct Stream::Rate {
  std::mutex mutex;
  RateMeter meter;
};

Stream::Stream(StreamOptions options)
    : options_(validated(options)),
      kind_(source_kind(options_.uri)),
      live_(panorama::is_live(options_)),
      display_uri_(redact_uri(options_.uri)),
      what_(describe(kind_, display_uri_)),
      slot_(live_, static_cast<size_t>(options_.queue_size)),
      pool_(FramePool::create(static_cast<size_t>(options_.queue_size) + 4)),
      own_notifier_(std::make_shared<Notifier>()),
      rate_(std::make_unique<Rate>()),
      backoff_(options_.reconnect_initial_s, options_.reconnect_max_s) {
  listeners_.push_back(own_notifier_);
}

Stream::~Stream() { stop(); }

void Stream::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (stopped_) fail(ErrorCode::Stopped, what_ + ": stopped; a stopped stream cannot start again");
  if (started_) return;
  started_ = true;
  set_state(StreamState::Connecting);
  thread_ = std::thread(&Stream::run, this);
}

void Stream::stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (stopped_) return;
  stopped_ = true;
  stop_.request();
  slot_.close_and_clear();  // wakes a producer waiting for room
  if (thread_.joinable()) thread_.join();
  {
    // An ended or failed stream keeps saying why; anything else is now stopped.
    std::lock_guard<std::mutex> state_lock(state_mutex_);
    if (state_ != StreamState::Ended && state_ != StreamState::Error) state_ = StreamState::Stopped;
  }
  state_cv_.notify_all();
  notify();
}

StreamState Stream::state() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return state_;
}

StreamStats Stream::stats() const {
  StreamStats s;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    s.state = state_;
    s.last_error = last_error_;
    s.last_error_code = last_error_code_;
    s.decoder = decoder_;
  }
  s.frames_decoded = frames_decoded_.load();
  s.frames_delivered = slot_.taken();
  s.frames_dropped = slot_.dropped();
  s.decode_errors = decode_errors_.load();
  s.reconnects = reconnects_.load();
  s.width = width_.load();
  s.height = height_.load();
  s.nominal_fps = nominal_fps_.load();
  {
    std::lock_guard<std::mutex> lock(rate_->mutex);
    s.fps = rate_->meter.rate(SteadyClock::now());
  }
  return s;
}

StreamState Stream::wait_for_state(const std::vector<StreamState>& states, double timeout_s) const {
  std::unique_lock<std::mutex> lock(state_mutex_);
  auto matches = [&] {
    for (StreamState s : states)
      if (s == state_) return true;
    return false;
  };
  state_cv_.wait_for(lock, std::chrono::duration<double>(std::max(0.0, timeout_s)), matches);
  return state_;
}

FramePtr Stream::take() { return slot_.take(); }

FramePtr Stream::next_frame(double timeout_s) {
  const auto deadline = SteadyClock::now() + to_duration(std::max(0.0, timeout_s));
  for (;;) {
    const uint64_t seen = own_notifier_->generation();
    if (FramePtr frame = slot_.take()) return frame;
    if (slot_.drained()) return nullptr;
    if (!own_notifier_->wait_change(seen, deadline)) return nullptr;
  }
}

void Stream::add_listener(const std::shared_ptr<Notifier>& notifier) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  listeners_.push_back(notifier);
}

void Stream::notify() {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  // Groups that are gone drop out of the list.
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [](const std::weak_ptr<Notifier>& w) {
                                    auto n = w.lock();
                                    if (n) n->notify();
                                    return !n;
                                  }),
                   listeners_.end());
}

void Stream::set_state(StreamState state) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    state_ = state;
  }
  state_cv_.notify_all();
}

void Stream::on_error(ErrorCode code, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    last_error_ = message;
    last_error_code_ = error_code_name(code);
  }
  // Once per distinct error: a camera that refuses the password every few seconds logs it once.
  if (message != logged_error_) {
    log(LogLevel::Warning, kLogger, message);
    logged_error_ = message;
  }
}

void Stream::run() noexcept {
  // Only network sources come back after a failure; a file that cannot be read stays unreadable.
  const bool retry = kind_ == SourceKind::Rtsp && options_.reconnect;
  bool first = true;
  StreamState final_state = StreamState::Stopped;
  while (!stop_.requested()) {
    if (!first) set_state(StreamState::Reconnecting);
    first = false;
    bool got_frames = false;
    try {
      connect_and_stream(got_frames);
      if (stop_.requested()) break;
      log(LogLevel::Info, kLogger, what_ + ": ended after " + std::to_string(frames_decoded_.load()) + " frames");
      final_state = StreamState::Ended;
      break;
    } catch (const Error& e) {
      if (stop_.requested()) break;
      on_error(e.code(), e.what());
    } catch (const std::exception& e) {
      if (stop_.requested()) break;
      on_error(ErrorCode::Internal, what_ + ": " + e.what());
    }
    if (!retry) {
      final_state = StreamState::Error;
      break;
    }
    const double delay = backoff_.next_delay();
    ++reconnects_;
    set_state(StreamState::Reconnecting);
    log(LogLevel::Debug, kLogger, what_ + ": reconnecting in " + seconds_text(delay));
    if (stop_.wait_for(delay)) break;
  }
  // Close first: whoever sees the final state also sees the end of the frames.
  slot_.close();
  if (final_state != StreamState::Stopped) set_state(final_state);
  notify();
}

void Stream::connect_and_stream(bool& got_frames) {
  std::unique_ptr<Source> source = make_source(options_, what_, stop_);
  source->open(SteadyClock::now() + to_duration(options_.open_timeout_s));
  const VideoInfo& info = source->info();
  nominal_fps_.store(info.nominal_fps);

  DecoderConfig config;
  config.codec = info.codec;
  config.time_base_num = info.time_base_num;
  config.time_base_den = info.time_base_den;
  config.threads = options_.decoder_threads;
  config.gpu = options_.decode_device != "cpu";  // NVDEC's frames stay on the GPU (Frame::device)
  config.what = what_;
  std::unique_ptr<Decoder> decoder = make_decoder(config, pool_);
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    decoder_ = decoder->backend();
  }
  const int64_t errors_before = decode_errors_.load();

  std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
  if (!packet) fail(ErrorCode::Internal, what_ + ": out of memory");

  const bool paced = kind_ == SourceKind::File && options_.realtime;
  Pacer pacer(static_cast<double>(info.time_base_num) / info.time_base_den, info.nominal_fps);
  // Network sources: no decoded frame for stall_timeout_s means the camera is gone, even when the
  // connection stays open (a frozen server) or packets still come but never make a picture.
  const bool watchdog = source->end_means_disconnect();
  const auto stall = to_duration(options_.stall_timeout_s);
  auto last_frame = SteadyClock::now();

  auto on_frame = [&](FramePtr frame, int64_t pts) {
    if (paced && stop_.wait_until(pacer.due(pts, SteadyClock::now()))) return;
    frame->sequence = frames_decoded_.fetch_add(1);
    frame->capture_time_us = wall_time_us();
    last_frame = SteadyClock::now();
    width_.store(frame->width);
    height_.store(frame->height);
    {
      std::lock_guard<std::mutex> lock(rate_->mutex);
      rate_->meter.add(last_frame);
    }
    if (!got_frames) {
      got_frames = true;
      backoff_.reset();
      logged_error_.clear();
      log(LogLevel::Info, kLogger,
          what_ + ": streaming " + std::to_string(frame->width) + "x" + std::to_string(frame->height) + " with " +
              decoder->description());
      set_state(StreamState::Streaming);
    }
    slot_.push(std::move(frame));
    notify();
  };

  for (;;) {
    if (stop_.requested()) return;
    const auto deadline =
        watchdog ? last_frame + stall : SteadyClock::now() + to_duration(options_.open_timeout_s);
    if (!source->read(packet.get(), deadline)) {
      if (source->end_means_disconnect()) fail(ErrorCode::Connection, what_ + ": the server ended the stream");
      decoder->decode(nullptr, on_frame);
      decode_errors_.store(errors_before + decoder->errors());
      return;
    }
    decoder->decode(packet.get(), on_frame);
    decode_errors_.store(errors_before + decoder->errors());
    if (watchdog && SteadyClock::now() - last_frame > stall)
      fail(ErrorCode::Timeout, what_ + ": no decoded frame for " + seconds_text(options_.stall_timeout_s) +
                                   " (stall_timeout_s)");
  }
}

}  // namespace panorama
