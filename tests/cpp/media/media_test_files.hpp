#pragma once
// Test clips made on the spot with the ffmpeg command line (libx264), in a per-process temp folder.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace panorama::media_test {

// Removed with everything in it when the test process exits.
inline std::string temp_dir() {
  struct Dir {
    std::string path;
    Dir() {
      std::string tmpl = (std::filesystem::temp_directory_path() / "panorama-media-test-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a temp folder");
      path = tmpl;
    }
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static Dir dir;
  return dir.path;
}

// Encodes `frames` frames of ffmpeg's testsrc2 at 25 fps, GOP 25, no B-frames, into `name` (the
// suffix picks the container: .mp4, .mkv, .h264). Returns "" when ffmpeg is not installed.
inline std::string make_clip(const std::string& name, int frames, int width = 320, int height = 240) {
  std::string path = temp_dir() + "/" + name;
  std::ifstream exists(path);
  if (exists.good()) return path;
  std::string cmd = "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=" + std::to_string(width) +
                    "x" + std::to_string(height) + ":rate=25 -frames:v " + std::to_string(frames) +
                    " -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 25 -bf 0 -threads 2 " +
                    (name.size() > 5 && name.substr(name.size() - 5) == ".h264" ? "-f h264 " : "") + path +
                    " > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return "";
  return path;
}

#define PANORAMA_REQUIRE_CLIP(path) \
  if ((path).empty()) GTEST_SKIP() << "the ffmpeg command line is needed to make test video (apt-get install ffmpeg)"

}  // namespace panorama::media_test
