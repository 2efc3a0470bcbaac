#pragma once
// CUDA stream and event handles for public headers, without including the CUDA headers: these are
// the very types cudaStream_t / cudaEvent_t (and CUstream / CUevent) point to, so either can be
// passed. nullptr is the legacy default stream.
struct CUstream_st;
struct CUevent_st;

namespace panorama {

using CudaStreamHandle = CUstream_st*;
using CudaEventHandle = CUevent_st*;

}  // namespace panorama
