"""N live cameras at once: N = 1, 2, 4, 8 copies of a 30 frames/s 720p or 1080p clip played as live cameras
(`panorama run --realtime`: each file is paced at its own rate and keeps only its newest frame, like an
RTSP camera), a no-op application, and the live-view output on (each frame copied to its output and
drawn; no viewer, so no JPEG). Per N: the frames/s delivered to the application over all streams, the
frames dropped by the newest-frame policy, and the latency from each frame's decode to its output
(p50 over the streams' medians, p99 and max of the worst stream).

Ideal scaling is N x the single stream's rate until the CPU saturates; past that the newest-frame policy
must drop frames rather than let queues, and so latency, grow."""
from __future__ import annotations

import os
import statistics

from benchlib import NOOP_APP, Result, Row, cli, describe, goal_line, pedestrians_1080p
from e2e_stages import Timed, panorama_run

FPS = 30
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def _plan(quick: bool) -> tuple:
    """(sizes, stream counts, seconds of video per run)."""
    if quick:
        return ("720p",), (1, 2), 2
    return ("720p", "1080p"), (1, 2, 4, 8), 10


def _figures(run: Timed) -> dict:
    stats = run.extra["stats"]
    streams, outputs = stats["streams"], [o for o in stats["outputs"] if o]
    delivered = sum(s["frames_delivered"] for s in streams)
    decoded = sum(s["frames_decoded"] for s in streams)
    return {
        "fps": delivered / run.wall_s,
        # Had every decoded frame been queued for the app (served at the rate it was), the last would have
        # waited this long.
        "queued_ms": 1e3 * run.wall_s * max(0.0, decoded / delivered - 1) if delivered else 0.0,
        "load": os.getloadavg()[0],
        "decoded": decoded,
        "dropped": sum(s["frames_dropped"] for s in streams) + sum(o["frames_dropped"] for o in outputs),
        "p50": statistics.median(o["latency_p50_us"] for o in outputs) / 1e3,
        "p99": max(o["latency_p99_us"] for o in outputs) / 1e3,
        "max": max(o["latency_max_us"] for o in outputs) / 1e3,
        "cores": run.cores,
    }


def run(quick: bool = False) -> Result:
    sizes, counts, seconds = _plan(quick)
    result = Result("streams", f"N live cameras ({FPS} frames/s each), no-op app, newest-frame policy")
    series: dict = {}
    for size in sizes:
        width, height = SIZES[size]
        clip = pedestrians_1080p(FPS * seconds, fps=FPS, width=width, height=height)
        result.notes.append(f"{size}: {describe(clip)}")
        single = None
        for n in counts:
            figures = _figures(panorama_run(NOOP_APP, [clip] * n, "--realtime", "--view", "127.0.0.1:0"))
            single = single or figures["fps"]
            ideal = n * single
            name = f"{size} x {n}"
            result.rows.append(Row(name, figures["fps"], f"{size} x {counts[0]}", {
                "of ideal": figures["fps"] / ideal, "dropped": figures["dropped"], "decoded": figures["decoded"],
                "p50 latency ms": figures["p50"], "p99 latency ms": figures["p99"], "max latency ms": figures["max"],
                "cores busy": figures["cores"], "machine load": figures["load"]}))
            series.setdefault(size, []).append((n, figures))
        for n, figures in series[size]:
            if n in (2, 4):
                result.notes.append(goal_line(f"{size}: {n} streams' frames/s / ({n} x one stream's)",
                                              figures["fps"] / (n * single), 0.9))
        n, f = max(series[size], key=lambda point: point[1]["dropped"])
        bounded = f["max"] < 0.5 * f["queued_ms"] if f["queued_ms"] else None
        result.notes.append(
            f"{size} x {n}, where the streams outran the machine most ({f['dropped']} of {f['decoded']} frames "
            f"dropped): decode-to-output p99 {f['p99']:.0f} ms, max {f['max']:.0f} ms, against "
            f"{f['queued_ms']:.0f} ms had every frame been queued: "
            + ("bounded, the newest-frame policy dropped instead of queueing." if bounded else
               "NOT clearly bounded by this test." if bounded is False else "nothing was dropped."))
    result.notes.append("The machine is shared with other work and has 2 cores: 'cores busy' is this run's own "
                        "CPU (all threads) over its wall time; 'machine load' the 1-minute load average at its "
                        "end. A load above 2 means others took CPU the streams needed.")
    result.plot = lambda ax: _plot(ax, series)
    return result


def _plot(ax, series: dict) -> None:
    """Frames/s against N (solid, left axis) and p99 latency against N (dashed, right axis)."""
    latency_ax = ax.twinx()
    for size, points in series.items():
        ns = [n for n, _ in points]
        line = ax.plot(ns, [f["fps"] for _, f in points], "o-", label=f"{size} frames/s")[0]
        ax.plot(ns, [n * points[0][1]["fps"] for n in ns], ":", color=line.get_color(), label=f"{size} ideal")
        latency_ax.plot(ns, [f["p99"] for _, f in points], "s--", color=line.get_color(), alpha=0.6,
                        label=f"{size} p99 latency")
    ax.set_xlabel("streams (N)")
    ax.set_ylabel("frames/s delivered, all streams")
    latency_ax.set_ylabel("decode-to-output p99 latency (ms)")
    latency_ax.set_ylim(bottom=0)
    ax.set_xscale("log", base=2)
    counts = sorted({n for points in series.values() for n, _ in points})
    ax.set_xticks(counts, [str(n) for n in counts])
    ax.legend(loc="upper left", fontsize=8)
    latency_ax.legend(loc="lower right", fontsize=8)


if __name__ == "__main__":
    raise SystemExit(cli.main(run))
