#pragma once
// Records BGR24 frames to an H.264 file (libx264, yuv420p, an x264 speed preset (ultrafast by default), constant quality `crf`,
// a key frame every ~2 s). The container follows the file suffix: .mp4 (default), .mkv, .mov, or
// any other libavformat container that carries H.264.
// - Constant frame rate: frame i gets pts i at `fps`; capture times are not used.
// - The first frame fixes the size (rounded down to even numbers for 4:2:0); later frames of another
//   size are scaled to it.
// - The file is opened at construction, so a bad path fails early (Error NotFound / Io /
//   InvalidArgument for an unknown suffix). write() and close() throw Error on encoder or write
//   failures; after a failure the recorder only accepts close().
// Not thread-safe: one thread (the output chain's) writes.
#include <cstdint>
#include <memory>
#include <string>

#include "panoramasdk/core/frame.hpp"

namespace panorama {

struct RecorderOptions {
  std::string path;
  double fps = 25.0;    // > 0
  int crf = 23;         // 0..51, lower is better quality
  std::string name;     // names the output in messages (defaults to the path)
  std::string preset = "ultrafast";  // x264 speed preset (ultrafast .. placebo): CPU against file size
};

class Recorder {
 public:
  explicit Recorder(const RecorderOptions& options);
  ~Recorder();  // close(); an error there is logged, not thrown
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void write(const Frame& frame);
  // Flushes the encoder and writes the trailer. Idempotent. A recorder that got no frame removes its
  // (empty) file. After write() has thrown, close() only releases resources and does not throw.
  void close();

  int64_t frames_written() const;  // frames handed to the encoder
  int width() const;               // 0 before the first frame
  int height() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama
