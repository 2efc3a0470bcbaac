// testsrc:// : the test pattern as raw BGR24 packets, paced at its rate like a live camera.
#include <chrono>
#include <cmath>
#include <memory>

#include "core/ffmpeg_error.hpp"
#include "media/source_testsrc.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/media/test_pattern.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/pixfmt.h>
}

namespace panorama {

namespace {

struct ParametersFreer {
  void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
};

class TestPatternSource final : public Source {
 public:
  TestPatternSource(const StreamOptions& options, std::string what, const StopSignal& stop)
      : spec_(parse_test_pattern(options.uri)), what_(std::move(what)), stop_(stop) {}

  void open(Deadline) override {
    params_.reset(avcodec_parameters_alloc());
    if (!params_) fail(ErrorCode::Internal, what_ + ": out of memory");
    params_->codec_type = AVMEDIA_TYPE_VIDEO;
    params_->codec_id = AV_CODEC_ID_RAWVIDEO;
    params_->format = AV_PIX_FMT_BGR24;
    params_->width = spec_.width;
    params_->height = spec_.height;
    info_.codec = params_.get();
    info_.time_base_num = 1;
    info_.time_base_den = 1000000;
    info_.nominal_fps = spec_.rate;
    start_ = std::chrono::steady_clock::now();
  }

  bool read(AVPacket* packet, Deadline) override {
    av_packet_unref(packet);
    if (spec_.frames > 0 && index_ >= spec_.frames) return false;
    const double t = static_cast<double>(index_) / spec_.rate;
    auto due = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(t));
    if (stop_.wait_until(due)) fail(ErrorCode::Stopped, what_ + ": stopped");
    const int size = spec_.width * spec_.height * 3;
    av_check(av_new_packet(packet, size), what_ + ": packet");
    draw_test_pattern(packet->data, spec_.width, spec_.height, static_cast<size_t>(spec_.width) * 3, index_);
    packet->pts = packet->dts = static_cast<int64_t>(std::llround(t * 1e6));
    packet->flags |= AV_PKT_FLAG_KEY;
    ++index_;
    return true;
  }

  const VideoInfo& info() const override { return info_; }
  bool end_means_disconnect() const override { return false; }

 private:
  TestPatternSpec spec_;
  std::string what_;
  const StopSignal& stop_;
  std::unique_ptr<AVCodecParameters, ParametersFreer> params_;
  VideoInfo info_;
  std::chrono::steady_clock::time_point start_;
  int64_t index_ = 0;
};

}  // namespace

std::unique_ptr<Source> make_testsrc_source(const StreamOptions& options, const std::string& what,
                                            const StopSignal& stop) {
  return std::make_unique<TestPatternSource>(options, what, stop);
}

}  // namespace panorama
