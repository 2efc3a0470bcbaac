#include "panoramasdk/core/log.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>

#include "panoramasdk/core/clock.hpp"

namespace panorama {

namespace {

constexpr size_t kMaxQueued = 10000;

struct LogQueue {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<LogRecord> records;
  size_t dropped = 0;
  bool echo = false;
  bool wake = false;
};

LogQueue& queue() {
  static LogQueue* q = new LogQueue();  // never destroyed: threads may log during exit
  return *q;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warning: return "WARNING";
    case LogLevel::Error: return "ERROR";
  }
  return "?";
}

}  // namespace

void log(LogLevel level, const std::string& logger, const std::string& message) {
  LogQueue& q = queue();
  bool echo;
  {
    std::lock_guard<std::mutex> lock(q.mutex);
    echo = q.echo;
    if (q.records.size() >= kMaxQueued) {
      q.records.pop_front();
      ++q.dropped;
    }
    q.records.push_back(LogRecord{level, logger, message, wall_time_us()});
  }
  q.ready.notify_one();
  if (echo) std::fprintf(stderr, "%s %s: %s\n", level_name(level), logger.c_str(), message.c_str());
}

std::vector<LogRecord> drain_log_records(double timeout_s) {
  LogQueue& q = queue();
  std::unique_lock<std::mutex> lock(q.mutex);
  q.ready.wait_for(lock, std::chrono::duration<double>(timeout_s),
                   [&] { return !q.records.empty() || q.wake; });
  q.wake = false;
  std::vector<LogRecord> out;
  if (q.dropped) {
    out.push_back(LogRecord{LogLevel::Warning, "panoramasdk",
                            std::to_string(q.dropped) + " log records were dropped (queue full)", wall_time_us()});
    q.dropped = 0;
  }
  out.insert(out.end(), std::make_move_iterator(q.records.begin()), std::make_move_iterator(q.records.end()));
  q.records.clear();
  return out;
}

void wake_log_drain() {
  LogQueue& q = queue();
  {
    std::lock_guard<std::mutex> lock(q.mutex);
    q.wake = true;
  }
  q.ready.notify_all();
}

void set_log_echo(bool echo_to_stderr) {
  std::lock_guard<std::mutex> lock(queue().mutex);
  queue().echo = echo_to_stderr;
}

}  // namespace panorama
