#pragma once
// Logging from C++ threads without ever touching the GIL: records wait in a bounded queue until
// the Python side drains them into `logging` (panoramasdk/_logbridge.py). When nothing drains
// (C++ tests, tools), set_log_echo(true) writes them to stderr as well.
#include <cstdint>
#include <string>
#include <vector>

namespace panorama {

enum class LogLevel : int { Debug = 10, Info = 20, Warning = 30, Error = 40 };

struct LogRecord {
  LogLevel level;
  std::string logger;  // a Python logger name, e.g. "panoramasdk.media"
  std::string message; // never contains credentials: callers log redacted URIs only
  int64_t time_us;
};

void log(LogLevel level, const std::string& logger, const std::string& message);

// Blocks up to timeout_s for at least one record, then returns all queued records (oldest first).
// Past 10000 queued records the oldest are dropped and a warning record says how many.
std::vector<LogRecord> drain_log_records(double timeout_s);

// Wakes a thread blocked in drain_log_records (used at shutdown).
void wake_log_drain();

void set_log_echo(bool echo_to_stderr);

}  // namespace panorama
