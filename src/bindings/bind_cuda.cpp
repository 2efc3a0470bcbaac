// _core.cuda_devices, cuda_unavailable_reason, host_device_copy_counts: argument conversion only.
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"

namespace panorama::bindings {

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
        return d;
      },
      "Host<->device copies made by the core since start or the last reset.");
  m.def("reset_host_device_copy_counts", &reset_host_device_copy_counts);
}

}  // namespace panorama::bindings
