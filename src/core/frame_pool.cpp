#include <cstdlib>
#include <cstring>
#include <string>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/core/frame.hpp"

namespace panorama {

namespace {

void check_size(int width, int height) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    fail(ErrorCode::InvalidArgument,
         "frame size " + std::to_string(width) + "x" + std::to_string(height) + " is not in 1..16384");
}

FramePtr frame_on(const BufferPtr& buffer, int width, int height) {
  auto frame = std::make_shared<Frame>();
  frame->width = width;
  frame->height = height;
  frame->stride = static_cast<size_t>(width) * 3;
  frame->data = buffer->data;
  frame->storage = buffer->storage;  // the buffer goes back to its pool with the last reference
  return frame;
}

}  // namespace

FramePool::FramePool(size_t max_free) : buffers_(BufferPool::create(max_free)) {}

std::shared_ptr<FramePool> FramePool::create(size_t max_free) {
  return std::shared_ptr<FramePool>(new FramePool(max_free));
}

FramePtr FramePool::acquire(int width, int height) {
  check_size(width, height);
  const size_t bytes = static_cast<size_t>(width) * 3 * static_cast<size_t>(height);
  return frame_on(buffers_->acquire(bytes), width, height);
}

size_t FramePool::allocated() const { return buffers_->allocated(); }

size_t FramePool::idle() const { return buffers_->idle(); }

FramePtr make_black_frame(int width, int height) {
  check_size(width, height);
  // Not pooled: a one-off buffer that is freed with the frame.
  static const auto one_off = BufferPool::create(0);
  FramePtr frame = frame_on(one_off->acquire(static_cast<size_t>(width) * 3 * height), width, height);
  std::memset(frame->data, 0, frame->size_bytes());
  return frame;
}

}  // namespace panorama
