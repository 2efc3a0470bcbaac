#include "panoramasdk/infer/tensor.hpp"

#include <cstdlib>
#include <cstring>

#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

struct DTypeInfo {
  DType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::Float32, "float32", 4}, {DType::Float16, "float16", 2}, {DType::Float64, "float64", 8},
    {DType::Int8, "int8", 1},       {DType::Int16, "int16", 2},     {DType::Int32, "int32", 4},
    {DType::Int64, "int64", 8},     {DType::UInt8, "uint8", 1},     {DType::UInt16, "uint16", 2},
    {DType::UInt32, "uint32", 4},   {DType::UInt64, "uint64", 8},   {DType::Bool, "bool", 1},
};

const DTypeInfo& info(DType dtype) {
  for (const auto& i : kDTypes)
    if (i.dtype == dtype) return i;
  return kDTypes[0];  // unreachable: every enumerator is listed
}

}  // namespace

size_t dtype_size(DType dtype) noexcept { return info(dtype).size; }

const char* dtype_name(DType dtype) noexcept { return info(dtype).name; }

DType dtype_from_name(const std::string& name) {
  for (const auto& i : kDTypes)
    if (name == i.name) return i.dtype;
  std::string known;
  for (const auto& i : kDTypes) known += std::string(known.empty() ? "" : ", ") + i.name;
  fail(ErrorCode::InvalidArgument, "tensor element type '" + name + "' is not supported; expected one of " + known);
}

std::string format_dims(const std::vector<int64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  if (dims.size() == 1) s += ",";
  return s + ")";
}

size_t element_count(const std::vector<int64_t>& dims) {
  size_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) fail(ErrorCode::InvalidArgument, "tensor shape " + format_dims(dims) + " has a negative dimension");
    n *= static_cast<size_t>(d);
  }
  return n;
}

size_t TensorSpec::item_bytes() const {
  if (dims.empty()) return dtype_size(dtype);
  return element_count(std::vector<int64_t>(dims.begin() + 1, dims.end())) * dtype_size(dtype);
}

std::vector<int64_t> TensorSpec::item_dims() const {
  std::vector<int64_t> d = dims;
  if (!d.empty()) d[0] = 1;
  return d;
}

Tensor Tensor::allocate(std::vector<int64_t> dims, DType dtype) {
  Tensor t;
  t.dims = std::move(dims);
  t.dtype = dtype;
  const size_t bytes = t.bytes();
  // 64-byte alignment like pooled buffers, so engines see the same guarantees.
  size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded == 0) rounded = 64;
  void* p = std::aligned_alloc(64, rounded);
  if (!p) fail(ErrorCode::Internal, "out of memory allocating a tensor of " + std::to_string(bytes) + " bytes");
  auto buffer = std::make_shared<Buffer>();
  buffer->data = static_cast<uint8_t*>(p);
  buffer->size = bytes;
  buffer->storage = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  t.buffer = std::move(buffer);
  return t;
}

}  // namespace panorama
