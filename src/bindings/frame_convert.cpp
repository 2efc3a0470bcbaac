#include "bindings/frame_convert.hpp"

#include <cstring>
#include <string>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/device_frame.hpp"

namespace panorama::bindings {

py::array frame_to_array(const FramePtr& frame) {
  const Frame* pixels = nullptr;
  {
    py::gil_scoped_release release;  // a device frame downloads here, once
    pixels = &host_pixels(*frame);
  }
  // The array keeps `frame` alive, and with it a device frame's host copy.
  auto* holder = new FramePtr(frame);
  py::capsule base(holder, [](void* p) { delete static_cast<FramePtr*>(p); });
  return py::array(py::dtype::of<uint8_t>(),
                   {static_cast<py::ssize_t>(pixels->height), static_cast<py::ssize_t>(pixels->width),
                    static_cast<py::ssize_t>(3)},
                   {static_cast<py::ssize_t>(pixels->stride), static_cast<py::ssize_t>(3),
                    static_cast<py::ssize_t>(1)},
                   pixels->data, base);
}

FramePtr array_to_frame(const py::array& array, FramePool& pool, const char* what) {
  if (array.ndim() != 3 || array.shape(2) != 3 || !py::dtype::of<uint8_t>().is(array.dtype())) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < array.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(array.shape(i));
    shape += ")";
    fail(ErrorCode::InvalidArgument, std::string(what) + ": expected a uint8 array of shape (height, width, 3), got " +
                                         std::string(py::str(array.dtype())) + " " + shape);
  }
  const int height = static_cast<int>(array.shape(0));
  const int width = static_cast<int>(array.shape(1));
  FramePtr frame = pool.acquire(width, height);
  const auto* src = static_cast<const uint8_t*>(array.data());
  const py::ssize_t row_stride = array.strides(0);
  const py::ssize_t px_stride = array.strides(1);
  const py::ssize_t ch_stride = array.strides(2);
  py::gil_scoped_release release;
  if (px_stride == 3 && ch_stride == 1) {
    for (int y = 0; y < height; ++y) std::memcpy(frame->data + y * frame->stride, src + y * row_stride, width * 3);
  } else {
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < 3; ++c)
          frame->data[y * frame->stride + x * 3 + c] = src[y * row_stride + x * px_stride + c * ch_stride];
  }
  return frame;
}

}  // namespace panorama::bindings
