#pragma once
// Every CUDA runtime call's status goes through cuda_check(): a failure becomes a panorama::Error
// naming the operation and CUDA's own message (the CUDA twin of av_check).
#include <cuda_runtime_api.h>

#include <string>

namespace panorama {

// Throws when status != cudaSuccess: Error(NoCuda) for a missing driver or device, Error(Internal)
// otherwise. `what` names the object and the operation, e.g. "DeviceBuffer of 6220800 bytes: cudaMalloc".
void cuda_check(cudaError_t status, const std::string& what);

}  // namespace panorama
