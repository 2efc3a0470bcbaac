// Linked in every build: GPU entry points call throw_no_cuda() when the build has no CUDA.
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/build_info.hpp"

namespace panorama {

void throw_no_cuda(const std::string& feature) {
  fail(ErrorCode::NoCuda, feature + " needs CUDA, but panoramasdk was built without CUDA "
                                    "(rebuild with a CUDA toolkit and PANORAMA_WITH_CUDA=AUTO or ON)");
}

bool built_with_cuda() noexcept { return PANORAMA_WITH_CUDA != 0; }

}  // namespace panorama
