#include "media/source_ffmpeg.hpp"
#include "media/source_testsrc.hpp"
#include "panoramasdk/media/source.hpp"

namespace panorama {

std::unique_ptr<Source> make_source(const StreamOptions& options, const std::string& what, const StopSignal& stop) {
  if (source_kind(options.uri) == SourceKind::TestPattern) return make_testsrc_source(options, what, stop);
  return make_ffmpeg_source(options, what, stop);
}

}  // namespace panorama
