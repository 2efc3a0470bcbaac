"""Live statistics of a supervised application, for the appliance's status page and metrics.

When ``PANORAMA_LIVE_STATS`` names a file (the supervisor sets it), a daemon thread rewrites it about
once a second, atomically (temp file + rename, so a reader never sees half a file), as JSON:

    {"time", "pid", "started", "phase": "starting" | "running" | "stopped",
     "frame_sets", "entry_s", "entry_mean_ms", "entry_recent_ms", "frame_sets_per_s",
     "streams": [{"index", "uri" (redacted), "state", "fps", "frames_decoded", "frames_delivered",
                  "frames_dropped", "decode_errors", "reconnects", "last_error",
                  "decoder" ("nvdec" | "libavcodec"), ...}],
     "models": [model.stats() of each open model: queue counters, inference time, batch fill],
     "outputs": [the output chain's stats() per output slot, {} when nothing is drawn]}

``phase`` is "running" once ``init()`` has returned and the loop has started. The "recent" figures
cover the time since the previous snapshot. Reading the counters is cheap (no frame is touched).
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable, Optional

from ..errors import StoppedError
from .config import LIVE_STATS_ENV

log = logging.getLogger("panoramasdk.runtime")

INTERVAL_S = 1.0
STREAM_KEYS = ("state", "fps", "nominal_fps", "width", "height", "frames_decoded", "frames_delivered",
               "frames_dropped", "decode_errors", "reconnects", "last_error", "last_error_code", "decoder")


class LiveStats:
    """Writes snapshots of a run (its StageTimes, StreamSet and OutputSet) to `path` every `interval_s`."""

    def __init__(self, path: Path, times, sources, outputs_of: Callable[[], object], interval_s: float = INTERVAL_S):
        self.path = Path(path)
        self._times = times
        self._sources = sources
        self._outputs_of = outputs_of  # the OutputSet is made after the streams start
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._started = time.time()
        self._previous = (time.perf_counter(), 0, 0.0)  # (when, frame sets, entry seconds)
        self._write_failed = False

    def start(self) -> None:
        self.write()
        self._thread = threading.Thread(target=self._run, name="live-stats", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ends the thread and writes a last snapshot (phase "stopped")."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.write(stopped=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.write()

    def snapshot(self, stopped: bool = False) -> dict:
        times = self._times
        now = time.perf_counter()
        frame_sets, entry_s = times.frame_sets, times.entry_s
        when, frame_sets_before, entry_s_before = self._previous
        self._previous = (now, frame_sets, entry_s)
        recent_sets = frame_sets - frame_sets_before
        phase = "stopped" if stopped else ("running" if times.loop_started is not None else "starting")
        outputs = self._outputs_of()
        return {
            "time": time.time(),
            "pid": os.getpid(),
            "started": self._started,
            "phase": phase,
            "frame_sets": frame_sets,
            "entry_s": entry_s,
            "entry_mean_ms": 1e3 * entry_s / frame_sets if frame_sets else 0.0,
            "entry_recent_ms": 1e3 * (entry_s - entry_s_before) / recent_sets if recent_sets else 0.0,
            "frame_sets_per_s": recent_sets / (now - when) if now > when else 0.0,
            "streams": [dict(index=i, uri=uri, **{k: stats.get(k) for k in STREAM_KEYS})
                        for i, (uri, stats) in enumerate(zip(self._sources.uris, self._sources.stats()))],
            "models": model_stats(),
            "outputs": outputs.stats() if outputs is not None else [],
        }

    def write(self, stopped: bool = False) -> None:
        """One snapshot to the file; a failure is logged once (and its end once), never raised."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            tmp.write_text(json.dumps(self.snapshot(stopped)), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            if not self._write_failed:
                log.warning("%s=%s: cannot write the live statistics: %s", LIVE_STATS_ENV, self.path, exc)
            self._write_failed = True
            return
        if self._write_failed:
            log.info("live statistics written to %s again", self.path)
            self._write_failed = False


def model_stats() -> list:
    """model.stats() of each model open in this process, by name."""
    from ..model import open_models

    stats = []
    for m in open_models():
        try:
            stats.append(m.stats())
        except StoppedError:  # finished by the application meanwhile
            continue
    return sorted(stats, key=lambda s: s["name"] or "")


def start(times, sources, outputs_of: Callable[[], object]) -> Optional[LiveStats]:
    """Starts the writer when PANORAMA_LIVE_STATS is set (the supervisor's children); else None."""
    path = os.environ.get(LIVE_STATS_ENV)
    if not path:
        return None
    live = LiveStats(Path(path), times, sources, outputs_of)
    live.start()
    return live


def read(path: Path) -> Optional[dict]:
    """A snapshot file as a dict; None when it is missing or unreadable (a run that has not written yet)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
