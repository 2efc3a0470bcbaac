"""The pieces bench_e2e.py and bench_streams.py measure: `panorama run` with its figures read back, each
stage of the people counter alone (decode, preprocess, inference, overlay + encode), and the plain
OpenCV + onnxruntime loop a user would write instead.

Every measurement returns wall seconds and CPU seconds (all threads of the process doing the work), so
a report can say what the 2-core machine spends where and what saturates."""
from __future__ import annotations

import functools
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import benchlib
import cv2
import numpy as np
from benchlib import PEOPLE_COUNTER
from benchlib import PEOPLE_MODEL as MODEL

PEOPLE_COUNTER_FAST = PEOPLE_COUNTER.with_name("app_fast.py")  # model.batch(0, media): fused C++ preprocessing

MODEL_NAME = "aws-panorama-sample-model"  # the name the people counter opens
THRESHOLD = 0.5  # `make demo`'s threshold
PERSON = 14  # the people counter's person_index (VOC)
SIDE = 512  # the model's input is SIDE x SIDE


@dataclass
class Timed:
    """`frames` frames in `wall_s` seconds, using `cpu_s` CPU seconds (every thread together)."""

    frames: int
    wall_s: float
    cpu_s: float
    extra: dict = field(default_factory=dict)

    @property
    def fps(self) -> float:
        return self.frames / self.wall_s

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per frame."""
        return 1e3 * self.cpu_s / self.frames

    @property
    def cores(self) -> float:
        """Average number of cores busy while it ran."""
        return self.cpu_s / self.wall_s


@functools.lru_cache(maxsize=1)
def guide_preprocess():
    """The people counter's own preprocess(image) -> tensor, read from the app's file (bench_preprocess)."""
    from bench_preprocess import guide_preprocess_function

    return guide_preprocess_function()


def need_model() -> Path:
    if not MODEL.is_file():
        raise FileNotFoundError(f"the people counter's model {MODEL} is missing: run `make model` first")
    return MODEL


def panorama_run(app: Path, cameras: list, *options) -> Timed:
    """`panorama run APP --camera ... OPTIONS` to its end, in a child process as a user runs it: Timed over
    the steady part of the run (first entry() to the last output frame; CPU of every thread), with the
    runtime's own figures in extra["stats"]."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        run = benchlib.panorama_run(app, cameras, Path(tmp), *map(str, options))
    return Timed(run.frame_sets, run.loop_s, run.raw["loop_cpu_s"], {"stats": run.raw})


def people_counter_run(clip: Path, frames: int, record: Path, fast: bool = False) -> Timed:
    """The guide's people counter on every frame of `clip` in order, recording its output (H.264);
    `fast`: its fast-path variant (app_fast.py), the same detections without numpy preprocessing."""
    app = PEOPLE_COUNTER_FAST if fast else PEOPLE_COUNTER
    return panorama_run(app, [clip], "--model", f"{MODEL_NAME}={need_model()}",
                        "--param", f"threshold={THRESHOLD}", "--record", record, "--frames", frames)


def _measure(work) -> tuple:
    """(result, wall seconds, CPU seconds of this process: every thread) of work()."""
    cpu0, t0 = time.process_time(), time.perf_counter()
    result = work()
    return result, time.perf_counter() - t0, time.process_time() - cpu0


def decode_alone(clip: Path, frames: int, keep: int = 0) -> tuple:
    """Our source + decoder delivering BGR frames of `clip` in order, nothing else: (Timed, the first
    `keep` frames copied, for the other stages)."""
    from panoramasdk._native import core

    options = core.StreamOptions()
    options.uri = str(clip)
    stream = core.Stream(options)
    group = core.StreamGroup([stream], True)
    kept: list = []

    def work() -> int:
        group.start()
        count = 0
        try:
            while count < frames:
                frame_set = group.next_set(5.0)
                if frame_set is None:
                    break
                if frame_set and frame_set[0] is not None:
                    if len(kept) < keep:
                        kept.append(np.array(frame_set[0].array()))
                    count += 1
        finally:
            group.stop()
        return count

    count, wall, cpu = _measure(work)
    return Timed(count, wall, cpu), kept


def repeat_timed(fn, items: list, n: int) -> Timed:
    """fn(item) n times over `items` in turn (one warm-up call first)."""
    fn(items[0])
    _, wall, cpu = _measure(lambda: [fn(items[i % len(items)]) for i in range(n)])
    return Timed(n, wall, cpu)


def inference_session():
    """An ONNX Runtime session on the model with the runtime's own options (threads: PANORAMA_ORT_THREADS,
    else the CPU count capped at 4; no spinning)."""
    from panoramasdk.models.engine_onnxruntime import create_session

    return create_session(need_model())


def detections(outputs: list) -> list:
    """The people counter's reading of the model's outputs: (left, top, right, bottom, score) in 0..1 for
    each person at or above the threshold."""
    classes, scores, boxes = (np.asarray(o) for o in outputs[:3])
    keep = (classes.reshape(-1).astype(int) == PERSON) & (scores.reshape(-1) >= THRESHOLD)
    return [(*np.clip(box / SIDE, 0, 1), float(score))
            for box, score in zip(boxes.reshape(-1, 4)[keep], scores.reshape(-1)[keep])]


def overlays(found: list) -> tuple:
    """The people counter's overlays for `found`: (rects, labels) as OutputChain.submit takes them."""
    rects = [(float(left), float(top), float(right), float(bottom)) for left, top, right, bottom, _ in found]
    labels = [(str(score), float(right), float(bottom)) for _, _, right, bottom, score in found]
    labels.append((f"People detected: {len(found)}", 0.02, 0.9))
    return rects, labels


def overlay_encode_alone(images: list, drawn: tuple, n: int, record: Path, fps: float) -> Timed:
    """The output chain alone: n frames (the given images in turn) with the people counter's overlays,
    drawn and recorded to H.264, from the first submit to the file's close."""
    from panoramasdk._native import core

    options = core.OutputOptions()
    options.record_path = str(record)
    options.fps = fps
    rects, labels = drawn

    def work() -> dict:
        chain = core.OutputChain(options)
        for i in range(n):
            chain.submit(images[i % len(images)], rects, labels)
        chain.close()
        return chain.stats()

    stats, wall, cpu = _measure(work)
    return Timed(stats["frames_encoded"], wall, cpu, {"stats": stats})


@dataclass
class PlainLoop:
    """The plain loop's result: Timed for the whole loop and seconds per stage, summed over frames."""

    total: Timed
    stage_s: dict


def plain_loop(clip: Path, frames: int, record: Path) -> PlainLoop:
    """What a user writes without the runtime, one step after the other on one thread: cv2.VideoCapture
    read, the guide's preprocess, session.run (a default onnxruntime session), cv2.rectangle / putText,
    cv2.VideoWriter (mp4v: the pip OpenCV has no H.264 encoder)."""
    import onnxruntime as ort

    preprocess = guide_preprocess()
    session = ort.InferenceSession(str(need_model()), providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    capture = cv2.VideoCapture(str(clip))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    stage_s = dict.fromkeys(("read", "preprocess", "inference", "draw", "write"), 0.0)
    writer = None

    def work() -> int:
        nonlocal writer
        count = 0
        while count < frames:
            t0 = time.perf_counter()
            ok, image = capture.read()
            t1 = time.perf_counter()
            if not ok:
                break
            tensor = preprocess(image)
            t2 = time.perf_counter()
            found = detections(session.run(None, {input_name: tensor}))
            t3 = time.perf_counter()
            h, w = image.shape[:2]
            for left, top, right, bottom, score in found:
                p0, p1 = (int(left * w), int(top * h)), (int(right * w), int(bottom * h))
                cv2.rectangle(image, p0, p1, (0, 255, 0), 2)
                cv2.putText(image, f"{score:.2f}", p1, cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1)
            cv2.putText(image, f"People detected: {len(found)}", (int(0.02 * w), int(0.9 * h)),
                        cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2)
            t4 = time.perf_counter()
            if writer is None:
                writer = cv2.VideoWriter(str(record), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
            writer.write(image)
            t5 = time.perf_counter()
            for name, seconds in zip(stage_s, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                stage_s[name] += seconds
            count += 1
        if writer is not None:
            writer.release()
        capture.release()
        return count

    count, wall, cpu = _measure(work)
    return PlainLoop(Timed(count, wall, cpu), stage_s)
