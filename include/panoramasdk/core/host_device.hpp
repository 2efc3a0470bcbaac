#pragma once
// PANORAMA_HD marks functions compiled for both host and device: __host__ __device__ under nvcc,
// nothing under a plain C++ compiler. For the per-pixel maths headers the CPU and CUDA variants share.
#if defined(__CUDACC__)
#define PANORAMA_HD __host__ __device__
#else
#define PANORAMA_HD
#endif
