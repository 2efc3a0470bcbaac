"""The camera side of a run: one native Stream per camera, grouped into frame sets."""
from __future__ import annotations

import logging
import time

from .._native import core
from .config import CameraSpec, RunConfig

log = logging.getLogger("panoramasdk.runtime")

LIVE_SCHEMES = ("rtsp://", "rtsps://", "testsrc://")
# Errors that retrying will not cure: the runner reports them instead of waiting out the timeout.
PERMANENT_ERRORS = ("auth", "not_found", "unsupported", "invalid_argument", "decode")
DEFAULT_SIZE = (1280, 720)


def is_live_uri(uri: str) -> bool:
    return uri.startswith(LIVE_SCHEMES)


def decode_device(device: str) -> str:
    """The streams' decode_device for the run's device: the CPU decodes for "cpu"; "cuda" and "auto" decode on
    NVDEC when it is usable and takes the stream, else on the CPU (the stats say which: decode is not the engine,
    so "cuda" does not fail for it)."""
    return "cpu" if device == "cpu" else "auto"


def stream_options(camera: CameraSpec, config: RunConfig) -> core.StreamOptions:
    options = core.StreamOptions()
    options.uri = camera.uri
    options.username = camera.username
    options.password = camera.password
    options.transport = config.transport
    options.realtime = config.realtime
    options.stall_timeout_s = config.stall_timeout_s
    options.decode_device = decode_device(config.device)
    return options


class StreamSet:
    """The run's cameras: native streams, their unique display URIs, and the frame-set group.

    Files that are not paced (no --realtime) deliver every frame in order; anything live keeps the newest
    frame per stream.
    """

    def __init__(self, config: RunConfig):
        if not config.cameras:
            raise ValueError("no camera: give at least one --camera URI (rtsp://..., a video file, or testsrc://)")
        self.streams = [core.Stream(stream_options(c, config)) for c in config.cameras]
        self.ordered = not config.realtime and not any(is_live_uri(c.uri) for c in config.cameras)
        self.group = core.StreamGroup(self.streams, self.ordered)
        self.uris = self._unique_uris([s.display_uri for s in self.streams])

    @staticmethod
    def _unique_uris(uris: list) -> list:
        # Two cameras may differ only by credentials: their redacted URIs must still differ.
        seen: dict = {}
        out = []
        for uri in uris:
            count = seen.get(uri, 0)
            seen[uri] = count + 1
            out.append(uri if count == 0 else f"{uri}#{count + 1}")
        return out

    def start(self) -> None:
        self.group.start()

    def stop(self) -> None:
        self.group.stop()

    def wait_first(self, timeout_s: float) -> tuple:
        """Waits up to timeout_s for every stream's first frame, returning early when the streams still
        waiting have failed for good. Returns (ready flags, {index: error message} for failed streams)."""
        deadline = time.monotonic() + timeout_s
        while True:
            ready = list(self.group.wait_first(min(0.2, max(0.0, deadline - time.monotonic()))))
            failures = {}
            for i, stream in enumerate(self.streams):
                if ready[i]:
                    continue
                stats = stream.stats()
                if stats["last_error_code"] in PERMANENT_ERRORS or stats["state"] in ("ended", "error"):
                    failures[i] = stats["last_error"] or f"camera {self.uris[i]}: {stats['state']}"
            waiting = [i for i in range(len(ready)) if not ready[i] and i not in failures]
            if not waiting or time.monotonic() >= deadline:
                for i in waiting:
                    stats = self.streams[i].stats()
                    failures[i] = stats["last_error"] or f"camera {self.uris[i]}: no frame within {timeout_s:g} s"
                return ready, failures

    def next_set(self, timeout_s: float):
        return self.group.next_set(timeout_s)

    def size_hint(self, index: int) -> tuple:
        stats = self.streams[index].stats()
        if stats["width"] > 0 and stats["height"] > 0:
            return stats["width"], stats["height"]
        return DEFAULT_SIZE

    def fps_hint(self, index: int, default: float = 25.0) -> float:
        fps = self.streams[index].stats().get("nominal_fps", 0) or 0
        return float(fps) if 1 <= fps <= 240 else default

    def stats(self) -> list:
        return [s.stats() for s in self.streams]
