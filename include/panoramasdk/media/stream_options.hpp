#pragma once
// How one stream is opened, read and reconnected. Validated once by validate_options(); the
// sources and the pipeline trust a validated struct.
#include <string>

namespace panorama {

struct StreamOptions {
  std::string uri;                   // rtsp://, rtsps://, a file path or file:// URI, testsrc://
  std::string username;              // RTSP credentials given apart from the URI (percent-encoded for FFmpeg)
  std::string password;
  std::string transport = "tcp";     // RTSP transport: "tcp" or "udp"
  double open_timeout_s = 10.0;      // bound on connect + stream probing
  double stall_timeout_s = 5.0;      // live: no decoded frame for this long = disconnected
  bool reconnect = true;             // live network sources: retry after a failure
  double reconnect_initial_s = 0.5;  // first retry delay; doubles up to reconnect_max_s
  double reconnect_max_s = 10.0;
  bool realtime = false;             // files: pace at the file's frame rate and treat as live
  int decoder_threads = 0;           // 0 = as many as the decoder finds useful
  // "cpu": libavcodec. "cuda" or "auto": NVDEC when it is usable and takes the stream (H.264/H.265,
  // 8-bit 4:2:0), else libavcodec with the reason logged once per stream; "cuda" falls back too, as
  // decoding on the CPU still works. StreamStats::decoder says which one decodes.
  std::string decode_device = "cpu";
  int queue_size = 8;                // ordered sources: frames buffered ahead of the consumer
};

// Throws Error(InvalidArgument) naming the first bad option and the values expected.
void validate_options(const StreamOptions& options);

// Live sources keep only the newest frame (a camera, the test pattern, a file with realtime=true);
// the others deliver every frame in order.
bool is_live(const StreamOptions& options);

}  // namespace panorama
