"""End to end on one stream: the guide's people counter (examples/people_counter/app.py, unchanged) through
`panorama run`, every frame of a file in order, recording its output, against

- each of its stages alone, measured in the same run on the same frames: our decoder delivering BGR
  frames, the app's preprocessing (the guide's numpy code), inference (an onnxruntime session with the
  runtime's own options and threads), and overlay + H.264 encoding (the output chain fed decoded frames
  with the people counter's boxes and labels). The pipeline overlaps them, so at best it runs at the
  slowest stage's rate; the goal is >= 90% of it.
- the plain loop a user writes without the runtime: cv2.VideoCapture read, the same preprocessing,
  session.run, cv2.rectangle/putText, cv2.VideoWriter, one after the other. Overlapping can at best hide
  every step but the slowest, so the ideal speed-up is the loop's time per frame over its slowest step;
  the goal is >= 90% of that ideal.

The machine has few cores: every stage alone may use all of them (decoder and encoder threads, the
inference thread pool), so the notes also give the CPU time per frame of each stage and the rate the
cores allow when the stages share them."""
from __future__ import annotations

import os
from pathlib import Path

from benchlib import Result, Row, bench_dir, cli, describe, goal_line, pedestrians_1080p, probe
from benchlib.clips import PEDESTRIANS
from e2e_stages import (
    Timed,
    decode_alone,
    detections,
    guide_preprocess,
    inference_session,
    overlay_encode_alone,
    overlays,
    people_counter_run,
    plain_loop,
    repeat_timed,
)

PIPELINE = "panorama run, people counter"
PLAIN = "plain OpenCV + onnxruntime loop"
KEPT_FRAMES = 8  # decoded frames the stages alone cycle through


def _clips(quick: bool) -> list:
    """(label, clip, frames) to measure: the pedestrian clip as recorded (768x576) and stretched to 1080p."""
    if quick:
        return [("576p", PEDESTRIANS, 12)]
    return [("1080p", pedestrians_1080p(300), 300), ("576p", PEDESTRIANS, 300)]


def _latency_columns(run: Timed) -> dict:
    out = run.extra["stats"]["outputs"][0]
    return {"p50 latency ms": out["latency_p50_us"] / 1e3, "p99 latency ms": out["latency_p99_us"] / 1e3}


def _stage_row(name: str, t: Timed, is_baseline: bool) -> Row:
    return Row(name, t.fps, name if is_baseline else None,
               {"ms/frame": 1e3 / t.fps, "CPU ms/frame": t.cpu_ms, "cores busy": t.cores})


def measure(label: str, clip: Path, frames: int, out_dir: Path) -> tuple:
    """Rows and notes for one clip."""
    fps = probe(clip)["fps"] or 25.0
    pipeline = people_counter_run(clip, frames, out_dir / f"{label}-people-counter.mp4")
    fast = people_counter_run(clip, frames, out_dir / f"{label}-people-counter-fast.mp4", fast=True)
    decode, images = decode_alone(clip, frames, keep=KEPT_FRAMES)
    app_preprocess = guide_preprocess()
    preprocess = repeat_timed(app_preprocess, images, frames)
    session = inference_session()
    input_name = session.get_inputs()[0].name
    tensors = [app_preprocess(image) for image in images]
    inference = repeat_timed(lambda tensor: session.run(None, {input_name: tensor}), tensors, frames)
    drawn = overlays(detections(session.run(None, {input_name: tensors[-1]})))
    output = overlay_encode_alone(images, drawn, frames, out_dir / f"{label}-overlay-only.mp4", fps)
    loop = plain_loop(clip, frames, out_dir / f"{label}-plain-loop.mp4")

    threads = session.get_session_options().intra_op_num_threads
    stages = {"decode alone (ours, BGR frames)": decode,
              "preprocess alone (the app's numpy code)": preprocess,
              f"inference alone (onnxruntime, {threads} threads)": inference,
              "overlay + H.264 encode alone": output}
    slowest = min(stages, key=lambda name: stages[name].fps)
    speedup = pipeline.fps / loop.total.fps
    loop_ms = {name: 1e3 * s / loop.total.frames for name, s in loop.stage_s.items()}
    loop_slowest = max(loop_ms, key=loop_ms.get)
    ideal = sum(loop_ms.values()) / loop_ms[loop_slowest]
    rows = [Row(f"{label}: {PIPELINE}", pipeline.fps, f"{label}: {slowest}",
                {"ms/frame": 1e3 / pipeline.fps, "CPU ms/frame": pipeline.cpu_ms, "cores busy": pipeline.cores,
                 **_latency_columns(pipeline), "speed-up vs plain loop": speedup}),
            Row(f"{label}: {PIPELINE}, fast path (app_fast.py)", fast.fps, f"{label}: {slowest}",
                {"ms/frame": 1e3 / fast.fps, "CPU ms/frame": fast.cpu_ms, "cores busy": fast.cores,
                 **_latency_columns(fast), "speed-up vs plain loop": fast.fps / loop.total.fps})]
    rows += [_stage_row(f"{label}: {name}", t, name == slowest) for name, t in stages.items()]
    rows.append(Row(f"{label}: {PLAIN}", loop.total.fps, None,
                    {"ms/frame": 1e3 / loop.total.fps, "CPU ms/frame": loop.total.cpu_ms,
                     "cores busy": loop.total.cores, "ideal speed-up": ideal}))

    cores = os.cpu_count() or 1
    cpu_sum = sum(t.cpu_ms for t in stages.values())
    out = pipeline.extra["stats"]["outputs"][0]
    overlay_ms = 1e3 * out["overlay_s"] / max(out["frames_composed"], 1)
    encode_ms = 1e3 * out["encode_s"] / max(out["frames_encoded"], 1)
    notes = [
        f"{label}: {describe(clip)}; {pipeline.frames} frames, every one in order (no --realtime).",
        goal_line(f"{label} pipeline / slowest stage alone ({slowest})", pipeline.fps / stages[slowest].fps, 0.9),
        goal_line(f"{label} speed-up over the plain loop / its ideal {ideal:.2f}x", speedup / ideal, 0.9),
        f"{label} fast path (app_fast.py: model.batch(0, media), no numpy preprocessing, no double buffering): "
        f"{fast.fps:.1f} frames/s, {fast.fps / stages[slowest].fps:.2f}x the slowest stage alone, "
        f"{fast.fps / loop.total.fps / ideal:.2f} of the plain loop's ideal speed-up.",
        f"{label} plain loop, ms per frame: " + ", ".join(f"{k} {v:.1f}" for k, v in loop_ms.items()) +
        f" (slowest: {loop_slowest}; its writer is mp4v, cheaper than our H.264; its session has onnxruntime's "
        "default options, whose spinning threads fight the other work on a busy machine).",
        f"{label} what saturates: the stages alone need {cpu_sum:.1f} CPU ms a frame together, so {cores} cores "
        f"allow at most {1e3 * cores / cpu_sum:.1f} frames/s when they share them; the pipeline kept "
        f"{pipeline.cores:.2f} of {cores} cores busy ({pipeline.cpu_ms:.1f} CPU ms a frame).",
        f"{label} pipeline output thread per frame: overlay {overlay_ms:.2f} ms, H.264 encode {encode_ms:.2f} ms; "
        f"decode to output "
        f"p50 {out['latency_p50_us'] / 1e3:.1f} ms, p99 {out['latency_p99_us'] / 1e3:.1f} ms, "
        f"max {out['latency_max_us'] / 1e3:.1f} ms (a file played in order waits in the decode-ahead queue: "
        "latency is that queue's depth times the frame time, not a live camera's).",
    ]
    return rows, notes


def run(quick: bool = False) -> Result:
    result = Result("e2e", "End to end: the people counter on one stream vs its stages alone and a plain loop")
    out_dir = bench_dir() / "e2e"
    out_dir.mkdir(parents=True, exist_ok=True)
    for label, clip, frames in _clips(quick):
        rows, notes = measure(label, clip, frames, out_dir)
        result.rows += rows
        result.notes += notes
    result.notes.append("The machine is shared with other work: numbers move by 10-20% between runs.")
    return result


if __name__ == "__main__":
    raise SystemExit(cli.main(run))
