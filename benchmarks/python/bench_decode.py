"""Decoding the 1080p camera-like clip to BGR frames: our source + decoder against the ffmpeg command line
(`ffmpeg -threads N -i FILE -pix_fmt bgr24 -f null -`, the baseline) and PyAV, same file, same decoder
thread count. Ours is measured twice: the media API alone (`_core.Stream` in a StreamGroup, frames handed
to Python as numpy views) and `panorama run` of a no-op application (the whole runtime loop)."""
from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

import av
from benchlib import NOOP_APP, Result, Row, best_of, cli, describe, goal_line, panorama_run, pedestrians_1080p
from benchlib.clips import make_media
from benchlib.timing import fastest_round_robin, run_timed
from panoramasdk._native import core

THREADS = (1, 2)


def ffmpeg_seconds(clip: Path, threads: int, pix_fmt: str) -> float:
    return run_timed([make_media.ffmpeg_binary(), "-hide_banner", "-nostats", "-threads", str(threads),
                      "-i", clip, "-map", "0:v:0", "-pix_fmt", pix_fmt, "-f", "null", "-"])


def pyav_seconds(clip: Path, threads: int, frames: int) -> float:
    t0 = time.perf_counter()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.thread_count = threads
        n = sum(1 for frame in container.decode(stream) if frame.to_ndarray(format="bgr24") is not None)
    seconds = time.perf_counter() - t0
    if n != frames:
        raise RuntimeError(f"PyAV decoded {n} frames of {clip.name}, expected {frames}")
    return seconds


def media_api_seconds(clip: Path, threads: int, frames: int) -> float:
    """Every frame in order through a StreamGroup, as the runtime reads a file camera."""
    options = core.StreamOptions()
    options.uri = str(clip)
    options.decoder_threads = threads
    t0 = time.perf_counter()
    group = core.StreamGroup([core.Stream(options)], True)
    group.start()
    n = 0
    try:
        while (frames_set := group.next_set(10.0)) is not None:
            for frame in frames_set:
                if frame is not None:
                    frame.array()  # the BGR pixels as numpy, as media.image hands them over
                    n += 1
    finally:
        group.stop()
    seconds = time.perf_counter() - t0
    if n != frames:
        raise RuntimeError(f"the media API delivered {n} frames of {clip.name}, expected {frames}")
    return seconds


def run(quick: bool = False) -> Result:
    frames = 60 if quick else 600
    repeat = 1 if quick else 3
    clip = pedestrians_1080p(frames)
    result = Result("decode", f"Decode: 1080p H.264 to BGR frames ({frames} frames)")
    with tempfile.TemporaryDirectory() as tmp:
        work_dir = Path(tmp)
        for threads in THREADS:
            t = f"{threads} thread{'s' if threads > 1 else ''}"
            baseline = f"ffmpeg -pix_fmt bgr24 -f null, {t}"
            best = fastest_round_robin({
                baseline: partial(ffmpeg_seconds, clip, threads, "bgr24"),
                f"ffmpeg -f null (yuv420p, no conversion), {t}": partial(ffmpeg_seconds, clip, threads, "yuv420p"),
                f"PyAV to_ndarray(bgr24), {t}": partial(pyav_seconds, clip, threads, frames),
                f"ours: media API (Stream + StreamGroup), {t}": partial(media_api_seconds, clip, threads, frames),
            }, repeat)
            for name, seconds in best.items():
                result.rows.append(Row(name, frames / seconds, baseline,
                                       {"threads": threads, "ms/frame": 1e3 * seconds / frames}))
        run_stats = best_of(repeat, lambda: panorama_run(NOOP_APP, [clip], work_dir).run_s)
        result.rows.append(Row("ours: panorama run, no-op app, decoder threads auto", frames / run_stats,
                               "ffmpeg -pix_fmt bgr24 -f null, 2 threads",
                               {"threads": "auto", "ms/frame": 1e3 * run_stats / frames}))
    result.notes += [
        f"input: {describe(clip)}",
        f"best of {repeat} runs each, taken round robin; ffmpeg and PyAV decode with their own thread "
        "pools (frame threads); the ffmpeg command line includes its process start (about 20 ms)",
        "panorama run is timed by the runtime's own figures, from opening the file to the last frame (no "
        "interpreter start-up or imports)",
    ]
    for threads in THREADS:
        t = f"{threads} thread{'s' if threads > 1 else ''}"
        ours = result.row(f"ours: media API (Stream + StreamGroup), {t}")
        result.notes.append(goal_line(f"ours vs ffmpeg bgr24, {t}", result.ratio(ours), 0.9))
    return result


if __name__ == "__main__":
    raise SystemExit(cli.main(run))
