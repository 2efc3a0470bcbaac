// What this build contains; linked in every build.
#include "panoramasdk/core/build_info.hpp"

#include "panoramasdk/core/error.hpp"

namespace panorama {

bool built_with_cuda() noexcept { return PANORAMA_WITH_CUDA != 0; }

bool built_with_media() noexcept { return PANORAMA_WITH_MEDIA != 0; }

bool built_with_nvdec() noexcept { return PANORAMA_WITH_NVDEC != 0; }

void throw_no_cuda(const std::string& feature) {
  fail(ErrorCode::NoCuda, feature + " needs CUDA, but panoramasdk was built without CUDA "
                                    "(rebuild with a CUDA toolkit and PANORAMA_WITH_CUDA=AUTO or ON)");
}

}  // namespace panorama
