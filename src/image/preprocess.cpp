// Validation, the resize transform and dispatch of preprocessing. Everything a kernel needs is
// resolved here, once, into a PreprocessPlan (pixel_math.hpp); kernels do not check anything.
#include "panoramasdk/image/preprocess.hpp"

#include <cmath>
#include <string>

#include "image/preprocess_cpu.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/device_frame.hpp"

namespace panorama {

namespace {

constexpr int kMaxSide = 16384;

[[noreturn]] void invalid(const std::string& message) { fail(ErrorCode::InvalidArgument, message); }

void check_side(const char* field, int value) {
  if (value < 1 || value > kMaxSide)
    invalid(std::string(field) + ": expected 1.." + std::to_string(kMaxSide) + ", got " + std::to_string(value));
}

void check_finite(const std::string& field, float value) {
  if (!std::isfinite(value)) invalid(field + ": expected a finite number, got " + std::to_string(value));
}

const char* format_name(PixelFormat format) {
  switch (format) {
    case PixelFormat::BGR: return "bgr";
    case PixelFormat::RGB: return "rgb";
    case PixelFormat::NV12: return "nv12";
    case PixelFormat::I420: return "i420";
  }
  return "?";
}

void check_params(const PreprocessParams& p) {
  check_side("out_width", p.out_width);
  check_side("out_height", p.out_height);
  if (p.resize != ResizeMethod::Bilinear && p.resize != ResizeMethod::Area)
    invalid("resize: expected Bilinear or Area, got " + std::to_string(static_cast<int>(p.resize)));
  if (p.layout != TensorLayout::NCHW && p.layout != TensorLayout::NHWC)
    invalid("layout: expected NCHW or NHWC, got " + std::to_string(static_cast<int>(p.layout)));
  if (p.dtype != DType::Float32 && p.dtype != DType::Float16)
    invalid(std::string("dtype: expected float32 or float16, got ") + dtype_name(p.dtype));
  check_finite("pad_value", p.pad_value);
  check_finite("scale", p.scale);
  for (int c = 0; c < 3; ++c) {
    const std::string i = "[" + std::to_string(c) + "]";
    check_finite("mean" + i, p.mean[c]);
    check_finite("std" + i, p.std[c]);
    if (p.std[c] == 0.0f) invalid("std" + i + ": expected a non-zero number, got 0");
  }
}

void check_plane(const ImageView& s, int plane, size_t min_stride) {
  const std::string name = std::string(format_name(s.format)) + " planes[" + std::to_string(plane) + "]";
  if (s.planes[plane] == nullptr) invalid(name + ": expected pixel data, got a null pointer");
  if (s.strides[plane] < min_stride)
    invalid(name + ": expected a row stride of at least " + std::to_string(min_stride) + " bytes, got " +
            std::to_string(s.strides[plane]));
}

void check_source(const ImageView& s) {
  check_side("source width", s.width);
  check_side("source height", s.height);
  const size_t w = static_cast<size_t>(s.width);
  switch (s.format) {
    case PixelFormat::BGR:
    case PixelFormat::RGB:
      check_plane(s, 0, 3 * w);
      return;
    case PixelFormat::NV12:
    case PixelFormat::I420:
      if (s.width % 2 != 0 || s.height % 2 != 0)
        invalid(std::string(format_name(s.format)) + " source: expected even width and height (4:2:0 chroma), got " +
                std::to_string(s.width) + "x" + std::to_string(s.height));
      check_plane(s, 0, w);
      if (s.format == PixelFormat::NV12) {
        check_plane(s, 1, w);  // width/2 interleaved U,V pairs
      } else {
        check_plane(s, 1, w / 2);
        check_plane(s, 2, w / 2);
      }
      return;
  }
  invalid("source format: expected BGR, RGB, NV12 or I420, got " + std::to_string(static_cast<int>(s.format)));
}

ContentRect content_rect(int src_width, int src_height, const PreprocessParams& p) {
  if (p.letterbox) return pixel_math::letterbox_rect(src_width, src_height, p.out_width, p.out_height);
  return {0, 0, p.out_width, p.out_height};
}

ResizeTransform transform_of(const ContentRect& r, int src_width, int src_height) {
  return {static_cast<float>(r.width) / static_cast<float>(src_width),
          static_cast<float>(r.height) / static_cast<float>(src_height), static_cast<float>(r.x),
          static_cast<float>(r.y)};
}

}  // namespace

ImageView image_view(const Frame& any_frame) {
  const Frame& frame = host_pixels(any_frame);  // a device frame's BGR copy, downloaded once
  ImageView v;
  v.format = PixelFormat::BGR;
  v.width = frame.width;
  v.height = frame.height;
  v.planes[0] = frame.data;
  v.strides[0] = frame.stride;
  return v;
}

ResizeTransform resize_transform(int src_width, int src_height, const PreprocessParams& params) {
  check_params(params);
  check_side("source width", src_width);
  check_side("source height", src_height);
  return transform_of(content_rect(src_width, src_height, params), src_width, src_height);
}

size_t preprocess_output_bytes(const PreprocessParams& params) {
  check_params(params);
  return static_cast<size_t>(params.out_width) * static_cast<size_t>(params.out_height) * 3 *
         dtype_size(params.dtype);
}

PreprocessPlan plan_preprocess(const ImageView& src, const PreprocessParams& params) {
  check_params(params);
  check_source(src);
  PreprocessPlan plan;
  plan.src = src;
  plan.full_range = params.full_range;
  plan.resize = params.resize;
  plan.out_width = params.out_width;
  plan.out_height = params.out_height;
  plan.content = content_rect(src.width, src.height, params);
  // Source channels are stored RGB only for RGB input (YUV converts to BGR).
  const bool source_rgb = src.format == PixelFormat::RGB;
  for (int c = 0; c < 3; ++c) {
    plan.channel_source[c] = source_rgb == params.rgb_output ? c : 2 - c;
    const double std_c = params.std[c];
    plan.mul[c] = static_cast<float>(static_cast<double>(params.scale) / std_c);
    plan.add[c] = static_cast<float>(-static_cast<double>(params.mean[c]) / std_c);
  }
  plan.pad_value = params.pad_value;
  plan.layout = params.layout;
  plan.half = params.dtype == DType::Float16;
  return plan;
}

ResizeTransform plan_transform(const PreprocessPlan& plan) {
  return transform_of(plan.content, plan.src.width, plan.src.height);
}

void check_output_buffer(const PreprocessParams& params, const void* out, size_t out_bytes) {
  const size_t needed = preprocess_output_bytes(params);
  if (out == nullptr) invalid("out: expected a buffer of " + std::to_string(needed) + " bytes, got a null pointer");
  if (out_bytes < needed)
    invalid("out_bytes: expected at least " + std::to_string(needed) + " bytes (" + std::to_string(params.out_width) +
            "x" + std::to_string(params.out_height) + "x3 " + dtype_name(params.dtype) + "), got " +
            std::to_string(out_bytes));
  if (reinterpret_cast<uintptr_t>(out) % dtype_size(params.dtype) != 0)
    invalid(std::string("out: expected an address aligned to ") + std::to_string(dtype_size(params.dtype)) +
            " bytes for " + dtype_name(params.dtype));
}

ResizeTransform preprocess_cpu(const ImageView& src, const PreprocessParams& params, void* out, size_t out_bytes,
                               int threads) {
  const PreprocessPlan plan = plan_preprocess(src, params);
  check_output_buffer(params, out, out_bytes);
  if (threads < 0) invalid("threads: expected 0 (default) or more, got " + std::to_string(threads));
  run_preprocess_cpu(plan, out, threads);
  return plan_transform(plan);
}

}  // namespace panorama
