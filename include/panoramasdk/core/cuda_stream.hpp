#pragma once
// RAII CUDA streams and events (one stream per pipeline stage, events between stages). Move-only;
// constructing one in a build without CUDA or without a device throws Error(NoCuda).
#include <memory>

#include "panoramasdk/core/cuda_handles.hpp"

namespace panorama {

// A non-blocking stream (it does not synchronise with the legacy default stream).
class CudaStream {
 public:
  CudaStream();
  CudaStreamHandle get() const noexcept { return stream_.get(); }
  void synchronize() const;  // waits for all work queued so far

 private:
  struct Destroy {
    void operator()(CUstream_st* s) const noexcept;
  };
  std::unique_ptr<CUstream_st, Destroy> stream_;
};

class CudaEvent {
 public:
  // timing=false makes a lighter event for ordering only; elapsed_ms needs timing=true on both.
  explicit CudaEvent(bool timing = false);
  CudaEventHandle get() const noexcept { return event_.get(); }

  void record(CudaStreamHandle stream);
  void wait_on(CudaStreamHandle stream) const;  // later work on `stream` waits for this event
  void synchronize() const;                      // the host waits for this event
  float elapsed_ms_since(const CudaEvent& start) const;

 private:
  struct Destroy {
    void operator()(CUevent_st* e) const noexcept;
  };
  std::unique_ptr<CUevent_st, Destroy> event_;
};

}  // namespace panorama
