"""Timing helpers: per-call samples of a Python callable, and wall time of a command line."""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


@dataclass
class Samples:
    """Seconds per call (or per frame). The median resists the other engineers' jobs on a shared
    machine better than the mean; p99 shows the tail they cause."""

    seconds: list

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.seconds, q)) * 1e3

    @property
    def fps(self) -> float:
        return 1.0 / float(np.median(self.seconds))

    def columns(self) -> dict:
        """The usual extra columns of a Row."""
        return {"ms/frame": self.percentile_ms(50), "p99 ms": self.percentile_ms(99), "samples": len(self.seconds)}


def time_calls(fn: Callable[[], object], *, min_seconds: float = 1.0, min_calls: int = 10,
               max_calls: int = 100_000, warmup: int = 2) -> Samples:
    """Calls fn() `warmup` times unmeasured, then until both min_seconds and min_calls are reached."""
    for _ in range(warmup):
        fn()
    seconds: list = []
    start = time.perf_counter()
    while len(seconds) < max_calls and (len(seconds) < min_calls or time.perf_counter() - start < min_seconds):
        t0 = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t0)
    return Samples(seconds)


def time_calls_round_robin(fns: dict, *, min_seconds: float = 1.0, min_calls: int = 10, warmup: int = 2) -> dict:
    """name -> Samples, calling each fn once per round so that every variant sees the same moments of the
    machine's load (a ratio between them stays fair on a shared machine). Stops when every variant has
    min_calls samples and min_seconds have passed."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    seconds: dict = {name: [] for name in fns}
    start = time.perf_counter()
    while len(next(iter(seconds.values()))) < min_calls or time.perf_counter() - start < min_seconds:
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - t0)
    return {name: Samples(s) for name, s in seconds.items()}


def run_timed(cmd: list, *, env: Optional[dict] = None, cwd: Optional[str] = None) -> float:
    """Runs a command line to its end and returns its wall time in seconds; a failure raises with the
    command and the end of its stderr (a benchmark must never time a command that failed)."""
    t0 = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark command failed (exit {proc.returncode}): {' '.join(map(str, cmd))}\n"
                           f"{proc.stderr[-3000:]}")
    return seconds


def best_of(repeat: int, measure: Callable[[], float]) -> float:
    """The smallest of `repeat` measurements (seconds): the run least disturbed by other work."""
    return min(measure() for _ in range(repeat))


def fastest_round_robin(measures: dict, repeat: int) -> dict:
    """name -> smallest of `repeat` measurements (seconds), taken in turns so that a burst of other work
    on the machine hits every variant alike rather than one."""
    best = {name: float("inf") for name in measures}
    for _ in range(repeat):
        for name, measure in measures.items():
            best[name] = min(best[name], measure())
    return best
