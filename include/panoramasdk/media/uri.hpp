#pragma once
// Stream URIs: what kind of source a URI names, how it is shown (credentials removed) and how
// credentials given separately are put into the URL handed to FFmpeg.
#include <string>

namespace panorama {

enum class SourceKind {
  Rtsp,         // rtsp:// or rtsps:// (live camera)
  File,         // a path or a file:// URI (any container libavformat reads: .mp4, .mkv, raw .h264, ...)
  TestPattern,  // testsrc://[name]?size=WxH&rate=R&frames=N (generated in C++)
};

// The kind named by `uri`. Throws Error(InvalidArgument) for an empty URI or an unknown scheme,
// naming the schemes that are accepted.
SourceKind source_kind(const std::string& uri);

// `uri` without its userinfo: "rtsp://user:pass@10.0.0.9:554/live?x=1" -> "rtsp://10.0.0.9:554/live?x=1".
// The userinfo is everything before the last '@' of the authority (the part after "://" up to the
// first '/', '?' or '#'). A password with an unencoded '/' ("user:pa/ss@host") is still removed; the
// URL itself only works with such characters percent-encoded or given as separate options.
// Used for display_uri, every log line and every error message.
std::string redact_uri(const std::string& uri);

// RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(const std::string& text);
std::string percent_decode(const std::string& text);

// `uri` with its userinfo replaced by percent-encoded `username`[:`password`]. With an empty
// username the URI is returned unchanged (credentials in the URI itself, if any, are kept).
std::string uri_with_credentials(const std::string& uri, const std::string& username, const std::string& password);

// The local path named by a file URI or path: "file:///tmp/a%20b.mp4" -> "/tmp/a b.mp4".
std::string file_path_of(const std::string& uri);

}  // namespace panorama
