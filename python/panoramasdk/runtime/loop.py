"""The frame-set loop behind ``base.run()``: parameters, ports, ``init``, then ``entry`` per frame set."""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
import traceback

from .. import _logbridge
from .._native import core
from ..media import media
from ..parameters import build_parameters
from ..port import port, ports
from . import live_stats, run_stats
from .config import RunConfig
from .outputs import OutputSet
from .sources import StreamSet

log = logging.getLogger("panoramasdk.runtime")

EXIT_OK = 0
EXIT_APP_FAILED = 1  # init failed or returned False, strict entry failure, camera failure
EXIT_USAGE = 2  # bad parameters or interface


class RunStopped(Exception):
    """Ends a run early with an exit code and a one-line reason for stderr."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class StageTimes:
    """Wall time spent per stage of the loop, for --stats and the benchmarks."""

    def __init__(self):
        self.frame_sets = 0
        self.wait_s = 0.0  # waiting for decoded frames
        self.entry_s = 0.0  # application code, inference it waits for included
        self.output_s = 0.0  # snapshot + hand-off to the output chains
        self.started = time.perf_counter()
        self.loop_started = None  # after init(): the steady part of the run starts here
        self.loop_cpu_started = 0.0

    def start_loop(self) -> None:
        self.loop_started = time.perf_counter()
        self.loop_cpu_started = time.process_time()

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def loop_elapsed_s(self) -> float:
        """From the first entry() to now (outputs flushed when called at the end); 0 before the loop."""
        return time.perf_counter() - self.loop_started if self.loop_started is not None else 0.0

    def loop_cpu_s(self) -> float:
        """CPU time of the whole process (every thread: decoders, engines, outputs) since the loop began."""
        return time.process_time() - self.loop_cpu_started if self.loop_started is not None else 0.0


def _install_signal_handlers(stop: threading.Event) -> list:
    if threading.current_thread() is not threading.main_thread():
        return []
    previous = []

    def handler(signum, frame):
        log.info("signal %d: stopping after the current frame", signum)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous.append((sig, signal.signal(sig, handler)))
    return previous


class AppRunner:
    """Runs one application object against the cameras and outputs of a RunConfig."""

    def __init__(self, app, config: RunConfig):
        self.app = app
        self.config = config
        self.stop_event = threading.Event()
        self.times = StageTimes()
        self.app_name = type(app).__name__

    def run(self) -> int:
        _logbridge.start()
        previous_handlers = _install_signal_handlers(self.stop_event)
        sources = outputs = live = None
        try:
            interface = self._interface()
            try:
                params = build_parameters(interface.get("parameters", ()), self.config.params)
                sources = StreamSet(self.config)
            except ValueError as exc:  # bad --param, bad interface, bad camera options
                raise RunStopped(EXIT_USAGE, str(exc)) from None
            sources.start()
            live = live_stats.start(self.times, sources, lambda: outputs)  # None unless supervised
            current = self._first_media(sources)
            inputs = ports(video_in=port(current, "video_in"))
            outs = ports(video_out=port(current, "video_out"))
            outputs = OutputSet(self.config, len(current), [sources.fps_hint(i) for i in range(len(current))],
                                drop_when_full=not sources.ordered)
            self._call_init(params, inputs, outs)
            self.times.start_loop()
            self._loop(sources, outputs, inputs, outs, current)
            return EXIT_OK
        finally:
            if live is not None:
                live.stop()
            if outputs is not None:
                outputs.close()
            if sources is not None:
                sources.stop()
            for sig, handler in previous_handlers:
                signal.signal(sig, handler)
            if sources is not None and (self.config.stats or os.environ.get(run_stats.STATS_JSON_ENV)):
                run_stats.report(run_stats.collect(self.times, sources.uris, sources.stats(),
                                                   outputs.stats() if outputs is not None else []),
                                 print_summary=self.config.stats)
            _logbridge.flush()

    def _interface(self) -> dict:
        interface = self.app.interface() if hasattr(self.app, "interface") else {}
        if not isinstance(interface, dict):
            raise RunStopped(EXIT_USAGE, f"{self.app_name}.interface() returned {type(interface).__name__}, "
                                         "expected a dict with 'parameters', 'inputs', 'outputs'")
        return interface

    def _first_media(self, sources: StreamSet) -> list:
        ready, failures = sources.wait_first(self.config.first_frame_timeout_s)
        for message in failures.values():
            log.error("%s", message)
        if failures and (len(failures) == len(ready) or self.config.strict):
            raise RunStopped(EXIT_APP_FAILED, "; ".join(failures[i] for i in sorted(failures)))
        frames = sources.next_set(0.0) if any(ready) else []
        # The first set may be empty when frames raced the wait; placeholders fill in either way.
        current = []
        for i, uri in enumerate(sources.uris):
            frame = frames[i] if frames and frames[i] is not None else None
            if frame is None:
                frame = core.Frame.black(*sources.size_hint(i))
                log.warning("camera %s has not delivered yet: black frames until it does", uri)
            current.append(media(frame, uri))
        self._pending_first = bool(frames) and any(f is not None for f in frames)
        return current

    def _call_init(self, params, inputs, outs) -> None:
        try:
            ok = self.app.init(params, inputs, outs)
        except Exception as exc:  # the app's own failure: logged with its traceback, never re-raised
            log.error("%s.init() raised:\n%s", self.app_name, traceback.format_exc().rstrip())
            raise RunStopped(EXIT_APP_FAILED, f"{self.app_name}.init() failed: {type(exc).__name__}: {exc}") from None
        if ok is False:
            raise RunStopped(EXIT_APP_FAILED, f"{self.app_name}.init() returned False")

    def _loop(self, sources, outputs, inputs, outs, current) -> None:
        limit = self.config.frames
        have_set = self._pending_first
        entry_failures = 0
        while not self.stop_event.is_set():
            if not have_set:
                t0 = time.perf_counter()
                frames = sources.next_set(0.25)
                self.times.wait_s += time.perf_counter() - t0
                if frames is None:
                    log.info("all sources ended after %d frame sets", self.times.frame_sets)
                    return
                if not frames:
                    continue
                for i, frame in enumerate(frames):
                    if frame is not None:
                        current[i] = media(frame, sources.uris[i])
            have_set = False
            inputs.video_in[:] = current
            outs.video_out[:] = current
            t1 = time.perf_counter()
            ok = self._call_entry(inputs, outs)
            t2 = time.perf_counter()
            self.times.entry_s += t2 - t1
            if not ok:
                entry_failures += 1
                if self.config.strict:
                    raise RunStopped(EXIT_APP_FAILED, f"{self.app_name}.entry() failed (--strict)")
            self._deliver(outputs, outs, inputs)
            self.times.output_s += time.perf_counter() - t2
            self.times.frame_sets += 1
            if limit is not None and self.times.frame_sets >= limit:
                log.info("frame limit reached: %d frame sets", limit)
                return

    def _call_entry(self, inputs, outs) -> bool:
        try:
            result = self.app.entry(inputs, outs)
        except Exception:
            log.error("%s.entry() raised (frame set %d); continuing with the next frame set:\n%s",
                      self.app_name, self.times.frame_sets, traceback.format_exc().rstrip())
            return False
        if result is False:
            log.warning("%s.entry() returned False (frame set %d)", self.app_name, self.times.frame_sets)
            return False
        return True

    def _deliver(self, outputs: OutputSet, outs, inputs) -> None:
        slots = outs.video_out
        for i in range(outputs.count):
            item = slots[i] if i < len(slots) else None
            if not isinstance(item, media):
                log.error("outputs.video_out[%d] holds %s, not a media: passing the input through",
                          i, type(item).__name__)
                item = inputs.video_in[i]
            outputs.submit(i, item)
