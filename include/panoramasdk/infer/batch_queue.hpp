#pragma once
// The asynchronous batch queue in front of an engine (backend-free).
//
//   put(input, bytes)  fills the open batch of one input: the whole batch or one item at a time
//                      (from host memory; uploaded when the inputs live on the GPU, see input_device)
//   flush()            closes the open batch and hands it to the worker thread; returns at once,
//                      except that it BLOCKS while `max_in_flight` batches are queued or running
//                      (the worker always progresses, so the wait is bounded by one batch's run)
//   wait_result()      blocks for the oldest result not yet claimed (results complete in flush order)
//   release(result)    gives the result's buffers back to the pool; idempotent
//   close()            cancels queued batches, lets the running one finish, joins the worker
//
// Memory stays bounded without release(): a claimed result is reference-counted memory, freed when
// its last holder drops it; completed results nobody claims are capped at `max_unclaimed` (the oldest
// is dropped with a warning). Thread-safe; the engine runs only on the worker thread.
// Errors: Error(InvalidArgument) for a wrong input index or size, Error(Stopped) after close(),
// Error(Internal) for wait_result() with nothing flushed; an engine failure is raised by the
// wait_result() that claims that batch, with the model name.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "panoramasdk/core/error.hpp"
#include "panoramasdk/infer/engine.hpp"
#include "panoramasdk/infer/tensor.hpp"

namespace panorama {

struct BatchQueueOptions {
  std::string model_name;          // names the model in errors and logs
  std::vector<TensorSpec> inputs;  // dims[0] must equal batch_size
  std::vector<TensorSpec> outputs; // dims[0] must equal batch_size
  int batch_size = 1;
  int max_in_flight = 2;  // batches queued or running before flush() blocks
  int max_unclaimed = 8;  // completed, unclaimed results kept before the oldest is dropped
  // -1: the open batch's inputs are host memory. A CUDA device index: they are that device's memory,
  // for an engine that reads them there (put_with writers then get device pointers, and preprocessing
  // writes a device frame's tensor straight into the batch: nothing crosses to the host). Needs CUDA:
  // the constructor throws Error(NoCuda) naming what is missing otherwise. Outputs stay on the host.
  int input_device = -1;
};

// Counts shared by a queue and the results it handed out.
struct ResultCounters;

// The outputs of one flushed batch, in output-spec order.
class BatchResult {
 public:
  ~BatchResult();
  BatchResult(const BatchResult&) = delete;
  BatchResult& operator=(const BatchResult&) = delete;

  uint64_t sequence() const noexcept { return sequence_; }  // 1 for the first flush, then 2, ...
  const std::string& model_name() const noexcept { return model_name_; }
  size_t size() const noexcept { return output_count_; }     // number of outputs

  // A tensor sharing the result's buffer (it stays valid while held, even after release()).
  // Throws Error(Stopped) once released, Error(InvalidArgument) for an index out of range.
  Tensor output(size_t index) const;
  bool released() const;

 private:
  friend class BatchQueue;
  BatchResult(std::string model_name, uint64_t sequence, size_t output_count,
              std::shared_ptr<ResultCounters> counters);
  bool release_outputs();  // true the first time

  std::string model_name_;
  uint64_t sequence_;
  size_t output_count_;
  std::shared_ptr<ResultCounters> counters_;
  mutable std::mutex mutex_;
  std::vector<Tensor> outputs_;
  bool done_ = false;
  bool claimed_ = false;
  bool released_ = false;
  bool failed_ = false;
  ErrorCode error_code_ = ErrorCode::Internal;
  std::string error_;
};
using ResultPtr = std::shared_ptr<BatchResult>;

class BatchQueue {
 public:
  struct Stats {
    uint64_t submitted = 0;    // batches flushed
    uint64_t completed = 0;    // batches the engine finished (failed ones included)
    uint64_t failed = 0;       // batches the engine failed
    uint64_t dropped = 0;      // completed results dropped unclaimed (max_unclaimed)
    size_t in_flight = 0;      // queued or running now
    size_t unclaimed = 0;      // flushed, not yet returned by wait_result
    size_t outstanding = 0;    // returned by wait_result, neither released nor destroyed
    size_t pool_allocated = 0; // pooled buffers alive (inputs and outputs)
    size_t pool_idle = 0;      // pooled buffers waiting for reuse
  };

  // Validates the specs (Error(InvalidArgument) naming the one at fault) and starts the worker.
  BatchQueue(BatchQueueOptions options, std::shared_ptr<Engine> engine);
  ~BatchQueue();  // close()
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Copies `bytes` bytes into the open batch of input `input`.
  //   item >= 0: one item at that index (bytes must be one item's size)
  //   item <  0: the whole batch when bytes is the batch's size, else the next item
  //              (items fill 0, 1, ... since the last flush)
  void put(size_t input, const void* data, size_t bytes, int item = -1);
  // Lets `write` fill one item of input `input` in place (item as in put(), for one item's size):
  // preprocessing writes the model tensor straight into the batch, with no copy. `dst` is device
  // memory of options().input_device when that is >= 0, and must be complete when `write` returns.
  // `write` runs with the queue locked, so it must not call back into this queue.
  void put_with(size_t input, int item, const std::function<void(uint8_t* dst, size_t bytes)>& write);
  // Items written to the open batch of `input` since the last flush.
  size_t filled(size_t input) const;
  // Submits the open batch (items never written are zero). Every input needs data.
  void flush();
  ResultPtr wait_result();
  void release(const ResultPtr& result);
  void close();

  bool closed() const;
  const BatchQueueOptions& options() const noexcept { return options_; }
  Stats stats() const;

 private:
  struct Slot {
    uint8_t* data = nullptr;  // where the bytes go in the open batch
    size_t index = 0;         // the item, unless whole_batch
    bool whole_batch = false;
  };
  Slot open_slot(size_t input, size_t bytes, int item);  // validates; the mutex is held
  bool inputs_on_device() const noexcept { return options_.input_device >= 0; }
  void mark_filled(size_t input, const Slot& slot);
  struct Job {
    std::vector<Tensor> inputs;
    ResultPtr result;
  };
  void worker_loop();
  void run_job(Job& job);
  void finish_job(ResultPtr result, std::vector<Tensor> outputs, bool failed, ErrorCode code,
                  std::string message);
  [[noreturn]] void fail_stopped(const char* call) const;
  std::string input_label(size_t input) const;

  BatchQueueOptions options_;
  std::shared_ptr<Engine> engine_;
  std::shared_ptr<BufferPool> pool_;        // outputs, and inputs on the host
  std::shared_ptr<BufferPool> input_pool_;  // inputs: pool_, or device memory (input_device)
  std::shared_ptr<ResultCounters> counters_;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;  // worker: a job arrived or closing
  std::condition_variable done_cv_;  // callers: a job finished or closing
  std::vector<Tensor> staging_;      // the open batch, one tensor per input (buffer null until put)
  std::vector<size_t> filled_;
  std::deque<Job> jobs_;             // queued, not yet running
  std::deque<ResultPtr> results_;    // flushed, unclaimed, in flush order
  size_t in_flight_ = 0;
  uint64_t next_sequence_ = 1;
  Stats stats_;
  bool closing_ = false;
  std::mutex join_mutex_;
  std::thread worker_;
};

}  // namespace panorama
