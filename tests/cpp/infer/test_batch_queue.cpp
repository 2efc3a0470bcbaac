// The batch queue with a real C++ engine (adds one to every float; optional gate and failure).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/infer/batch_queue.hpp"

using namespace panorama;
using namespace std::chrono_literals;

namespace {

// out = in + 1 for float32 tensors of equal shape; a batch whose first value is -1 fails.
// With a gate, every run waits until the gate lets one more batch through.
class AddOneEngine : public Engine {
 public:
  explicit AddOneEngine(bool gated = false) : gated_(gated) {}

  void run(const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) override {
    if (gated_) {
      std::unique_lock<std::mutex> lock(mutex_);
      ++waiting_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return permits_ > 0; });
      --permits_;
      --waiting_;
    }
    ++runs;
    const auto* in = reinterpret_cast<const float*>(inputs[0].data());
    if (in[0] == -1.0f) throw Error(ErrorCode::InvalidArgument, "test engine: negative sentinel");
    auto* out = reinterpret_cast<float*>(outputs[0].data());
    const size_t n = inputs[0].bytes() / sizeof(float);
    for (size_t i = 0; i < n; ++i) out[i] = in[i] + 1.0f;
  }

  void open(int n = 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    permits_ += n;
    cv_.notify_all();
  }
  // Waits until `n` runs are blocked at the gate.
  bool wait_blocked(int n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return waiting_ >= n; });
  }

  std::atomic<int> runs{0};

 private:
  bool gated_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int permits_ = 0;
  int waiting_ = 0;
};

BatchQueueOptions options(int batch_size, int max_in_flight = 2, int max_unclaimed = 8) {
  BatchQueueOptions o;
  o.model_name = "add-one";
  o.inputs = {TensorSpec{"data", {batch_size, 2, 3}, DType::Float32}};
  o.outputs = {TensorSpec{"out", {batch_size, 2, 3}, DType::Float32}};
  o.batch_size = batch_size;
  o.max_in_flight = max_in_flight;
  o.max_unclaimed = max_unclaimed;
  return o;
}

std::vector<float> filled(size_t n, float v) { return std::vector<float>(n, v); }

void put_floats(BatchQueue& q, const std::vector<float>& v, int item = -1) {
  q.put(0, v.data(), v.size() * sizeof(float), item);
}

std::vector<float> output_floats(const ResultPtr& r) {
  Tensor t = r->output(0);
  const auto* p = reinterpret_cast<const float*>(t.data());
  return std::vector<float>(p, p + t.bytes() / sizeof(float));
}

std::string message_of(const std::function<void()>& f, ErrorCode expected) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error raised";
  return "";
}

}  // namespace

TEST(BatchQueue, ResultsCompleteInFlushOrder) {
  auto engine = std::make_shared<AddOneEngine>();
  BatchQueue q(options(1, 8), engine);
  for (int i = 0; i < 6; ++i) {
    put_floats(q, filled(6, static_cast<float>(i * 10)));
    q.flush();
  }
  for (int i = 0; i < 6; ++i) {
    ResultPtr r = q.wait_result();
    EXPECT_EQ(r->sequence(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(output_floats(r), filled(6, static_cast<float>(i * 10 + 1)));
  }
}

TEST(BatchQueue, ItemsOrWholeBatchGiveTheSameBatch) {
  auto engine = std::make_shared<AddOneEngine>();
  BatchQueue q(options(2), engine);
  put_floats(q, filled(6, 1.0f));  // item 0
  EXPECT_EQ(q.filled(0), 1u);
  put_floats(q, filled(6, 2.0f));  // item 1
  q.flush();
  std::vector<float> whole = filled(6, 1.0f);
  whole.insert(whole.end(), 6, 2.0f);
  put_floats(q, whole);
  EXPECT_EQ(q.filled(0), 2u);
  q.flush();
  std::vector<float> expected = filled(6, 2.0f);
  expected.insert(expected.end(), 6, 3.0f);
  EXPECT_EQ(output_floats(q.wait_result()), expected);
  EXPECT_EQ(output_floats(q.wait_result()), expected);
}

TEST(BatchQueue, ItemsNeverWrittenAreZero) {
  auto engine = std::make_shared<AddOneEngine>();
  BatchQueue q(options(2), engine);
  // Dirty a pooled buffer first, so a reused buffer would show old values.
  put_floats(q, filled(12, 7.0f));
  q.flush();
  q.wait_result();
  put_floats(q, filled(6, 5.0f), 0);
  q.flush();
  std::vector<float> expected = filled(6, 6.0f);
  expected.insert(expected.end(), 6, 1.0f);  // zeros + 1
  EXPECT_EQ(output_floats(q.wait_result()), expected);
}

TEST(BatchQueue, RejectsWrongSizesAndIndices) {
  BatchQueue q(options(2), std::make_shared<AddOneEngine>());
  std::vector<float> five = filled(5, 0.0f);
  std::string msg = message_of([&] { put_floats(q, five); }, ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("'add-one'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(1, 2, 3)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(2, 2, 3)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("got 5"), std::string::npos) << msg;
  msg = message_of([&] { q.put(1, five.data(), 24); }, ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("input index 1"), std::string::npos) << msg;
  message_of([&] { put_floats(q, filled(6, 0.0f), 2); }, ErrorCode::InvalidArgument);
  put_floats(q, filled(6, 0.0f));
  put_floats(q, filled(6, 0.0f));
  msg = message_of([&] { put_floats(q, filled(6, 0.0f)); }, ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("flush()"), std::string::npos) << msg;
}

TEST(BatchQueue, FlushWithoutDataAndResultWithoutFlushFail) {
  BatchQueue q(options(1), std::make_shared<AddOneEngine>());
  std::string msg = message_of([&] { q.flush(); }, ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("'data'"), std::string::npos) << msg;
  msg = message_of([&] { q.wait_result(); }, ErrorCode::State);
  EXPECT_NE(msg.find("flush()"), std::string::npos) << msg;
}

TEST(BatchQueue, FlushReturnsAtOnceAndBlocksOnlyAtTheInFlightBound) {
  auto engine = std::make_shared<AddOneEngine>(/*gated=*/true);
  BatchQueue q(options(1, /*max_in_flight=*/2), engine);
  put_floats(q, filled(6, 0.0f));
  q.flush();  // running (blocked at the gate)
  put_floats(q, filled(6, 1.0f));
  q.flush();  // queued
  EXPECT_EQ(q.stats().in_flight, 2u);
  put_floats(q, filled(6, 2.0f));
  auto third = std::async(std::launch::async, [&] { q.flush(); });
  EXPECT_EQ(third.wait_for(200ms), std::future_status::timeout) << "flush did not block at the bound";
  engine->open(1);  // batch 1 completes: room for the third
  EXPECT_EQ(third.wait_for(5s), std::future_status::ready);
  third.get();
  engine->open(2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(output_floats(q.wait_result()), filled(6, static_cast<float>(i + 1)));
}

TEST(BatchQueue, ReleaseIsIdempotentAndRecyclesBuffers) {
  auto engine = std::make_shared<AddOneEngine>();
  BatchQueue q(options(1), engine);
  put_floats(q, filled(6, 3.0f));
  q.flush();
  ResultPtr r = q.wait_result();
  Tensor kept = r->output(0);  // a holder keeps the buffer valid after release
  EXPECT_EQ(q.stats().outstanding, 1u);
  q.release(r);
  q.release(r);
  EXPECT_TRUE(r->released());
  EXPECT_EQ(q.stats().outstanding, 0u);
  EXPECT_EQ(reinterpret_cast<const float*>(kept.data())[0], 4.0f);
  message_of([&] { r->output(0); }, ErrorCode::Stopped);
  const size_t idle_before = q.stats().pool_idle;
  kept = Tensor{};
  EXPECT_EQ(q.stats().pool_idle, idle_before + 1);

  BatchQueue other(options(1), engine);
  message_of([&] { other.release(r); }, ErrorCode::InvalidArgument);
}

TEST(BatchQueue, MemoryStaysBoundedWithoutRelease) {
  BatchQueue q(options(2), std::make_shared<AddOneEngine>());
  ResultPtr last;
  for (int i = 0; i < 300; ++i) {
    put_floats(q, filled(12, static_cast<float>(i)));
    q.flush();
    last = q.wait_result();  // the previous result is dropped unreleased
  }
  auto s = q.stats();
  EXPECT_EQ(s.outstanding, 1u);
  EXPECT_LE(s.pool_allocated, 6u);
  last.reset();
  EXPECT_EQ(q.stats().outstanding, 0u);
}

TEST(BatchQueue, UnclaimedResultsAreCapped) {
  BatchQueue q(options(1, /*max_in_flight=*/1, /*max_unclaimed=*/3), std::make_shared<AddOneEngine>());
  for (int i = 0; i < 10; ++i) {
    put_floats(q, filled(6, static_cast<float>(i)));
    q.flush();
  }
  for (int spin = 0; spin < 500 && q.stats().completed < 10; ++spin) std::this_thread::sleep_for(10ms);
  auto s = q.stats();
  ASSERT_EQ(s.completed, 10u);
  EXPECT_EQ(s.unclaimed, 3u);
  EXPECT_EQ(s.dropped, 7u);
  EXPECT_LE(s.pool_allocated, 8u);
  ResultPtr r = q.wait_result();
  EXPECT_EQ(r->sequence(), 8u);  // the three newest survive
  EXPECT_EQ(output_floats(r), filled(6, 8.0f));
}

TEST(BatchQueue, EngineFailureIsRaisedForItsBatchAndTheQueueGoesOn) {
  BatchQueue q(options(1), std::make_shared<AddOneEngine>());
  put_floats(q, filled(6, -1.0f));
  q.flush();
  put_floats(q, filled(6, 1.0f));
  q.flush();
  std::string msg = message_of([&] { q.wait_result(); }, ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("'add-one'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("negative sentinel"), std::string::npos) << msg;
  EXPECT_EQ(output_floats(q.wait_result()), filled(6, 2.0f));
  EXPECT_EQ(q.stats().failed, 1u);
}

TEST(BatchQueue, EngineReturningTheWrongDtypeFailsTheBatch) {
  class WrongDtype : public Engine {
    void run(const std::vector<Tensor>&, std::vector<Tensor>& outputs) override {
      outputs[0] = Tensor::allocate(outputs[0].dims, DType::Int32);
    }
  };
  BatchQueue q(options(1), std::make_shared<WrongDtype>());
  put_floats(q, filled(6, 0.0f));
  q.flush();
  std::string msg = message_of([&] { q.wait_result(); }, ErrorCode::Internal);
  EXPECT_NE(msg.find("int32"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'out'"), std::string::npos) << msg;
}

TEST(BatchQueue, CloseWhilePendingCancelsQueuedAndFinishesRunning) {
  auto engine = std::make_shared<AddOneEngine>(/*gated=*/true);
  BatchQueue q(options(1), engine);
  put_floats(q, filled(6, 0.0f));
  q.flush();
  put_floats(q, filled(6, 1.0f));
  q.flush();
  ASSERT_TRUE(engine->wait_blocked(1));
  auto waiter = std::async(std::launch::async, [&] {
    message_of([&] { q.wait_result(); }, ErrorCode::Stopped);
  });
  std::this_thread::sleep_for(50ms);
  auto closer = std::async(std::launch::async, [&] { q.close(); });
  EXPECT_EQ(closer.wait_for(100ms), std::future_status::timeout) << "close did not wait for the running batch";
  engine->open(1);
  EXPECT_EQ(closer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(waiter.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(engine->runs.load(), 1);  // the queued batch never ran
  EXPECT_TRUE(q.closed());
  message_of([&] { put_floats(q, filled(6, 0.0f)); }, ErrorCode::Stopped);
  message_of([&] { q.flush(); }, ErrorCode::Stopped);
  message_of([&] { q.wait_result(); }, ErrorCode::Stopped);
  q.close();  // idempotent
}

TEST(BatchQueue, RejectsSpecsWithoutTheBatchDimension) {
  BatchQueueOptions o = options(2);
  o.outputs[0].dims = {1, 2, 3};
  std::string msg = message_of([&] { BatchQueue q(o, std::make_shared<AddOneEngine>()); }, ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("'out'"), std::string::npos) << msg;
}

// put_with() writes an item in place: the engine sees what the writer wrote, items fill in order,
// and a writer that throws leaves the item unfilled and the queue usable.
TEST(BatchQueuePutWith, WritesItemsInPlaceInOrder) {
  auto engine = std::make_shared<AddOneEngine>();
  BatchQueue q(options(2), engine);
  for (float value : {10.0f, 20.0f}) {
    q.put_with(0, -1, [&](uint8_t* dst, size_t bytes) {
      ASSERT_EQ(bytes, 6 * sizeof(float));
      auto* f = reinterpret_cast<float*>(dst);
      for (size_t i = 0; i < 6; ++i) f[i] = value + static_cast<float>(i);
    });
  }
  EXPECT_EQ(q.filled(0), 2u);
  q.flush();
  ResultPtr r = q.wait_result();
  const auto* out = reinterpret_cast<const float*>(r->output(0).data());
  EXPECT_FLOAT_EQ(out[0], 11.0f);
  EXPECT_FLOAT_EQ(out[5], 16.0f);
  EXPECT_FLOAT_EQ(out[6], 21.0f);
  EXPECT_FLOAT_EQ(out[11], 26.0f);
}

TEST(BatchQueuePutWith, ThrowingWriterLeavesItemUnfilled) {
  BatchQueue q(options(2), std::make_shared<AddOneEngine>());
  EXPECT_THROW(q.put_with(0, -1, [](uint8_t*, size_t) { throw Error(ErrorCode::InvalidArgument, "bad frame"); }),
               Error);
  EXPECT_EQ(q.filled(0), 0u);
  q.put_with(0, 1, [](uint8_t* dst, size_t bytes) { std::memset(dst, 0, bytes); });
  EXPECT_EQ(q.filled(0), 2u);
  EXPECT_THROW(q.put_with(3, -1, [](uint8_t*, size_t) {}), Error);  // no input 3
  EXPECT_THROW(q.put_with(0, 2, [](uint8_t*, size_t) {}), Error);   // item out of range
}

TEST(BatchQueue, InputsOnTheGpuNeedAUsableDevice) {
  const std::string reason = cuda_unavailable_reason();
  if (reason.empty()) GTEST_SKIP() << "a CUDA device is present; this checks the machine without one";
  BatchQueueOptions o = options(2);
  o.input_device = 0;
  const std::string message =
      message_of([&] { BatchQueue queue(o, std::make_shared<AddOneEngine>()); }, ErrorCode::NoCuda);
  EXPECT_EQ(message, "model 'add-one': inputs on CUDA device 0 were asked for, but " + reason);
}
