// Linked in builds without CUDA: the overlay's GPU drawing raises "built without CUDA".
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/overlay/draw_cuda.hpp"

namespace panorama {

struct OverlayDrawerCuda::Impl {};

OverlayDrawerCuda::OverlayDrawerCuda() { throw_no_cuda("OverlayDrawerCuda"); }
OverlayDrawerCuda::~OverlayDrawerCuda() = default;

void OverlayDrawerCuda::draw(uint8_t*, int, int, size_t, const std::vector<DrawItem>&, const GlyphAtlas&,
                             CudaStreamHandle) {
  throw_no_cuda("OverlayDrawerCuda");
}

uint64_t OverlayDrawerCuda::atlas_uploads() const { return 0; }

}  // namespace panorama
