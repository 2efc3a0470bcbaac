#pragma once
// Any decoded AVFrame -> packed BGR24 in a pooled Frame, with libswscale writing straight into the
// pooled buffer. The SwsContext is cached and rebuilt only when the input size, pixel format or
// colour description changes. Large pictures are converted with slice threads.
#include <memory>

#include "panoramasdk/core/frame.hpp"

extern "C" {
struct AVFrame;
struct SwsContext;
}

namespace panorama {

class BgrConverter {
 public:
  // threads: libswscale slice threads for pictures of 1280x720 and more (0 = one per CPU).
  explicit BgrConverter(int threads) : threads_(threads) {}

  // Throws Error(Decode) for a frame swscale cannot convert.
  FramePtr convert(const AVFrame* src, FramePool& pool);

 private:
  struct Key {
    int width = 0, height = 0, format = -1, colorspace = -1, full_range = -1;
    bool operator==(const Key& o) const {
      return width == o.width && height == o.height && format == o.format && colorspace == o.colorspace &&
             full_range == o.full_range;
    }
  };
  void rebuild(const Key& key);

  struct SwsFreer {
    void operator()(SwsContext* ctx) const;
  };

  int threads_;
  Key key_;
  std::unique_ptr<SwsContext, SwsFreer> sws_;
};

}  // namespace panorama
