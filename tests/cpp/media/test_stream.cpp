#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "media_test_files.hpp"
#include "panoramasdk/pipeline/stream_group.hpp"

using namespace panorama;
using Clock = std::chrono::steady_clock;

namespace {

std::shared_ptr<Stream> make_stream(const std::string& uri) {
  StreamOptions o;
  o.uri = uri;
  return std::make_shared<Stream>(o);
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A loopback port with nothing listening (bound, then released).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST(Stream, TestPatternStreamsLiveAndEnds) {
  auto s = make_stream("testsrc://?size=64x48&rate=50&frames=10");
  EXPECT_TRUE(s->is_live());
  EXPECT_EQ(s->state(), StreamState::Idle);
  s->start();
  EXPECT_EQ(s->wait_for_state({StreamState::Ended}, 5.0), StreamState::Ended);
  StreamStats st = s->stats();
  EXPECT_EQ(st.frames_decoded, 10);
  EXPECT_EQ(st.width, 64);
  EXPECT_EQ(st.height, 48);
  EXPECT_DOUBLE_EQ(st.nominal_fps, 50);
  // Nobody took frames: all but the newest were replaced (dropped).
  EXPECT_EQ(st.frames_dropped, 9);
  FramePtr last = s->take();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->sequence, 9);
  EXPECT_TRUE(s->finished());
}

TEST(StreamGroup, OrderedGroupRunsFilesInStepUntilTheLongestEnds) {
  std::string a = media_test::make_clip("group10.mp4", 10);
  std::string b = media_test::make_clip("group4.mp4", 4);
  PANORAMA_REQUIRE_CLIP(a);
  PANORAMA_REQUIRE_CLIP(b);
  StreamGroup group({make_stream(a), make_stream(b)}, true);
  group.start();
  int sets = 0;
  for (;;) {
    auto set = group.next_set(10.0);
    ASSERT_TRUE(!set || !set->empty()) << "timed out";
    if (!set) break;
    ASSERT_EQ(set->size(), 2u);
    ASSERT_TRUE((*set)[0]);
    EXPECT_EQ((*set)[0]->sequence, sets);
    if (sets < 4) {
      ASSERT_TRUE((*set)[1]);
      EXPECT_EQ((*set)[1]->sequence, sets);
    } else {
      EXPECT_FALSE((*set)[1]) << "an ended stream gives null";
    }
    ++sets;
  }
  EXPECT_EQ(sets, 10);
}

TEST(StreamGroup, LiveGroupIsNotHeldBackBySlowOrDeadStreams) {
  auto fast = make_stream("testsrc://fast?size=32x32&rate=50");
  StreamOptions dead_options;
  dead_options.uri = "rtsp://127.0.0.1:" + std::to_string(closed_port()) + "/cam";
  dead_options.reconnect_initial_s = 0.2;
  dead_options.reconnect_max_s = 0.4;
  auto dead = std::make_shared<Stream>(dead_options);
  StreamGroup group({fast, dead}, false);
  group.start();
  int fast_frames = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < 0.6) {
    auto set = group.next_set(1.0);
    ASSERT_TRUE(set && !set->empty()) << "the live group waited for the dead camera";
    EXPECT_FALSE((*set)[1]);
    if ((*set)[0]) ++fast_frames;
  }
  EXPECT_GE(fast_frames, 15);
  StreamStats st = dead->stats();
  EXPECT_EQ(st.last_error_code, "connection") << st.last_error;
  EXPECT_GE(st.reconnects, 1);
  t0 = Clock::now();
  group.stop();
  EXPECT_LT(seconds_since(t0), 1.0);
  EXPECT_EQ(dead->state(), StreamState::Stopped);
  EXPECT_FALSE(group.next_set(0.1).has_value()) << "a stopped group has ended";
}

TEST(Stream, StopIsPromptWhileWaitingForAConsumer) {
  std::string clip = media_test::make_clip("stop40.mp4", 40);
  PANORAMA_REQUIRE_CLIP(clip);
  StreamOptions o;
  o.uri = clip;
  o.queue_size = 2;
  Stream s(o);
  s.start();
  ASSERT_TRUE(s.next_frame(5.0));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the producer now waits on a full queue
  EXPECT_EQ(s.stats().frames_decoded, 1 + 2 + 1);                // taken + queued + the one waiting to be pushed
  auto t0 = Clock::now();
  s.stop();
  EXPECT_LT(seconds_since(t0), 0.5);
  EXPECT_EQ(s.state(), StreamState::Stopped);
  EXPECT_THROW(s.start(), Error);
}
