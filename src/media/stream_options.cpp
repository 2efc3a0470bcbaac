#include "panoramasdk/media/stream_options.hpp"

#include <cmath>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/media/test_pattern.hpp"
#include "panoramasdk/media/uri.hpp"

namespace panorama {

namespace {

void check_positive(const char* name, double value) {
  if (!(value > 0) || !std::isfinite(value))
    fail(ErrorCode::InvalidArgument,
         std::string("option '") + name + "' is " + std::to_string(value) + "; expected a number of seconds > 0");
}

}  // namespace

void validate_options(const StreamOptions& o) {
  SourceKind kind = source_kind(o.uri);  // empty uri, unknown scheme
  if (o.transport != "tcp" && o.transport != "udp")
    fail(ErrorCode::InvalidArgument, "option 'transport' is '" + o.transport + "'; expected 'tcp' or 'udp'");
  check_positive("open_timeout_s", o.open_timeout_s);
  check_positive("stall_timeout_s", o.stall_timeout_s);
  check_positive("reconnect_initial_s", o.reconnect_initial_s);
  check_positive("reconnect_max_s", o.reconnect_max_s);
  if (o.reconnect_max_s < o.reconnect_initial_s)
    fail(ErrorCode::InvalidArgument, "option 'reconnect_max_s' (" + std::to_string(o.reconnect_max_s) +
                                         ") is below 'reconnect_initial_s' (" +
                                         std::to_string(o.reconnect_initial_s) + "); expected max >= initial");
  if (o.decoder_threads < 0 || o.decoder_threads > 64)
    fail(ErrorCode::InvalidArgument, "option 'decoder_threads' is " + std::to_string(o.decoder_threads) +
                                         "; expected 0 (automatic) to 64");
  if (o.decode_device != "cpu" && o.decode_device != "cuda" && o.decode_device != "auto")
    fail(ErrorCode::InvalidArgument,
         "option 'decode_device' is '" + o.decode_device + "'; expected 'cpu', 'cuda' or 'auto'");
  if (o.queue_size < 1 || o.queue_size > 1024)
    fail(ErrorCode::InvalidArgument,
         "option 'queue_size' is " + std::to_string(o.queue_size) + "; expected 1 to 1024 frames");
  if (kind != SourceKind::Rtsp && (!o.username.empty() || !o.password.empty()))
    fail(ErrorCode::InvalidArgument, "options 'username'/'password' apply to rtsp:// URIs only, not to '" +
                                         redact_uri(o.uri) + "'");
  if (kind == SourceKind::TestPattern) parse_test_pattern(o.uri);
}

bool is_live(const StreamOptions& o) {
  SourceKind kind = source_kind(o.uri);
  return kind != SourceKind::File || o.realtime;
}

}  // namespace panorama
