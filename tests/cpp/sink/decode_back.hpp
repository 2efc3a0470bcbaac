#pragma once
// Test helper: decodes a whole video file with libavformat + libavcodec and reports what is in it.
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include "core/ffmpeg_error.hpp"

struct DecodedVideo {
  int frames = 0;
  int width = 0;
  int height = 0;
  std::string codec;
  double fps = 0;
};

inline DecodedVideo decode_back(const std::string& path) {
  using panorama::av_check;
  DecodedVideo out;
  AVFormatContext* fmt = nullptr;
  av_check(avformat_open_input(&fmt, path.c_str(), nullptr, nullptr), "open " + path);
  av_check(avformat_find_stream_info(fmt, nullptr), "stream info");
  const AVCodec* codec = nullptr;
  const int index = av_check(av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0), "video stream");
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(ctx, fmt->streams[index]->codecpar);
  av_check(avcodec_open2(ctx, codec, nullptr), "open decoder");
  out.codec = codec->name;
  out.fps = av_q2d(fmt->streams[index]->avg_frame_rate);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  auto drain = [&] {
    while (avcodec_receive_frame(ctx, frame) == 0) {
      ++out.frames;
      out.width = frame->width;
      out.height = frame->height;
    }
  };
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == index) avcodec_send_packet(ctx, pkt);
    av_packet_unref(pkt);
    drain();
  }
  avcodec_send_packet(ctx, nullptr);
  drain();
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);
  avformat_close_input(&fmt);
  return out;
}
