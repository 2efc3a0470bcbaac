// RTSP cameras and files through libavformat (the backend of make_source for those kinds).
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "core/ffmpeg_error.hpp"
#include "media/interrupt_ffmpeg.hpp"
#include "media/source_ffmpeg.hpp"
#include "panoramasdk/core/error.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
}

namespace panorama {

namespace {

struct FormatCloser {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct DictFreer {
  void operator()(AVDictionary* dict) const { av_dict_free(&dict); }
};

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", s);
  return buf;
}

class FfmpegSource final : public Source {
 public:
  FfmpegSource(const StreamOptions& options, std::string what, const StopSignal& stop)
      : options_(options), what_(std::move(what)), interrupt_(stop) {
    network_ = source_kind(options.uri) == SourceKind::Rtsp;
  }

  ~FfmpegSource() override {
    // Closing an RTSP session sends TEARDOWN: allow a healthy server a moment, never a frozen one long.
    interrupt_.arm(std::chrono::steady_clock::now() + std::chrono::milliseconds(500));
    ctx_.reset();
  }

  void open(Deadline deadline) override {
    static std::once_flag network_once;
    std::call_once(network_once, [] { avformat_network_init(); });

    std::string url;
    AVDictionary* raw_opts = nullptr;
    if (network_) {
      url = uri_with_credentials(options_.uri, options_.username, options_.password);
      av_dict_set(&raw_opts, "rtsp_transport", options_.transport.c_str(), 0);
      av_dict_set(&raw_opts, "allowed_media_types", "video", 0);
      if (options_.transport == "udp") av_dict_set(&raw_opts, "buffer_size", "4194304", 0);  // 1080p bursts
    } else {
      url = "file:" + file_path_of(options_.uri);  // the prefix keeps a ':' in a file name from naming a protocol
    }
    std::unique_ptr<AVDictionary, DictFreer> opts(raw_opts);

    AVFormatContext* ctx = avformat_alloc_context();
    if (!ctx) fail(ErrorCode::Internal, what_ + ": out of memory");
    ctx->interrupt_callback = interrupt_.callback();
    interrupt_.arm(deadline);
    raw_opts = opts.release();
    int ret = avformat_open_input(&ctx, url.c_str(), nullptr, &raw_opts);  // frees ctx on failure
    opts.reset(raw_opts);
    check(ret, "open");
    ctx_.reset(ctx);

    check(avformat_find_stream_info(ctx_.get(), nullptr), "reading stream information");
    int index = av_find_best_stream(ctx_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (index < 0)
      fail(ErrorCode::Decode, what_ + ": has no video stream (" + std::to_string(ctx_->nb_streams) +
                                  " other stream(s)); expected H.264 or H.265 video");
    stream_index_ = index;
    for (unsigned i = 0; i < ctx_->nb_streams; ++i)
      if (static_cast<int>(i) != index) ctx_->streams[i]->discard = AVDISCARD_ALL;

    AVStream* st = ctx_->streams[index];
    info_.codec = st->codecpar;
    info_.time_base_num = st->time_base.num;
    info_.time_base_den = st->time_base.den;
    AVRational rate = st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0 ? st->avg_frame_rate
                                                                                : st->r_frame_rate;
    double fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
    info_.nominal_fps = fps > 0 && fps <= 1000 ? fps : 0;
  }

  bool read(AVPacket* packet, Deadline deadline) override {
    for (;;) {
      av_packet_unref(packet);
      interrupt_.arm(deadline);
      int ret = av_read_frame(ctx_.get(), packet);
      if (ret == AVERROR_EOF) return false;
      // An interrupt can surface as EOF-like I/O errors; check() tells stop and deadline apart.
      check(ret, "read");
      if (packet->stream_index == stream_index_) return true;
    }
  }

  const VideoInfo& info() const override { return info_; }
  bool end_means_disconnect() const override { return network_; }

 private:
  void check(int ret, const std::string& operation) {
    if (ret >= 0) return;
    if (interrupt_.stopped()) fail(ErrorCode::Stopped, what_ + ": stopped");
    if (interrupt_.deadline_hit() || ret == AVERROR_EXIT) {
      bool opening = operation != "read";
      fail(ErrorCode::Timeout, what_ + ": " + operation + ": no answer within " +
                                   format_seconds(opening ? options_.open_timeout_s : options_.stall_timeout_s) +
                                   (opening ? " (open_timeout_s)" : " (stall_timeout_s)"));
    }
    av_check(ret, what_ + ": " + operation);
  }

  StreamOptions options_;
  std::string what_;
  bool network_ = false;
  AvInterrupt interrupt_;  // declared before ctx_: the context calls it until it is closed
  std::unique_ptr<AVFormatContext, FormatCloser> ctx_;
  int stream_index_ = -1;
  VideoInfo info_;
};

}  // namespace

std::unique_ptr<Source> make_ffmpeg_source(const StreamOptions& options, const std::string& what,
                                           const StopSignal& stop) {
  return std::make_unique<FfmpegSource>(options, what, stop);
}

}  // namespace panorama
