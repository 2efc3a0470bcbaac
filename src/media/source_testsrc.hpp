#pragma once
// The test-pattern backend of make_source (testsrc:// URIs).
#include <memory>
#include <string>

#include "panoramasdk/media/source.hpp"

namespace panorama {

std::unique_ptr<Source> make_testsrc_source(const StreamOptions& options, const std::string& what,
                                            const StopSignal& stop);

}  // namespace panorama
