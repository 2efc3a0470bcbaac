#include "panoramasdk/sink/output_chain.hpp"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "panoramasdk/core/clock.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/log.hpp"
#include "panoramasdk/sink/encoder_jpeg.hpp"
#include "panoramasdk/sink/recorder.hpp"
#include "sink/device_composer.hpp"
#include "sink/encoder_h264.hpp"

namespace panorama {

namespace {

constexpr const char* kLogger = "panoramasdk.output";
// A viewer that asked within this window counts as watching.
constexpr auto kViewerWindow = std::chrono::seconds(2);

struct Item {
  FramePtr frame;
  std::vector<RectOverlay> rects;
  std::vector<LabelOverlay> labels;
  int64_t time_stamp_us = 0;
  bool fresh = true;  // first output of this picture: a latency sample

  // A frame on the GPU not composed yet: `frame` is the camera's own (shared, read-only) and the overlays
  // are still to draw. Host frames are the chain's copies, drawn in place as soon as they are processed.
  bool on_device() const { return frame && !frame->data && frame->device; }
};

void validate(const OutputOptions& o, const std::string& what) {
  auto bad = [&](const std::string& msg) { fail(ErrorCode::InvalidArgument, what + ": " + msg); };
  if (!std::isfinite(o.fps) || o.fps <= 0 || o.fps > 1000) bad("fps must be in (0, 1000], got " + std::to_string(o.fps));
  if (o.crf < 0 || o.crf > 51) bad("crf must be in 0..51, got " + std::to_string(o.crf));
  if (const std::string e = sink_detail::x264_preset_error(o.preset); !e.empty()) bad(e);
  if (!std::isfinite(o.view_max_fps) || o.view_max_fps <= 0)
    bad("view_max_fps must be > 0, got " + std::to_string(o.view_max_fps));
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
    bad("jpeg_quality must be in 1..100, got " + std::to_string(o.jpeg_quality));
  if (o.queue_size < 1 || o.queue_size > 1024) bad("queue_size must be in 1..1024, got " + std::to_string(o.queue_size));
}

}  // namespace

struct OutputChain::Impl {
  OutputOptions options;
  std::string what;  // "output video_out[0]"
  std::shared_ptr<FramePool> pool;
  std::unique_ptr<Compositor> compositor;
  std::unique_ptr<Recorder> recorder;  // null when not recording or after a failure
  std::unique_ptr<JpegEncoder> jpeg;   // null when the view is off
  std::unique_ptr<sink_detail::DeviceComposer> device_composer;
  // The view's encoder for frames composed on the GPU, made with the first one; null where nvJPEG is
  // missing (those frames then come down once each for `jpeg`).
  std::unique_ptr<sink_detail::NvjpegEncoder> nvjpeg;
  bool nvjpeg_tried = false;

  mutable std::mutex mutex;
  std::condition_variable work_cv;   // the thread: new item, viewer, close
  std::condition_variable space_cv;  // blocked submitters
  std::condition_variable jpeg_cv;   // viewers
  std::deque<Item> queue;
  bool closing = false;
  bool finished = false;  // thread gone
  OutputStats stats;
  LatencyHistogram latency;  // summarised into stats() on request
  JpegImage latest_jpeg;
  Item view_pending;  // newest frame not yet made a JPEG: composed, or on the device with its overlays
  bool view_active = false;
  SteadyClock::time_point last_view_request{};
  SteadyClock::time_point next_jpeg_allowed{};

  std::mutex close_mutex;
  std::thread thread;

  void set_error(const std::string& message) {
    log(LogLevel::Error, kLogger, message);
    std::lock_guard<std::mutex> lock(mutex);
    stats.last_error = message;
  }

  bool watched(SteadyClock::time_point now) const {
    return view_active || (last_view_request != SteadyClock::time_point{} && now - last_view_request < kViewerWindow);
  }

  bool jpeg_due(SteadyClock::time_point now) const {
    return view_pending.frame && watched(now) && now >= next_jpeg_allowed;
  }

  // Draws the item's overlays: in place on a host copy, or on the GPU for a device frame, whose composed
  // picture then replaces it (one download). False, with the error recorded, when drawing failed; a
  // device frame is then left as it was.
  bool compose(Item& item) {
    try {
      if (item.on_device()) {
        item.frame = device_composer->compose(*item.frame, item.rects, item.labels, *pool);
      } else {
        compositor->draw(*item.frame, item.rects, item.labels);
      }
      item.rects.clear();
      item.labels.clear();
      return true;
    } catch (const std::exception& e) {
      set_error(what + ": drawing the overlay: " + e.what());
      return false;
    }
  }

  void process(Item& item) {
    const auto t0 = SteadyClock::now();
    // A device frame is composed only when a sink needs it now: the recorder. For the view alone it
    // waits in view_pending and is composed only if someone watches (make_jpeg).
    const bool recording = recorder != nullptr;
    const bool composed = (recording || !item.on_device()) && compose(item);
    const auto t1 = SteadyClock::now();
    bool encoded = false;
    // A host frame is recorded even when its drawing failed; a device frame that could not be composed
    // has no host picture to record.
    if (recording && !item.on_device()) {
      try {
        recorder->write(*item.frame);
        encoded = true;
      } catch (const std::exception& e) {
        set_error(std::string(e.what()) + " (recording stopped)");
        try {
          recorder->close();  // keep what was written playable where possible
        } catch (const std::exception&) {
        }
        recorder.reset();
      }
    }
    const auto t2 = SteadyClock::now();
    std::lock_guard<std::mutex> lock(mutex);
    if (composed) ++stats.frames_composed;
    if (encoded) ++stats.frames_encoded;
    stats.overlay_s += std::chrono::duration<double>(t1 - t0).count();
    if (recording) stats.encode_s += std::chrono::duration<double>(t2 - t1).count();
    // Done with the frame: drawn, recorded and offered to the view.
    if (item.fresh && item.time_stamp_us > 0) latency.add(wall_time_us() - item.time_stamp_us);
    if (jpeg) view_pending = std::move(item);
  }

  sink_detail::NvjpegEncoder* device_jpeg_encoder() {
    if (!nvjpeg_tried) {
      nvjpeg_tried = true;
      try {
        nvjpeg = std::make_unique<sink_detail::NvjpegEncoder>(options.jpeg_quality);
        log(LogLevel::Info, kLogger, what + ": live view: GPU frames are encoded on the GPU (nvJPEG)");
      } catch (const std::exception& e) {
        log(LogLevel::Info, kLogger,
            what + ": live view: GPU frames are downloaded and encoded by libavcodec, as " + e.what());
      }
    }
    return nvjpeg.get();
  }

  // The JPEG of a frame on the GPU: composed and encoded there (nvJPEG), else composed there and encoded
  // on the host. Empty, with the error recorded, when it failed. An nvJPEG failure costs no picture: the
  // view goes on with the host encoder from that frame on (the item is untouched by compose_jpeg).
  std::shared_ptr<const std::vector<uint8_t>> device_jpeg(Item& item, std::string& encoder) {
    if (sink_detail::NvjpegEncoder* gpu = device_jpeg_encoder()) {
      try {
        encoder = "nvjpeg";
        return std::make_shared<const std::vector<uint8_t>>(
            device_composer->compose_jpeg(*item.frame, item.rects, item.labels, *gpu));
      } catch (const std::exception& e) {
        log(LogLevel::Warning, kLogger,
            what + ": live view: nvJPEG failed (" + e.what() + "); GPU frames are encoded by libavcodec from now on");
        nvjpeg.reset();
      }
    }
    if (!compose(item)) return nullptr;
    return host_jpeg(item, encoder);
  }

  std::shared_ptr<const std::vector<uint8_t>> host_jpeg(const Item& item, std::string& encoder) {
    try {
      encoder = "libavcodec";
      return std::make_shared<const std::vector<uint8_t>>(jpeg->encode(*item.frame));
    } catch (const std::exception& e) {
      set_error(what + ": live view: " + e.what());
      return nullptr;
    }
  }

  void make_jpeg(std::unique_lock<std::mutex>& lock) {
    Item item = std::move(view_pending);
    view_pending = Item{};
    const int64_t ts = item.time_stamp_us;
    const auto start = SteadyClock::now();
    next_jpeg_allowed = start + std::chrono::duration_cast<SteadyClock::duration>(
                                    std::chrono::duration<double>(1.0 / options.view_max_fps));
    lock.unlock();
    const bool composed_now = item.on_device();
    std::string encoder;
    const std::shared_ptr<const std::vector<uint8_t>> bytes =
        composed_now ? device_jpeg(item, encoder) : host_jpeg(item, encoder);
    const int width = item.frame->width, height = item.frame->height;
    item = Item{};  // release the frame outside the lock
    lock.lock();
    if (composed_now && bytes) ++stats.frames_composed;
    if (bytes) stats.jpeg_encoder = encoder;
    stats.jpeg_s += std::chrono::duration<double>(SteadyClock::now() - start).count();
    if (!bytes) return;
    latest_jpeg.sequence += 1;
    latest_jpeg.time_stamp_us = ts;
    latest_jpeg.width = width;
    latest_jpeg.height = height;
    latest_jpeg.bytes = std::move(bytes);
    stats.jpeg_sequence = latest_jpeg.sequence;
    jpeg_cv.notify_all();
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      const auto now = SteadyClock::now();
      // The view first, so a producer that keeps the queue full does not starve it.
      if (jpeg_due(now)) {
        make_jpeg(lock);
        continue;
      }
      if (!queue.empty()) {
        Item item = std::move(queue.front());
        queue.pop_front();
        space_cv.notify_one();
        lock.unlock();
        process(item);
        item = Item{};  // release the frame outside the lock
        lock.lock();
        continue;
      }
      if (closing) break;
      if (view_pending.frame && watched(now)) {
        work_cv.wait_until(lock, next_jpeg_allowed);
      } else {
        work_cv.wait(lock);
      }
    }
    view_pending = Item{};
  }
};

OutputChain::OutputChain(const OutputOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = options;
  s.what = "output " + (options.name.empty() ? std::string("(unnamed)") : options.name);
  validate(options, s.what);
  // Room for the queue, the frame being processed and the one waiting for the view.
  s.pool = FramePool::create(static_cast<size_t>(options.queue_size) + 3);
  s.compositor = std::make_unique<Compositor>(options.font_path);
  s.device_composer = std::make_unique<sink_detail::DeviceComposer>(*s.compositor);
  if (options.view) s.jpeg = std::make_unique<JpegEncoder>(options.jpeg_quality);
  if (!options.record_path.empty())
    s.recorder = std::make_unique<Recorder>(RecorderOptions{options.record_path, options.fps, options.crf, options.name, options.preset});
  s.thread = std::thread([this] { impl_->run(); });
}

OutputChain::~OutputChain() { close(); }

FramePool& OutputChain::frame_pool() { return *impl_->pool; }

const OutputOptions& OutputChain::options() const { return impl_->options; }

void OutputChain::submit(FramePtr frame, std::vector<RectOverlay> rects, std::vector<LabelOverlay> labels,
                         int64_t time_stamp_us, bool fresh) {
  Impl& s = *impl_;
  if (!frame || (!frame->data && !frame->device))
    fail(ErrorCode::InvalidArgument, s.what + ": submit expects a frame with pixels");
  std::unique_lock<std::mutex> lock(s.mutex);
  if (s.closing) fail(ErrorCode::Stopped, s.what + ": submit after close");
  const size_t limit = static_cast<size_t>(s.options.queue_size);
  if (s.options.drop_when_full) {
    while (s.queue.size() >= limit) {
      s.queue.pop_front();
      ++s.stats.frames_dropped;
    }
  } else {
    s.space_cv.wait(lock, [&] { return s.queue.size() < limit || s.closing; });
    if (s.closing) fail(ErrorCode::Stopped, s.what + ": closed while submit waited for room");
  }
  // The frame is left as it is (a device frame is the camera's, shared): the time stamp travels in the item.
  ++s.stats.frames_submitted;
  s.queue.push_back(Item{std::move(frame), std::move(rects), std::move(labels), time_stamp_us, fresh});
  s.work_cv.notify_one();
}

void OutputChain::submit_copy(const Frame& image, std::vector<RectOverlay> rects, std::vector<LabelOverlay> labels,
                              int64_t time_stamp_us, bool fresh) {
  FramePtr copy = impl_->pool->acquire(image.width, image.height);
  for (int y = 0; y < image.height; ++y)
    std::memcpy(copy->data + y * copy->stride, image.data + y * image.stride, static_cast<size_t>(image.width) * 3);
  submit(std::move(copy), std::move(rects), std::move(labels), time_stamp_us, fresh);
}

std::optional<JpegImage> OutputChain::wait_jpeg(int64_t after_sequence, double timeout_s) {
  Impl& s = *impl_;
  if (!s.jpeg) fail(ErrorCode::InvalidArgument, s.what + ": the live view is off (OutputOptions.view is false)");
  std::unique_lock<std::mutex> lock(s.mutex);
  s.last_view_request = SteadyClock::now();
  s.work_cv.notify_one();  // a new viewer may be owed the pending frame now
  const auto timeout = std::chrono::duration<double>(std::max(0.0, std::isfinite(timeout_s) ? timeout_s : 0.0));
  s.jpeg_cv.wait_for(lock, timeout, [&] { return s.latest_jpeg.sequence > after_sequence || s.closing; });
  if (s.latest_jpeg.sequence > after_sequence) return s.latest_jpeg;
  return std::nullopt;
}

void OutputChain::set_view_active(bool active) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->view_active = active;
  impl_->work_cv.notify_one();
}

bool OutputChain::closed() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->closing;
}

OutputStats OutputChain::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  OutputStats s = impl_->stats;
  s.latency = impl_->latency.summary();
  return s;
}

void OutputChain::close() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> close_lock(s.close_mutex);
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.finished) return;
    s.closing = true;
    s.work_cv.notify_all();
    s.space_cv.notify_all();
    s.jpeg_cv.notify_all();
  }
  if (s.thread.joinable()) s.thread.join();
  if (s.recorder) {
    try {
      s.recorder->close();
    } catch (const std::exception& e) {
      s.set_error(e.what());
    }
    s.recorder.reset();
  }
  std::lock_guard<std::mutex> lock(s.mutex);
  s.finished = true;
  s.jpeg_cv.notify_all();
}

}  // namespace panorama
