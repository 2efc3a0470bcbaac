#pragma once
// parallel_for: runs fn over [0, count) split into contiguous chunks (up to 4 a thread, each claimed
// by whichever thread is free first) on a process-wide pool of persistent worker threads. Idle
// workers block on a condition variable (they never spin: the machines are shared with decoders and
// ONNX Runtime). The caller runs chunks too, so a call finishes even when every worker is busy with
// another caller's work. Safe to call from many threads at once. threads = 1 (or count <= 1) runs
// inline on the caller, with no pool at all.
#include <cstddef>
#include <functional>

namespace panorama {

// Default thread count for CPU kernels: hardware threads, at most 4 (at least 1).
int default_cpu_threads() noexcept;

// Calls fn(begin, end) on disjoint chunks covering [0, count), using up to `threads` threads
// (0 = default_cpu_threads(); more than 64 are capped there). Returns when every chunk is done; the
// first exception a chunk throws is rethrown here after all chunks end.
void parallel_for(size_t count, int threads, const std::function<void(size_t begin, size_t end)>& fn);

}  // namespace panorama
