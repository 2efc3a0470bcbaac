#include "panoramasdk/core/cuda_stream.hpp"

#include <cuda_runtime_api.h>

#include "core/cuda_check.hpp"

namespace panorama {

CudaStream::CudaStream() {
  cudaStream_t s = nullptr;
  cuda_check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "CudaStream: cudaStreamCreateWithFlags");
  stream_.reset(s);
}

void CudaStream::Destroy::operator()(CUstream_st* s) const noexcept { cudaStreamDestroy(s); }

void CudaStream::synchronize() const { cuda_check(cudaStreamSynchronize(get()), "CudaStream: cudaStreamSynchronize"); }

CudaEvent::CudaEvent(bool timing) {
  cudaEvent_t e = nullptr;
  cuda_check(cudaEventCreateWithFlags(&e, timing ? cudaEventDefault : cudaEventDisableTiming),
             "CudaEvent: cudaEventCreateWithFlags");
  event_.reset(e);
}

void CudaEvent::Destroy::operator()(CUevent_st* e) const noexcept { cudaEventDestroy(e); }

void CudaEvent::record(CudaStreamHandle stream) { cuda_check(cudaEventRecord(get(), stream), "CudaEvent: cudaEventRecord"); }

void CudaEvent::wait_on(CudaStreamHandle stream) const {
  cuda_check(cudaStreamWaitEvent(stream, get(), 0), "CudaEvent: cudaStreamWaitEvent");
}

void CudaEvent::synchronize() const { cuda_check(cudaEventSynchronize(get()), "CudaEvent: cudaEventSynchronize"); }

float CudaEvent::elapsed_ms_since(const CudaEvent& start) const {
  float ms = 0.0f;
  cuda_check(cudaEventElapsedTime(&ms, start.get(), get()), "CudaEvent: cudaEventElapsedTime");
  return ms;
}

}  // namespace panorama
