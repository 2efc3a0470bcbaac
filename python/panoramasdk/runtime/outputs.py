"""The output side of a run: one native OutputChain per output slot (overlay, recording, live view)."""
from __future__ import annotations

import logging
from pathlib import Path

from .._native import core
from .config import RunConfig

log = logging.getLogger("panoramasdk.runtime")


def record_path_for(record: str, index: int, count: int) -> str:
    """One file per output: PATH.mp4 for a single output, PATH-0.mp4, PATH-1.mp4, ... for several."""
    if count == 1:
        return record
    path = Path(record)
    return str(path.with_name(f"{path.stem}-{index}{path.suffix or '.mp4'}"))


class OutputSet:
    """Composes and delivers each output slot's media. Without --record or --view nothing is drawn: the
    overlays are dropped and no frame is copied."""

    def __init__(self, config: RunConfig, count: int, fps_hints: list, drop_when_full: bool):
        self.count = count
        self.chains: list = [None] * count
        # The frame each slot output last: a repeat (another stream moved on) is no latency sample.
        self._last_frames: list = [None] * count
        self.view_server = None
        self.enabled = bool(config.record or config.view)
        if not self.enabled:
            return
        from ..output.fonts import default_font_path

        font = default_font_path()
        for i in range(count):
            options = core.OutputOptions()
            options.name = f"video_out[{i}]"
            options.fps = float(fps_hints[i])
            options.record_path = record_path_for(config.record, i, count) if config.record else ""
            options.preset = config.record_preset
            options.view = bool(config.view)
            options.drop_when_full = drop_when_full
            options.font_path = font
            self.chains[i] = core.OutputChain(options)
            if options.record_path:
                log.info("recording video_out[%d] to %s", i, options.record_path)
        if config.view:
            from ..output.view_server import ViewServer

            host, port = config.view
            self.view_server = ViewServer(host, port)
            for i, chain in enumerate(self.chains):
                self.view_server.add_output(i, chain)
            self.view_server.start()
            bound_host, bound_port = self.view_server.address
            log.info("live view at http://%s:%d/", bound_host, bound_port)

    def submit(self, index: int, media) -> None:
        rects, labels = media._take_overlays()
        chain = self.chains[index]
        if chain is None:
            return
        seconds, micros = media.time_stamp
        fresh = media._frame is not self._last_frames[index]
        self._last_frames[index] = media._frame
        # The time stamp is the frame's decode wall clock: the chain measures decode-to-output latency.
        stamp = seconds * 1_000_000 + micros
        frame = media._frame
        if frame.on_device and not frame.downloaded:
            # Never downloaded by the application: the chain draws on the GPU, only if a sink needs it.
            chain.submit_frame(frame, rects, labels, stamp, fresh)
        else:
            chain.submit(media.image, rects, labels, stamp, fresh)

    def close(self) -> None:
        for chain in self.chains:
            if chain is not None:
                chain.close()
        if self.view_server is not None:
            self.view_server.stop()

    def stats(self) -> list:
        """Per output slot: the chain's stats() dict (frame counts, overlay_s / encode_s / jpeg_s, decode-to-output
        latency_p50_us / _p99_us / _max_us); {} for a slot nothing is drawn for (no --record or --view)."""
        return [chain.stats() if chain is not None else {} for chain in self.chains]
