#include <gtest/gtest.h>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/media/stream_options.hpp"
#include "panoramasdk/media/test_pattern.hpp"
#include "panoramasdk/media/uri.hpp"

using namespace panorama;

TEST(RedactUri, RemovesUserinfoOnly) {
  EXPECT_EQ(redact_uri("rtsp://user:pass@10.0.0.9:554/live?x=1"), "rtsp://10.0.0.9:554/live?x=1");
  EXPECT_EQ(redact_uri("rtsp://admin@cam.local/stream1"), "rtsp://cam.local/stream1");
  EXPECT_EQ(redact_uri("rtsp://10.0.0.9/live"), "rtsp://10.0.0.9/live");
  EXPECT_EQ(redact_uri("rtsps://u:p@h:322"), "rtsps://h:322");
  // An unencoded '@' in the password: the last '@' of the authority ends the userinfo.
  EXPECT_EQ(redact_uri("rtsp://u:p@ss@h/x"), "rtsp://h/x");
  // An '@' after the authority belongs to the path or the query, not to credentials.
  EXPECT_EQ(redact_uri("rtsp://h/live?mail=a@b"), "rtsp://h/live?mail=a@b");
  EXPECT_EQ(redact_uri("/videos/a@b.mp4"), "/videos/a@b.mp4");
  EXPECT_EQ(redact_uri("rtsp://h/live@2"), "rtsp://h/live@2");
  // An unencoded '/' in the password must not leave the password on show.
  EXPECT_EQ(redact_uri("rtsp://admin:pa/ss@10.0.0.9/live"), "rtsp://10.0.0.9/live");
  EXPECT_EQ(redact_uri("rtsp://admin:pa/ss@10.0.0.9"), "rtsp://10.0.0.9");
  EXPECT_EQ(redact_uri(""), "");
}

TEST(PercentEncoding, RoundTripsAndEncodesReserved) {
  EXPECT_EQ(percent_encode("p@ss:w/rd %"), "p%40ss%3Aw%2Frd%20%25");
  EXPECT_EQ(percent_encode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(percent_decode("p%40ss%3Aw%2Frd%20%25"), "p@ss:w/rd %");
  EXPECT_EQ(percent_decode("100%"), "100%");  // a stray '%' stays
}

TEST(UriWithCredentials, InsertsOrReplacesUserinfo) {
  EXPECT_EQ(uri_with_credentials("rtsp://h:554/x", "admin", "p@ss"), "rtsp://admin:p%40ss@h:554/x");
  EXPECT_EQ(uri_with_credentials("rtsp://old:pw@h/x", "new", "pw2"), "rtsp://new:pw2@h/x");
  EXPECT_EQ(uri_with_credentials("rtsp://h/x", "user", ""), "rtsp://user@h/x");
  EXPECT_EQ(uri_with_credentials("rtsp://u:p@h/x", "", ""), "rtsp://u:p@h/x");
}

TEST(SourceKind, FromScheme) {
  EXPECT_EQ(source_kind("rtsp://h/x"), SourceKind::Rtsp);
  EXPECT_EQ(source_kind("RTSP://h/x"), SourceKind::Rtsp);
  EXPECT_EQ(source_kind("rtsps://h/x"), SourceKind::Rtsp);
  EXPECT_EQ(source_kind("/tmp/a.mp4"), SourceKind::File);
  EXPECT_EQ(source_kind("file:///tmp/a.mp4"), SourceKind::File);
  EXPECT_EQ(source_kind("testsrc://?rate=5"), SourceKind::TestPattern);
  try {
    source_kind("http://u:secret@h/x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    std::string msg = e.what();
    EXPECT_NE(msg.find("'http'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("rtsp://"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("secret"), std::string::npos) << msg;
  }
  EXPECT_THROW(source_kind(""), Error);
}

TEST(FilePath, FromFileUri) {
  EXPECT_EQ(file_path_of("file:///tmp/a%20b.mp4"), "/tmp/a b.mp4");
  EXPECT_EQ(file_path_of("file://localhost/tmp/a.mp4"), "/tmp/a.mp4");
  EXPECT_EQ(file_path_of("clips/a.mp4"), "clips/a.mp4");
}

namespace {

std::string validation_error(const StreamOptions& o) {
  try {
    validate_options(o);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    return e.what();
  }
  return "";
}

}  // namespace

TEST(StreamOptions, ValidatesEveryOptionByName) {
  StreamOptions ok;
  ok.uri = "rtsp://h/x";
  EXPECT_EQ(validation_error(ok), "");

  StreamOptions o = ok;
  o.transport = "http";
  EXPECT_NE(validation_error(o).find("'transport'"), std::string::npos);
  EXPECT_NE(validation_error(o).find("'tcp' or 'udp'"), std::string::npos);
  o = ok;
  o.open_timeout_s = -1;
  EXPECT_NE(validation_error(o).find("'open_timeout_s'"), std::string::npos);
  o = ok;
  o.stall_timeout_s = 0;
  EXPECT_NE(validation_error(o).find("'stall_timeout_s'"), std::string::npos);
  o = ok;
  o.reconnect_max_s = 0.1;
  EXPECT_NE(validation_error(o).find("'reconnect_max_s'"), std::string::npos);
  o = ok;
  o.queue_size = 0;
  EXPECT_NE(validation_error(o).find("'queue_size'"), std::string::npos);
  o = ok;
  o.decoder_threads = -2;
  EXPECT_NE(validation_error(o).find("'decoder_threads'"), std::string::npos);
  o = ok;
  o.uri = "";
  EXPECT_NE(validation_error(o).find("'uri'"), std::string::npos);
  o = ok;
  o.uri = "testsrc://?size=10";
  EXPECT_NE(validation_error(o).find("size"), std::string::npos);
}

TEST(StreamOptions, LiveSources) {
  StreamOptions o;
  o.uri = "rtsp://h/x";
  EXPECT_TRUE(is_live(o));
  o.uri = "testsrc://";
  EXPECT_TRUE(is_live(o));
  o.uri = "/tmp/a.mp4";
  EXPECT_FALSE(is_live(o));
  o.realtime = true;
  EXPECT_TRUE(is_live(o));
}

TEST(TestPattern, ParsesParameters) {
  TestPatternSpec s = parse_test_pattern("testsrc://cam1?size=64x48&rate=12.5&frames=7");
  EXPECT_EQ(s.width, 64);
  EXPECT_EQ(s.height, 48);
  EXPECT_DOUBLE_EQ(s.rate, 12.5);
  EXPECT_EQ(s.frames, 7);
  TestPatternSpec d = parse_test_pattern("testsrc://");
  EXPECT_EQ(d.width, 640);
  EXPECT_EQ(d.frames, 0);
  EXPECT_THROW(parse_test_pattern("testsrc://?rate=0"), Error);
  EXPECT_THROW(parse_test_pattern("testsrc://?fps=5"), Error);
  EXPECT_THROW(parse_test_pattern("testsrc://?frames=-1"), Error);
}
