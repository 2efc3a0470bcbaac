#include "core/cuda_check.hpp"

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

// Statuses that mean "no usable device here" rather than a bug.
bool is_missing_device(cudaError_t status) {
  return status == cudaErrorNoDevice || status == cudaErrorInsufficientDriver ||
         status == cudaErrorCompatNotSupportedOnDevice || status == cudaErrorSystemDriverMismatch ||
         status == cudaErrorDevicesUnavailable || status == cudaErrorInitializationError;
}

}  // namespace

void cuda_check(cudaError_t status, const std::string& what) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so the next call starts clean
  std::string message = what + ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")";
  fail(is_missing_device(status) ? ErrorCode::NoCuda : ErrorCode::Internal, message);
}

}  // namespace panorama
