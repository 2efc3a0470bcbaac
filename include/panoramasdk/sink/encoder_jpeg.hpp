#pragma once
// BGR24 frame -> JPEG bytes (libavcodec's mjpeg encoder, full-range 4:2:0, BT.601), for the live
// view. Any frame size; the encoder is reopened when the size changes. Not thread-safe.
#include <cstdint>
#include <memory>
#include <vector>

#include "panoramasdk/core/frame.hpp"

namespace panorama {

class JpegEncoder {
 public:
  // quality 1..100 (higher is better and larger), as in most JPEG tools. Throws Error(InvalidArgument)
  // outside that range.
  explicit JpegEncoder(int quality = 80);
  ~JpegEncoder();
  JpegEncoder(const JpegEncoder&) = delete;
  JpegEncoder& operator=(const JpegEncoder&) = delete;

  std::vector<uint8_t> encode(const Frame& frame);

  void set_quality(int quality);
  int quality() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama
