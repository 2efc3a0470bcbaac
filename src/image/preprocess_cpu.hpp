#pragma once
// The CPU kernel of preprocessing (src/image/preprocess_cpu.cpp). Trusts a validated plan.
#include "panoramasdk/image/pixel_math.hpp"

namespace panorama {

// Writes one item for `plan` into `out` (large enough, aligned), rows split over `threads`
// (0 = default_cpu_threads()).
void run_preprocess_cpu(const PreprocessPlan& plan, void* out, int threads);

}  // namespace panorama
