#include "panoramasdk/media/uri.hpp"

#include <cctype>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Position of the authority [begin, end) after "scheme://"; begin == npos when there is no "://".
struct Authority {
  size_t begin = std::string::npos;
  size_t end = std::string::npos;
  size_t at = std::string::npos;  // last '@' inside the authority, npos when there is no userinfo
};

Authority find_authority(const std::string& uri) {
  Authority a;
  size_t sep = uri.find("://");
  if (sep == std::string::npos) return a;
  a.begin = sep + 3;
  a.end = uri.find_first_of("/?#", a.begin);
  if (a.end == std::string::npos) a.end = uri.size();
  size_t at = uri.rfind('@', a.end == 0 ? 0 : a.end - 1);
  if (at != std::string::npos && at >= a.begin && at < a.end) {
    a.at = at;
    return a;
  }
  // "rtsp://user:pa/ss@host/x": an unencoded '/' in the password cut the authority short. When
  // what came before the '/' has a ':' (user:password, or host:port) and an '@' follows before the
  // query, take that '@' as the end of the userinfo: hiding a secret beats showing a path intact.
  size_t query = uri.find_first_of("?#", a.begin);
  if (query == std::string::npos) query = uri.size();
  size_t colon = uri.find(':', a.begin);
  at = uri.rfind('@', query == 0 ? 0 : query - 1);
  if (colon != std::string::npos && colon < a.end && at != std::string::npos && at > a.end && at < query) {
    a.at = at;
    a.end = uri.find_first_of("/?#", at);
    if (a.end == std::string::npos) a.end = uri.size();
  }
  return a;
}

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

SourceKind source_kind(const std::string& uri) {
  if (uri.empty())
    fail(ErrorCode::InvalidArgument,
         "option 'uri' is empty; expected rtsp://..., rtsps://..., a file path, file://... or testsrc://...");
  size_t sep = uri.find("://");
  if (sep == std::string::npos) return SourceKind::File;
  std::string scheme = lower(uri.substr(0, sep));
  if (scheme == "rtsp" || scheme == "rtsps") return SourceKind::Rtsp;
  if (scheme == "file") return SourceKind::File;
  if (scheme == "testsrc") return SourceKind::TestPattern;
  fail(ErrorCode::InvalidArgument, "option 'uri' (" + redact_uri(uri) + ") has the unknown scheme '" + scheme +
                                       "'; expected rtsp://, rtsps://, file://, testsrc:// or a file path");
}

std::string redact_uri(const std::string& uri) {
  Authority a = find_authority(uri);
  if (a.at == std::string::npos) return uri;
  return uri.substr(0, a.begin) + uri.substr(a.at + 1);
}

std::string percent_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    int hi, lo;
    if (text[i] == '%' && i + 2 < text.size() &&
        (hi = hex_value(text[i + 1])) >= 0 && (lo = hex_value(text[i + 2])) >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string uri_with_credentials(const std::string& uri, const std::string& username, const std::string& password) {
  if (username.empty()) return uri;
  Authority a = find_authority(uri);
  if (a.begin == std::string::npos) return uri;
  std::string userinfo = percent_encode(username);
  if (!password.empty()) userinfo += ":" + percent_encode(password);
  size_t host_begin = a.at == std::string::npos ? a.begin : a.at + 1;
  return uri.substr(0, a.begin) + userinfo + "@" + uri.substr(host_begin);
}

std::string file_path_of(const std::string& uri) {
  if (uri.size() >= 7 && lower(uri.substr(0, 7)) == "file://") {
    std::string rest = uri.substr(7);
    // file://localhost/path and file:///path both name /path.
    if (lower(rest.substr(0, 9)) == "localhost") rest = rest.substr(9);
    return percent_decode(rest);
  }
  return uri;
}

}  // namespace panorama
