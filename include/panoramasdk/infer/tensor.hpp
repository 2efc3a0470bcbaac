#pragma once
// Tensors of the inference queue: element types named as numpy names them, tensor specs (name, dims
// including the batch dimension, dtype) and tensors over pooled host memory, or device memory for the
// inputs of a queue whose engine reads them on the GPU (BatchQueueOptions::input_device).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "panoramasdk/core/buffer_pool.hpp"

namespace panorama {

// The element types a model input or output may have. Names are numpy's ("float32", "int64", ...).
enum class DType : uint8_t { Float32, Float16, Float64, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Bool };

size_t dtype_size(DType dtype) noexcept;
const char* dtype_name(DType dtype) noexcept;
// Throws Error(InvalidArgument) naming the known types when `name` is not one of them.
DType dtype_from_name(const std::string& name);

// "(2, 3, 8, 8)", as Python prints a shape.
std::string format_dims(const std::vector<int64_t>& dims);
// Product of the dims (1 for a scalar). Throws Error(InvalidArgument) for a negative dim.
size_t element_count(const std::vector<int64_t>& dims);

// One model input or output. dims[0] is the batch dimension.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> dims;
  DType dtype = DType::Float32;

  size_t batch_bytes() const { return element_count(dims) * dtype_size(dtype); }
  // Bytes of one item of the batch: the dims after the leading batch dimension.
  size_t item_bytes() const;
  // dims with the batch dimension set to 1: the shape of one item as apps pass it.
  std::vector<int64_t> item_dims() const;
};

// A tensor: dims (batch first), dtype and a buffer of at least bytes() bytes, in host memory unless
// `device` names the CUDA device whose memory holds it.
struct Tensor {
  std::vector<int64_t> dims;
  DType dtype = DType::Float32;
  BufferPtr buffer;
  int device = -1;  // -1: host memory

  uint8_t* data() const { return buffer ? buffer->data : nullptr; }
  size_t bytes() const { return element_count(dims) * dtype_size(dtype); }

  // A tensor in its own (unpooled) memory, for an output whose shape differs from its spec.
  static Tensor allocate(std::vector<int64_t> dims, DType dtype);
};

}  // namespace panorama
