"""The end-of-run figures behind ``--stats``: where the loop's time went, which decoder each camera used
(nvdec or libavcodec) and what it delivered and dropped, which engine ran each model (and why), what
each output did (overlay and encode time, decode-to-output latency), and what crossed between host and GPU
(whole frames apart: the GPU path moves none unless the application reads ``media.image``).

``--stats`` logs them as a few lines. When the environment variable ``PANORAMA_STATS_JSON`` names a file,
the same figures are also written there as JSON (the benchmarks read it), with or without ``--stats``.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from .._native import core
from .live_stats import model_stats

log = logging.getLogger("panoramasdk.runtime")

STATS_JSON_ENV = "PANORAMA_STATS_JSON"
MODEL_KEYS = ("name", "batch_size", "engine", "engine_detail", "engine_reason", "inferences", "inference_mean_ms",
              "batch_fill")
STREAM_KEYS = ("decoder", "frames_decoded", "frames_delivered", "frames_dropped", "decode_errors", "reconnects",
               "fps")


def collect(times, uris: list, stream_stats: list, output_stats: list) -> dict:
    """One dict with the loop's stage times (seconds, totals), per-camera and per-output figures."""
    return {
        "frame_sets": times.frame_sets,
        "wall_s": times.elapsed_s(),  # start-up, init() and the final flush of the outputs included
        "loop_s": times.loop_elapsed_s(),  # first entry() to the outputs' last frame
        "loop_cpu_s": times.loop_cpu_s(),  # CPU time of every thread meanwhile
        "wait_s": times.wait_s,
        "entry_s": times.entry_s,
        "output_s": times.output_s,
        "streams": [dict(uri=uri, **{k: s.get(k) for k in STREAM_KEYS}) for uri, s in zip(uris, stream_stats)],
        "outputs": [dict(s) for s in output_stats],
        "models": [{k: m.get(k) for k in MODEL_KEYS} for m in model_stats()],
        # The process's counts: this run's, as `panorama run` is one run a process.
        "host_device_copies": dict(core.host_device_copy_counts()),
    }


def _ms(seconds: float, frames: int) -> str:
    return f"{1e3 * seconds / frames:.2f} ms" if frames else "-"


def summary_lines(stats: dict) -> list:
    """Human-readable lines: the loop, then one per camera, then one per output that drew anything."""
    n = stats["frame_sets"]
    wall, loop = stats["wall_s"], stats["loop_s"]
    cores = stats["loop_cpu_s"] / loop if loop else 0.0
    lines = [f"{n} frame sets in {wall:.2f} s, {loop:.2f} s after init() ({n / loop if loop else 0:.1f}/s, "
             f"{cores:.2f} cores busy); per frame set: wait for frames {_ms(stats['wait_s'], n)}, "
             f"entry() {_ms(stats['entry_s'], n)}, "
             f"output hand-off {_ms(stats['output_s'], n)}"]
    for i, s in enumerate(stats["streams"]):
        lines.append(f"camera {i} {s['uri']}: decoder {s['decoder'] or '-'}, {s['frames_decoded']} decoded, "
                     f"{s['frames_delivered']} delivered, {s['frames_dropped']} dropped (newest-frame policy)")
    for m in stats.get("models", []):
        why = f" ({m['engine_reason']})" if m["engine_reason"] else ""
        lines.append(f"model '{m['name']}': engine {m['engine']}{why}, {m['engine_detail']}; {m['inferences']} "
                     f"batches of {m['batch_size']}, {m['inference_mean_ms']:.2f} ms each, "
                     f"fill {m['batch_fill']:.2f}")
    copies = stats.get("host_device_copies") or {}
    if copies.get("host_to_device") or copies.get("device_to_host"):
        lines.append(f"GPU transfers: {copies['frames_device_to_host']} whole frames to the host, "
                     f"{copies['frames_host_to_device']} to the GPU; all copies {copies['device_to_host']} down "
                     f"({copies['device_to_host_bytes'] / 1e6:.1f} MB), {copies['host_to_device']} up "
                     f"({copies['host_to_device_bytes'] / 1e6:.1f} MB)")
    for i, o in enumerate(stats["outputs"]):
        if not o:
            continue
        composed = o["frames_composed"]
        encode = f", H.264 encode {_ms(o['encode_s'], o['frames_encoded'])}" if o["frames_encoded"] else ""
        lines.append(f"video_out[{i}]: {composed} frames drawn, {o['frames_encoded']} encoded, "
                     f"{o['frames_dropped']} dropped; per frame: overlay {_ms(o['overlay_s'], composed)}{encode}; "
                     f"decode to output (ms, {o['latency_count']} frames): p50 {o['latency_p50_us'] / 1e3:.1f}, "
                     f"p99 {o['latency_p99_us'] / 1e3:.1f}, max {o['latency_max_us'] / 1e3:.1f}")
    return lines


def report(stats: dict, print_summary: bool) -> None:
    """Logs the summary when asked (--stats) and writes the JSON file that PANORAMA_STATS_JSON names."""
    if print_summary:
        for line in summary_lines(stats):
            log.info("%s", line)
    path = os.environ.get(STATS_JSON_ENV)
    if path:
        try:
            Path(path).write_text(json.dumps(stats, indent=1))
        except OSError as exc:
            log.error("%s=%s: cannot write the run's figures: %s", STATS_JSON_ENV, path, exc)
