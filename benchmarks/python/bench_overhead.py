"""The runtime's own cost per frame and stream: `panorama run` of an application whose entry() does
nothing, on a source whose frames cost next to nothing to make (a 64x48 H.264 file, thousands of frames a
second), against that source read alone through the media API (a StreamGroup loop, the baseline).

Two figures per stream count:
- busy time (the goal's figure): the Python loop's own time per frame set outside the wait for frames
  (the runtime's figures: frame hand-over, media objects, ports, entry() call, output hand-off).
- rate difference: 1/(run frames/s) - 1/(source frames/s), what the runtime adds to the wall time of a
  frame. It is often negative: the bare loop waits for every frame and pays a thread wake-up each time
  (tens of microseconds on a busy 2-core VM), while the runtime's busier loop finds frames already
  queued. So it bounds the overhead that decoding does not hide, not the overhead itself.
Both are divided by the stream count. testsrc:// is paced at 240 frames/s at most: too slow to show
microseconds, hence the file."""
from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

from benchlib import NOOP_APP, Result, Row, cli, describe, goal_line, panorama_run, tiny_clip
from benchlib.timing import fastest_round_robin
from panoramasdk._native import core

STREAMS = (1, 4)
GOAL_US = 50.0


def source_alone_seconds(clip: Path, streams: int, frames: int) -> float:
    options = core.StreamOptions()
    options.uri = str(clip)
    t0 = time.perf_counter()
    group = core.StreamGroup([core.Stream(options) for _ in range(streams)], True)
    group.start()
    n = 0
    try:
        while (frame_set := group.next_set(10.0)) is not None:
            n += sum(1 for f in frame_set if f is not None)
    finally:
        group.stop()
    seconds = time.perf_counter() - t0
    if n != frames * streams:
        raise RuntimeError(f"the media API delivered {n} frames of {streams} x {clip.name}, "
                           f"expected {frames * streams}")
    return seconds


def app_seconds(clip: Path, streams: int, work_dir: Path, runs: list) -> float:
    """One `panorama run` of the no-op app; its RunStats go to `runs`."""
    runs.append(panorama_run(NOOP_APP, [clip] * streams, work_dir))
    return runs[-1].run_s  # like the source alone: from opening the streams to the last frame


def run(quick: bool = False) -> Result:
    frames = 2000 if quick else 20000
    repeat = 1 if quick else 3
    clip = tiny_clip(frames)
    result = Result("overhead", "Runtime overhead per frame: panorama run of a no-op app vs the source alone")
    goals = {}
    with tempfile.TemporaryDirectory() as tmp:
        work_dir = Path(tmp)
        for streams in STREAMS:
            s = f"{streams} stream{'s' if streams > 1 else ''}"
            source, app = f"source alone (media API loop), {s}", f"panorama run, no-op app, {s}"
            runs: list = []
            best = fastest_round_robin({source: partial(source_alone_seconds, clip, streams, frames),
                                        app: partial(app_seconds, clip, streams, work_dir, runs)}, repeat)
            source_fps, app_fps = frames / best[source], frames / best[app]
            st = min(runs, key=lambda r: r.run_s)
            busy = st.per_frame_set_us(st.loop_s - st.wait_s) / streams
            difference = 1e6 * (1 / app_fps - 1 / source_fps) / streams
            goals[streams] = (difference, busy)
            result.rows.append(Row(source, source_fps, source, {"streams": streams}))
            result.rows.append(Row(app, app_fps, source, {
                "streams": streams,
                "rate difference us/frame/stream": difference,
                "busy us/frame/stream": busy,
                "entry() us": st.per_frame_set_us(st.entry_s),
                "output hand-off us": st.per_frame_set_us(st.output_s)}))
    result.notes.append(f"input: {describe(clip)}, the same file for every stream; best of {repeat} runs, "
                        "round robin; frames/s counts frame sets (one frame of each stream)")
    for n, (difference, busy) in goals.items():
        streams = f"{n} stream{'s' if n > 1 else ''}"
        result.notes.append(goal_line(f"busy time per frame and stream, {streams}", busy, GOAL_US, unit=" us",
                                      higher_is_better=False))
        why = " (negative: the runtime outran the bare loop, see bench_overhead.py)" if difference < 0 else ""
        result.notes.append(f"rate difference per frame and stream, {streams}: {difference:.3g} us{why}")
    return result


if __name__ == "__main__":
    raise SystemExit(cli.main(run))
