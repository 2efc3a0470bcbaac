// _core.cuda_devices, cuda_unavailable_reason, host_device_copy_counts, preprocess_cuda, yuv_to_bgr_cuda:
// argument conversion only. Device arrays come from any library that exports __cuda_array_interface__
// (CuPy, PyTorch, Numba): only the pointer, shape, strides and element type are read.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings/bindings.hpp"
#include "bindings/cuda_array.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/image/preprocess_cuda.hpp"
#include "panoramasdk/image/yuv_to_bgr_cuda.hpp"

namespace panorama::bindings {

namespace {

ImageView device_view(PixelFormat format, int width, int height, const std::vector<py::object>& planes,
                      const std::string& what) {
  ImageView v;
  v.format = format;
  v.width = width;
  v.height = height;
  if (planes.empty() || planes.size() > 3)
    fail(ErrorCode::InvalidArgument, what + " planes: expected 1 to 3 arrays, got " + std::to_string(planes.size()));
  for (size_t i = 0; i < planes.size(); ++i) {
    const CudaArray a = cuda_array(planes[i], what + " planes[" + std::to_string(i) + "]");
    if (a.typestr != "|u1")
      fail(ErrorCode::InvalidArgument, what + " planes[" + std::to_string(i) + "]: expected uint8, got " + a.typestr);
    // The kernels trust the view: the array must hold every row and column the format reads.
    const bool chroma = i > 0;
    const size_t rows = static_cast<size_t>(chroma ? height / 2 : height);
    const size_t row_bytes = format == PixelFormat::BGR || format == PixelFormat::RGB ? 3 * static_cast<size_t>(width)
                             : format == PixelFormat::I420 && chroma                 ? static_cast<size_t>(width / 2)
                                                                                     : static_cast<size_t>(width);
    if (a.rows < rows || a.row_bytes < row_bytes)
      fail(ErrorCode::InvalidArgument, what + " planes[" + std::to_string(i) + "]: expected at least " +
                                           std::to_string(rows) + " rows of " + std::to_string(row_bytes) +
                                           " bytes for " + std::to_string(width) + "x" + std::to_string(height) +
                                           ", got " + std::to_string(a.rows) + " of " + std::to_string(a.row_bytes));
    v.planes[i] = static_cast<const uint8_t*>(a.data);
    v.strides[i] = a.row_stride;
  }
  return v;
}

CudaArray contiguous_out(const py::object& out) {
  const CudaArray a = cuda_array(out, "out");
  if (!a.contiguous) fail(ErrorCode::InvalidArgument, "out: expected a C-contiguous device array");
  return a;
}

using DeviceImageArgs = std::tuple<PixelFormat, int, int, std::vector<py::object>>;

}  // namespace

void bind_cuda(py::module_& m) {
  m.def(
      "cuda_devices",
      [] {
        py::list out;
        for (const CudaDeviceInfo& d : cuda_devices()) {
          py::dict info;
          info["index"] = d.index;
          info["name"] = d.name;
          info["compute_capability"] = py::make_tuple(d.major, d.minor);
          info["total_memory_bytes"] = d.total_memory_bytes;
          info["multiprocessors"] = d.multiprocessors;
          info["integrated"] = d.integrated;
          out.append(info);
        }
        return out;
      },
      "The usable CUDA devices as dicts (index, name, compute_capability, total_memory_bytes, "
      "multiprocessors, integrated); empty without a driver, a GPU or a CUDA build.");
  m.def("cuda_unavailable_reason", &cuda_unavailable_reason,
        "Why no CUDA device can be used ('' when one can), naming what is missing.");
  m.def(
      "host_device_copy_counts",
      [] {
        const HostDeviceCopyCounts c = host_device_copy_counts();
        py::dict d;
        d["host_to_device"] = c.host_to_device;
        d["device_to_host"] = c.device_to_host;
        d["host_to_device_bytes"] = c.host_to_device_bytes;
        d["device_to_host_bytes"] = c.device_to_host_bytes;
        d["frames_host_to_device"] = c.frames_host_to_device;
        d["frames_device_to_host"] = c.frames_device_to_host;
        return d;
      },
      "Host<->device copies made by the core since start or the last reset; frames_*: those of whole pictures.");
  m.def("reset_host_device_copy_counts", &reset_host_device_copy_counts);

  m.def(
      "preprocess_cuda",
      [](const std::vector<DeviceImageArgs>& images, const PreprocessParams& params, const py::object& out,
         uintptr_t stream) {
        std::vector<ImageView> views;
        for (size_t i = 0; i < images.size(); ++i) {
          const auto& [format, width, height, planes] = images[i];
          views.push_back(device_view(format, width, height, planes, "images[" + std::to_string(i) + "]"));
        }
        const CudaArray o = contiguous_out(out);
        py::gil_scoped_release release;
        return preprocess_cuda(views.data(), views.size(), params, o.data, o.bytes,
                               reinterpret_cast<CudaStreamHandle>(stream));
      },
      py::arg("images"), py::arg("params"), py::arg("out"), py::arg("stream") = 0,
      "Preprocesses device images [(format, width, height, [planes])] into the batch `out` (a C-contiguous "
      "float32/float16 device array) in one launch, queued on `stream` (a cudaStream_t as int; 0 = default).");
  m.def(
      "yuv_to_bgr_cuda",
      [](PixelFormat format, int width, int height, const std::vector<py::object>& planes, const py::object& out,
         bool full_range, uintptr_t stream) {
        const ImageView src = device_view(format, width, height, planes, "source");
        const CudaArray o = cuda_array(out, "out");
        if (o.typestr != "|u1") fail(ErrorCode::InvalidArgument, "out: expected uint8, got " + o.typestr);
        if (o.rows < static_cast<size_t>(height) || o.row_bytes < 3 * static_cast<size_t>(width))
          fail(ErrorCode::InvalidArgument, "out: expected a " + std::to_string(height) + " x " + std::to_string(width) +
                                               " x 3 uint8 array, got " + std::to_string(o.rows) + " rows of " +
                                               std::to_string(o.row_bytes) + " bytes");
        py::gil_scoped_release release;
        yuv_to_bgr_cuda(src, full_range, static_cast<uint8_t*>(o.data), o.row_stride,
                        reinterpret_cast<CudaStreamHandle>(stream));
      },
      py::arg("format"), py::arg("width"), py::arg("height"), py::arg("planes"), py::arg("out"),
      py::arg("full_range") = false, py::arg("stream") = 0,
      "NV12/I420 device planes to the H x W x 3 uint8 BGR device array `out`, queued on `stream`.");
}

}  // namespace panorama::bindings
