#pragma once
// Fused preprocessing: one pass from a decoded picture to a model's input tensor (one item, no batch
// dimension in memory terms): resize (bilinear or area, optionally letterboxed), channel order,
// scale/mean/std, HWC -> NCHW or NHWC, float32 or float16.
//
// Inputs: packed BGR or RGB (3 bytes a pixel, any row stride >= width * 3), NV12 and I420 straight
// from a decoder (even width and height, any plane strides). The per-pixel semantics (YUV colour
// conversion, resize taps, letterbox, float16 rounding) are written down in pixel_math.hpp, which
// the CPU and CUDA variants share.
//
// Threading: preprocess_cpu splits output rows over a shared pool of blocking workers
// (core/parallel_for.hpp); threads = 1 runs on the calling thread. Safe to call from many threads.
#include <cstddef>
#include <cstdint>

#include "panoramasdk/core/frame.hpp"
#include "panoramasdk/image/pixel_math.hpp"
#include "panoramasdk/infer/tensor.hpp"

namespace panorama {

// A BGR view of a decoded frame's host pixels (no copy; the frame must outlive the view). A frame on the
// device is downloaded first (host_pixels()): preprocess_frame() keeps it there instead.
ImageView image_view(const Frame& frame);

struct PreprocessParams {
  int out_width = 0, out_height = 0;  // tensor width and height, 1..16384
  ResizeMethod resize = ResizeMethod::Bilinear;
  bool letterbox = false;   // keep the aspect ratio, pad with pad_value
  float pad_value = 0.0f;   // source units (0..255), before scale/mean/std
  bool rgb_output = true;   // output channel order: RGB (true) or BGR (false)
  float scale = 1.0f / 255.0f;
  float mean[3] = {0.0f, 0.0f, 0.0f};  // output channel order, after scale
  float std[3] = {1.0f, 1.0f, 1.0f};   // output channel order, non-zero and finite
  TensorLayout layout = TensorLayout::NCHW;
  DType dtype = DType::Float32;  // Float32 or Float16
  bool full_range = false;       // YUV sources: full range instead of limited (BT.601 either way)
};

// Maps source pixel coordinates to tensor pixel coordinates (pixel edges, continuous):
// tensor = source * scale + pad. Without letterbox pad is 0 and the scales are out/src.
struct ResizeTransform {
  float scale_x = 1, scale_y = 1, pad_x = 0, pad_y = 0;
};

// Throws Error(InvalidArgument) for sizes outside 1..16384 or invalid params.
ResizeTransform resize_transform(int src_width, int src_height, const PreprocessParams& params);

// Bytes of one output item: out_width * out_height * 3 * dtype size. Validates params.
size_t preprocess_output_bytes(const PreprocessParams& params);

// Throws Error(InvalidArgument) unless `out` can take one item: not null, at least
// preprocess_output_bytes(params) bytes, aligned for the dtype.
void check_output_buffer(const PreprocessParams& params, const void* out, size_t out_bytes);

// Validates the source and params and resolves everything a kernel needs (letterbox rectangle,
// channel mapping, mul/add). Throws Error(InvalidArgument) naming the field at fault.
PreprocessPlan plan_preprocess(const ImageView& src, const PreprocessParams& params);

// The transform a plan applies (scale = content size / source size, pad = content offset).
ResizeTransform plan_transform(const PreprocessPlan& plan);

// Writes one item into `out` (host memory, at least preprocess_output_bytes(params) bytes, aligned
// for the dtype). threads: 0 = min(hardware threads, 4); 1 = inline on the caller.
ResizeTransform preprocess_cpu(const ImageView& src, const PreprocessParams& params, void* out, size_t out_bytes,
                               int threads = 0);

}  // namespace panorama
