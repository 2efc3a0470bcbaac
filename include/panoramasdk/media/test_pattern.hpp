#pragma once
// The synthetic test pattern behind testsrc:// URIs: colour bars that scroll one step a frame and
// a white square that moves across them, so consecutive frames always differ.
//   testsrc://[name]?size=640x480&rate=25&frames=0
// size: WxH (even numbers not required, 16..8192), rate: frames a second (0.1..240), frames: how
// many before the end (0 = endless). The optional name only makes display URIs distinct.
#include <cstddef>
#include <cstdint>
#include <string>

namespace panorama {

struct TestPatternSpec {
  int width = 640;
  int height = 480;
  double rate = 25;
  int64_t frames = 0;
};

// Throws Error(InvalidArgument) naming the bad parameter and the expected form.
TestPatternSpec parse_test_pattern(const std::string& uri);

// Draws frame `index` of the pattern as packed BGR24 into `bgr` (rows `stride` bytes apart).
void draw_test_pattern(uint8_t* bgr, int width, int height, size_t stride, int64_t index);

}  // namespace panorama
