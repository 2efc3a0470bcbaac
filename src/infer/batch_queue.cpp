#include "panoramasdk/infer/batch_queue.hpp"

#include <atomic>
#include <cstring>
#include <exception>
#include <utility>

#include "panoramasdk/core/cuda_buffer_pool.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/cuda_memory.hpp"
#include "panoramasdk/core/cuda_stream.hpp"
#include "panoramasdk/core/log.hpp"

namespace panorama {

struct ResultCounters {
  std::atomic<size_t> outstanding{0};  // claimed results neither released nor destroyed
};

namespace {

constexpr const char* kLogger = "panoramasdk.models";

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

// ---- BatchResult -------------------------------------------------------------------------------

BatchResult::BatchResult(std::string model_name, uint64_t sequence, size_t output_count,
                         std::shared_ptr<ResultCounters> counters)
    : model_name_(std::move(model_name)),
      sequence_(sequence),
      output_count_(output_count),
      counters_(std::move(counters)) {}

BatchResult::~BatchResult() {
  if (claimed_ && !released_) --counters_->outstanding;
}

Tensor BatchResult::output(size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (released_)
    fail(ErrorCode::Stopped, "the result of batch " + std::to_string(sequence_) + " of model " + quoted(model_name_) +
                                 " was released; read outputs before release_result()");
  if (index >= outputs_.size())
    fail(ErrorCode::InvalidArgument, "model " + quoted(model_name_) + " has " + std::to_string(output_count_) +
                                         " outputs; output index " + std::to_string(index) + " is out of range");
  return outputs_[index];
}

bool BatchResult::released() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return released_;
}

bool BatchResult::release_outputs() {
  std::vector<Tensor> dropped;  // buffers go back to the pool outside the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (released_) return false;
    released_ = true;
    dropped.swap(outputs_);
    if (claimed_) --counters_->outstanding;
  }
  return true;
}

// ---- BatchQueue --------------------------------------------------------------------------------

BatchQueue::BatchQueue(BatchQueueOptions options, std::shared_ptr<Engine> engine)
    : options_(std::move(options)),
      engine_(std::move(engine)),
      pool_(BufferPool::create(16)),
      counters_(std::make_shared<ResultCounters>()) {
  const std::string model = "model " + quoted(options_.model_name);
  if (!engine_) fail(ErrorCode::InvalidArgument, model + ": no engine given");
  if (options_.batch_size < 1)
    fail(ErrorCode::InvalidArgument, model + ": batch size " + std::to_string(options_.batch_size) + " is not >= 1");
  if (options_.max_in_flight < 1)
    fail(ErrorCode::InvalidArgument,
         model + ": max_in_flight " + std::to_string(options_.max_in_flight) + " is not >= 1");
  if (options_.max_unclaimed < 1)
    fail(ErrorCode::InvalidArgument,
         model + ": max_unclaimed " + std::to_string(options_.max_unclaimed) + " is not >= 1");
  if (options_.inputs.empty()) fail(ErrorCode::InvalidArgument, model + " declares no inputs");
  if (options_.outputs.empty()) fail(ErrorCode::InvalidArgument, model + " declares no outputs");
  auto check = [&](const TensorSpec& spec, const char* kind, size_t index) {
    const std::string what = model + " " + kind + " " + std::to_string(index) + " " + quoted(spec.name);
    if (spec.dims.empty() || spec.dims[0] != options_.batch_size)
      fail(ErrorCode::InvalidArgument, what + " has shape " + format_dims(spec.dims) +
                                           "; expected the batch size " + std::to_string(options_.batch_size) +
                                           " as its first dimension");
    for (int64_t d : spec.dims)
      if (d < 0) fail(ErrorCode::InvalidArgument, what + " has shape " + format_dims(spec.dims) + "; expected dims >= 0");
  };
  for (size_t i = 0; i < options_.inputs.size(); ++i) check(options_.inputs[i], "input", i);
  for (size_t i = 0; i < options_.outputs.size(); ++i) check(options_.outputs[i], "output", i);

  input_pool_ = pool_;
  if (inputs_on_device()) {
    if (options_.input_device >= cuda_device_count())
      fail(ErrorCode::NoCuda, model + ": inputs on CUDA device " + std::to_string(options_.input_device) +
                                  " were asked for, but " +
                                  (cuda_device_count() ? std::to_string(cuda_device_count()) + " device(s) are usable"
                                                       : cuda_unavailable_reason()));
    input_pool_ = make_cuda_buffer_pool(MemoryKind::Device, 16);
  }

  staging_.resize(options_.inputs.size());
  filled_.assign(options_.inputs.size(), 0);
  worker_ = std::thread([this] { worker_loop(); });
}

BatchQueue::~BatchQueue() { close(); }

std::string BatchQueue::input_label(size_t input) const {
  return "model " + quoted(options_.model_name) + " input " + std::to_string(input) + " " +
         quoted(options_.inputs[input].name);
}

void BatchQueue::fail_stopped(const char* call) const {
  fail(ErrorCode::Stopped, "model " + quoted(options_.model_name) + " was finished; " + call + "() is not possible any more");
}

void BatchQueue::put(size_t input, const void* data, size_t bytes, int item) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closing_) fail_stopped("batch");
  const Slot slot = open_slot(input, bytes, item);
  if (bytes && inputs_on_device()) {
    CudaDeviceScope on_device(options_.input_device);
    CudaStream stream;
    copy_host_to_device(slot.data, data, bytes, stream.get());
    stream.synchronize();
  } else if (bytes) {
    std::memcpy(slot.data, data, bytes);
  }
  mark_filled(input, slot);
}

void BatchQueue::put_with(size_t input, int item, const std::function<void(uint8_t* dst, size_t bytes)>& write) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closing_) fail_stopped("batch");
  if (input >= options_.inputs.size()) open_slot(input, 0, item);  // raises the out-of-range error
  const size_t bytes = options_.inputs[input].item_bytes();
  const Slot slot = open_slot(input, bytes, item);
  // A failing writer leaves the item unfilled (zeros, or what the last writer put there).
  write(slot.data, bytes);
  mark_filled(input, slot);
}

BatchQueue::Slot BatchQueue::open_slot(size_t input, size_t bytes, int item) {
  if (input >= options_.inputs.size())
    fail(ErrorCode::InvalidArgument, "model " + quoted(options_.model_name) + " has " +
                                         std::to_string(options_.inputs.size()) + " input(s); input index " +
                                         std::to_string(input) + " is out of range");
  const TensorSpec& spec = options_.inputs[input];
  const size_t batch = static_cast<size_t>(options_.batch_size);
  const size_t item_bytes = spec.item_bytes();
  const size_t batch_bytes = spec.batch_bytes();
  const size_t esize = dtype_size(spec.dtype);

  auto size_error = [&](const std::string& expected) {
    fail(ErrorCode::InvalidArgument, input_label(input) + ": got " + std::to_string(bytes / esize) + " " +
                                         dtype_name(spec.dtype) + " elements; expected " + expected);
  };
  const std::string one_item = "shape " + format_dims(spec.item_dims()) + " (" +
                               std::to_string(item_bytes / esize) + " elements)";
  const std::string whole = "shape " + format_dims(spec.dims) + " (" + std::to_string(batch_bytes / esize) + " elements)";

  Slot slot;
  if (item < 0) {
    if (bytes == batch_bytes) {
      slot.whole_batch = true;
    } else if (bytes == item_bytes) {
      slot.index = filled_[input];
      if (slot.index >= batch) {
        fail(ErrorCode::InvalidArgument, input_label(input) + " already holds " + std::to_string(batch) +
                                             " item(s), the batch size; call flush() before batching more");
      }
    } else {
      size_error(batch == 1 ? whole : "one item of " + one_item + " or the whole batch of " + whole);
    }
  } else {
    if (static_cast<size_t>(item) >= batch)
      fail(ErrorCode::InvalidArgument, input_label(input) + ": item " + std::to_string(item) +
                                           " is out of range for batch size " + std::to_string(batch));
    if (bytes != item_bytes) size_error("one item of " + one_item);
    slot.index = static_cast<size_t>(item);
  }

  Tensor& stage = staging_[input];
  if (!stage.buffer) {
    stage.dims = spec.dims;
    stage.dtype = spec.dtype;
    stage.device = options_.input_device;
    if (inputs_on_device()) {
      CudaDeviceScope on_device(options_.input_device);
      stage.buffer = input_pool_->acquire(batch_bytes);
      // Items never written must read as zeros, not as a previous batch.
      if (!slot.whole_batch) {
        CudaStream stream;
        clear_device_memory(stage.buffer->data, batch_bytes, stream.get());
        stream.synchronize();
      }
    } else {
      stage.buffer = input_pool_->acquire(batch_bytes);
      if (!slot.whole_batch) std::memset(stage.buffer->data, 0, batch_bytes);
    }
  }
  slot.data = stage.buffer->data + (slot.whole_batch ? 0 : slot.index * item_bytes);
  return slot;
}

void BatchQueue::mark_filled(size_t input, const Slot& slot) {
  if (slot.whole_batch)
    filled_[input] = static_cast<size_t>(options_.batch_size);
  else if (slot.index + 1 > filled_[input])
    filled_[input] = slot.index + 1;
}

size_t BatchQueue::filled(size_t input) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (input >= filled_.size())
    fail(ErrorCode::InvalidArgument, "model " + quoted(options_.model_name) + ": input index " +
                                         std::to_string(input) + " is out of range");
  return filled_[input];
}

void BatchQueue::flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_) fail_stopped("flush");
  for (size_t i = 0; i < filled_.size(); ++i) {
    if (filled_[i] == 0)
      fail(ErrorCode::InvalidArgument, "flush(): " + input_label(i) + " has no data; call batch(" +
                                           std::to_string(i) + ", array) first");
  }
  // Back-pressure: at most max_in_flight batches wait for or use the engine.
  done_cv_.wait(lock, [&] { return closing_ || in_flight_ < static_cast<size_t>(options_.max_in_flight); });
  if (closing_) fail_stopped("flush");

  Job job;
  job.inputs.swap(staging_);
  staging_.assign(options_.inputs.size(), Tensor{});
  filled_.assign(options_.inputs.size(), 0);
  job.result = ResultPtr(new BatchResult(options_.model_name, next_sequence_++, options_.outputs.size(), counters_));
  results_.push_back(job.result);
  jobs_.push_back(std::move(job));
  ++in_flight_;
  ++stats_.submitted;
  work_cv_.notify_one();
}

ResultPtr BatchQueue::wait_result() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_) fail_stopped("get_result");
  if (results_.empty())
    fail(ErrorCode::State, "model " + quoted(options_.model_name) +
                               ": get_result() called with no batch in flight; call flush() first");
  ResultPtr result;
  // Re-read the front after every wake-up: an unclaimed result may have been dropped meanwhile.
  done_cv_.wait(lock, [&] {
    if (closing_) return true;
    result = results_.empty() ? nullptr : results_.front();
    return !result || result->done_;
  });
  if (closing_) fail_stopped("get_result");
  if (!result)
    fail(ErrorCode::State, "model " + quoted(options_.model_name) + ": get_result() found no batch in flight");
  results_.pop_front();
  std::lock_guard<std::mutex> result_lock(result->mutex_);
  if (result->failed_) fail(result->error_code_, result->error_);
  result->claimed_ = true;
  ++counters_->outstanding;
  return result;
}

void BatchQueue::release(const ResultPtr& result) {
  if (!result) return;
  if (result->counters_ != counters_)
    fail(ErrorCode::InvalidArgument, "release_result(): the result belongs to model " + quoted(result->model_name_) +
                                         ", not to model " + quoted(options_.model_name));
  result->release_outputs();
}

void BatchQueue::close() {
  std::deque<Job> cancelled;
  std::deque<ResultPtr> unclaimed;
  std::vector<Tensor> staging;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!closing_) {
      closing_ = true;
      in_flight_ -= jobs_.size();
      cancelled.swap(jobs_);
      unclaimed.swap(results_);
      staging.swap(staging_);
      filled_.assign(filled_.size(), 0);
    }
  }
  work_cv_.notify_all();
  done_cv_.notify_all();
  // Only the first closer joins; a second one waits for it through join_mutex_.
  std::lock_guard<std::mutex> join_lock(join_mutex_);
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
}

bool BatchQueue::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closing_;
}

BatchQueue::Stats BatchQueue::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats s = stats_;
  s.in_flight = in_flight_;
  s.unclaimed = results_.size();
  s.outstanding = counters_->outstanding.load();
  s.pool_allocated = pool_->allocated() + (input_pool_ != pool_ ? input_pool_->allocated() : 0);
  s.pool_idle = pool_->idle() + (input_pool_ != pool_ ? input_pool_->idle() : 0);
  return s;
}

void BatchQueue::worker_loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_cv_.wait(lock, [&] { return closing_ || !jobs_.empty(); });
      if (closing_) return;  // close() took the queued jobs
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    run_job(job);
  }
}

void BatchQueue::run_job(Job& job) {
  const std::string model = "model " + quoted(options_.model_name);
  const std::string batch = "batch " + std::to_string(job.result->sequence_);
  std::vector<Tensor> outputs;
  bool failed = false;
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  try {
    outputs.reserve(options_.outputs.size());
    for (const TensorSpec& spec : options_.outputs)
      outputs.push_back(Tensor{spec.dims, spec.dtype, pool_->acquire(spec.batch_bytes())});
    engine_->run(job.inputs, outputs);
    if (outputs.size() != options_.outputs.size())
      fail(ErrorCode::Internal, "the engine returned " + std::to_string(outputs.size()) + " outputs; expected " +
                                    std::to_string(options_.outputs.size()));
    for (size_t i = 0; i < outputs.size(); ++i) {
      const TensorSpec& spec = options_.outputs[i];
      if (outputs[i].dtype != spec.dtype)
        fail(ErrorCode::Internal, "the engine returned " + std::string(dtype_name(outputs[i].dtype)) + " for output " +
                                      std::to_string(i) + " " + quoted(spec.name) + "; expected " + dtype_name(spec.dtype));
      if (!outputs[i].buffer || outputs[i].buffer->size < outputs[i].bytes())
        fail(ErrorCode::Internal, "the engine left output " + std::to_string(i) + " " + quoted(spec.name) +
                                      " without a buffer of " + std::to_string(outputs[i].bytes()) + " bytes");
    }
  } catch (const Error& e) {
    failed = true;
    code = e.code();
    message = e.what();
  } catch (const std::exception& e) {
    failed = true;
    message = e.what();
  } catch (...) {
    failed = true;
    message = "unknown exception";
  }
  if (failed) {
    message = model + ": inference failed on " + batch + ": " + message;
    outputs.clear();
    log(LogLevel::Warning, kLogger, message);
  }
  job.inputs.clear();  // input buffers back to the pool before anyone is woken
  finish_job(std::move(job.result), std::move(outputs), failed, code, std::move(message));
}

void BatchQueue::finish_job(ResultPtr result, std::vector<Tensor> outputs, bool failed, ErrorCode code,
                            std::string message) {
  ResultPtr dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    {
      std::lock_guard<std::mutex> result_lock(result->mutex_);
      result->outputs_ = std::move(outputs);
      result->failed_ = failed;
      result->error_code_ = code;
      result->error_ = std::move(message);
      result->done_ = true;
    }
    --in_flight_;
    ++stats_.completed;
    if (failed) ++stats_.failed;
    // Completed results are the oldest ones; keep at most max_unclaimed of them.
    size_t done = 0;
    for (const auto& r : results_) {
      if (!r->done_) break;
      ++done;
    }
    if (done > static_cast<size_t>(options_.max_unclaimed)) {
      dropped = results_.front();
      results_.pop_front();
      ++stats_.dropped;
    }
    // The worker lets go before waking anyone: a claimed result then has no holder but its claimer.
    result.reset();
  }
  done_cv_.notify_all();
  if (dropped) {
    log(LogLevel::Warning, kLogger,
        "model " + quoted(options_.model_name) + ": dropped the unclaimed result of batch " +
            std::to_string(dropped->sequence_) + " (more than " + std::to_string(options_.max_unclaimed) +
            " results waited for get_result())");
  }
}

}  // namespace panorama
