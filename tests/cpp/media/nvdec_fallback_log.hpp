#pragma once
// The log lines in which make_decoder said it fell back from NVDEC to libavcodec.
#include <string>
#include <vector>

#include "panoramasdk/core/log.hpp"

namespace panorama::media_test {

// The fallback lines among the records queued since the last drain (the other records are dropped).
inline std::vector<std::string> nvdec_fallback_lines() {
  std::vector<std::string> lines;
  for (const LogRecord& r : drain_log_records(0.0))
    if (r.logger == "panoramasdk.decode" && r.message.find("not NVDEC") != std::string::npos)
      lines.push_back(r.message);
  return lines;
}

}  // namespace panorama::media_test
