#include "panoramasdk/core/parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace panorama {

namespace {

constexpr int kMaxThreads = 64;
// Chunks per thread: a worker that wakes late (the machine is busy, or waking takes tens of
// microseconds) leaves its later chunks to the threads already running instead of holding the call.
constexpr size_t kChunksPerThread = 4;

// One parallel_for call: chunks are claimed by index, by the caller and by any worker that picks
// the job up, so nobody waits for a particular thread.
struct Job {
  const std::function<void(size_t, size_t)>* fn = nullptr;
  size_t count = 0;
  size_t chunks = 0;
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::condition_variable finished;
  size_t done = 0;  // under mutex
  std::exception_ptr error;

  // Runs chunks until none is left to claim.
  void work() {
    for (;;) {
      const size_t chunk = next.fetch_add(1);
      if (chunk >= chunks) return;
      const size_t begin = count * chunk / chunks, end = count * (chunk + 1) / chunks;
      std::exception_ptr failure;
      try {
        (*fn)(begin, end);
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (failure && !error) error = failure;
      if (++done == chunks) finished.notify_all();
    }
  }
};

// Workers are started on demand (up to the largest thread count asked for, minus the caller) and
// live for the process; they sleep on `wake` while the queue is empty.
class Pool {
 public:
  static Pool& instance() {
    static Pool* pool = new Pool();  // never destroyed: workers may outlive static destructors
    return *pool;
  }

  // Queue entries share the job: a worker may pop one after the call returned (every chunk claimed),
  // and then finds nothing left to claim.
  void run(const std::shared_ptr<Job>& shared, int helpers) {
    Job& job = *shared;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (static_cast<int>(workers_.size()) < helpers) workers_.emplace_back([this] { loop(); });
      for (int i = 0; i < helpers; ++i) queue_.push_back(shared);
    }
    wake_.notify_all();
    job.work();
    std::unique_lock<std::mutex> lock(job.mutex);
    job.finished.wait(lock, [&] { return job.done == job.chunks; });
  }

 private:
  Pool() = default;

  void loop() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return !queue_.empty(); });
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job->work();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::thread> workers_;
};

}  // namespace

int default_cpu_threads() noexcept {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 4u));
}

void parallel_for(size_t count, int threads, const std::function<void(size_t, size_t)>& fn) {
  if (count == 0) return;
  if (threads <= 0) threads = default_cpu_threads();
  threads = std::min(threads, kMaxThreads);
  if (threads == 1 || count == 1) {
    fn(0, count);
    return;
  }
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->count = count;
  job->chunks = std::min(count, static_cast<size_t>(threads) * kChunksPerThread);
  Pool::instance().run(job, static_cast<int>(std::min(job->chunks, static_cast<size_t>(threads))) - 1);
  if (job->error) std::rethrow_exception(job->error);
}

}  // namespace panorama
