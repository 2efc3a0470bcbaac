#include "panoramasdk/sink/recorder.hpp"

#include <cmath>
#include <filesystem>
#include <optional>

#include "core/ffmpeg_error.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/log.hpp"
#include "sink/bgr_to_yuv.hpp"
#include "sink/encoder_h264.hpp"

namespace panorama {

using namespace sink_detail;

namespace {
constexpr const char* kLogger = "panoramasdk.output";
}

struct Recorder::Impl {
  RecorderOptions options;
  std::string what;  // "recording 'out.mp4'" or "recording video_out[0] to 'out.mp4'"
  AVRational rate{25, 1};
  OutputFormatPtr format;
  AVStream* stream = nullptr;
  std::unique_ptr<H264Encoder> encoder;
  BgrToYuv to_yuv{false};
  AvFramePtr yuv;
  int64_t frames = 0;
  bool header_attempted = false;
  bool header_written = false;
  bool closed = false;
  bool failed = false;

  void open_encoder(int width, int height) {
    header_attempted = true;
    const bool global_header = (format->oformat->flags & AVFMT_GLOBALHEADER) != 0;
    encoder = std::make_unique<H264Encoder>(width, height, rate, options.crf, options.preset, global_header, what);
    stream = avformat_new_stream(format.get(), nullptr);
    if (!stream) fail(ErrorCode::Internal, what + ": out of memory adding the video stream");
    av_check(avcodec_parameters_from_context(stream->codecpar, encoder->context()), what + ": stream parameters");
    stream->time_base = encoder->time_base();
    stream->avg_frame_rate = rate;
    av_check(avformat_write_header(format.get(), nullptr), what + ": writing the header");
    header_written = true;
    yuv = alloc_video_frame(AV_PIX_FMT_YUV420P, width, height);
    log(LogLevel::Debug, kLogger,
        what + ": " + std::to_string(width) + "x" + std::to_string(height) + " H.264 at " +
            std::to_string(options.fps) + " fps");
  }

  void write_packet(AVPacket* packet) {
    // The muxer may have picked its own time base in write_header.
    av_packet_rescale_ts(packet, encoder->time_base(), stream->time_base);
    packet->stream_index = stream->index;
    av_check(av_interleaved_write_frame(format.get(), packet), what + ": writing");
  }
};

Recorder::Recorder(const RecorderOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = options;
  s.what = options.name.empty() ? "recording '" + options.path + "'"
                                : "recording " + options.name + " to '" + options.path + "'";
  if (options.path.empty()) fail(ErrorCode::InvalidArgument, "recording: expected a file path, got an empty one");
  if (!std::isfinite(options.fps) || options.fps <= 0 || options.fps > 1000)
    fail(ErrorCode::InvalidArgument, s.what + ": fps must be in (0, 1000], got " + std::to_string(options.fps));
  if (options.crf < 0 || options.crf > 51)
    fail(ErrorCode::InvalidArgument, s.what + ": crf must be in 0..51, got " + std::to_string(options.crf));
  if (const std::string e = sink_detail::x264_preset_error(options.preset); !e.empty())
    fail(ErrorCode::InvalidArgument, s.what + ": " + e);
  s.rate = av_d2q(options.fps, 1001000);  // 29.97 -> 30000/1001

  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, nullptr, nullptr, options.path.c_str()) < 0 || !raw)
    fail(ErrorCode::InvalidArgument,
         s.what + ": cannot tell the container from the file suffix; expected .mp4 or .mkv");
  s.format.reset(raw);
  if (avformat_query_codec(raw->oformat, AV_CODEC_ID_H264, FF_COMPLIANCE_NORMAL) != 1)
    fail(ErrorCode::InvalidArgument, s.what + ": the " + raw->oformat->name +
                                         " container cannot carry H.264; expected .mp4 or .mkv");
  if (!(raw->oformat->flags & AVFMT_NOFILE))
    av_check(avio_open(&raw->pb, options.path.c_str(), AVIO_FLAG_WRITE), s.what + ": opening for writing");
}

Recorder::~Recorder() {
  try {
    close();
  } catch (const std::exception& e) {
    log(LogLevel::Error, kLogger, e.what());
  }
}

void Recorder::write(const Frame& frame) {
  Impl& s = *impl_;
  if (s.closed) fail(ErrorCode::Stopped, s.what + ": write after close");
  if (s.failed) fail(ErrorCode::Stopped, s.what + ": stopped after an earlier error");
  try {
    if (!s.encoder) {
      // 4:2:0 needs even sizes: drop the odd last column/row (scaled, not cropped).
      s.open_encoder(std::max(2, frame.width & ~1), std::max(2, frame.height & ~1));
    }
    s.to_yuv.convert(frame, s.yuv.get());
    s.yuv->pts = s.frames;
    s.encoder->encode(s.yuv.get(), [&](AVPacket* p) { s.write_packet(p); });
    ++s.frames;
  } catch (...) {
    s.failed = true;
    throw;
  }
}

void Recorder::close() {
  Impl& s = *impl_;
  if (s.closed) return;
  s.closed = true;
  std::optional<Error> first_error;
  auto attempt = [&](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      if (!first_error) first_error = e;
    }
  };
  if (s.encoder && !s.failed) attempt([&] { s.encoder->encode(nullptr, [&](AVPacket* p) { s.write_packet(p); }); });
  if (s.header_written) attempt([&] { av_check(av_write_trailer(s.format.get()), s.what + ": writing the trailer"); });
  if (s.format && s.format->pb) attempt([&] { av_check(avio_closep(&s.format->pb), s.what + ": closing the file"); });
  s.format.reset();
  s.encoder.reset();
  if (!s.header_attempted) {
    // Nothing was ever written: do not leave an empty, unplayable file behind.
    std::error_code ec;
    std::filesystem::remove(s.options.path, ec);
    log(LogLevel::Warning, kLogger, s.what + ": no frames were recorded");
  } else if (!first_error && !s.failed) {
    log(LogLevel::Info, kLogger, s.what + ": " + std::to_string(s.frames) + " frames written");
  }
  if (first_error) {
    // After a failed write the cause was already thrown; what close() runs into next is its echo.
    if (s.failed) {
      log(LogLevel::Debug, kLogger, std::string(first_error->what()) + " (after an earlier error)");
    } else {
      throw *first_error;
    }
  }
}

int64_t Recorder::frames_written() const { return impl_->frames; }
int Recorder::width() const { return impl_->yuv ? impl_->yuv->width : 0; }
int Recorder::height() const { return impl_->yuv ? impl_->yuv->height : 0; }

}  // namespace panorama
