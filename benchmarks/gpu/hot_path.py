"""The GPU check's hot-path figure: what crosses between host and GPU while `panorama run --device auto` runs the
people counter on the fast path (examples/people_counter/app_fast.py: ``model.batch(0, media)``, boxes drawn
with add_rect/add_label, never reading ``media.image``) on the pedestrian clip (H.264, 768x576).

Two runs, each its own process, read back from PANORAMA_STATS_JSON:
  - no output sink: camera -> NVDEC -> preprocess on the GPU -> engine; the goal is 0 whole frames crossing,
    and with a GPU engine 0 copies of any kind (the tensor is preprocessed into the engine's batch on the GPU;
    a CPU engine needs it downloaded, one copy a frame);
  - a live view watched for the whole run (--view, a client pulling the MJPEG): drawn on the GPU, each JPEG
    made there by nvJPEG (goal 0 whole frames), or, where nvJPEG is missing, its composed picture comes down
    once for libavcodec; the figure says how many against the frames shown.
Prints a few report lines; exits 1 when the first run moved a whole frame (or, with a GPU engine, anything) or
did not decode on NVDEC, 2 when a run failed.

Then the end-to-end rate, `--device auto` against `--device cpu` (the baseline, measured in the same run), frames
as fast as they come: the steady rate is the marginal one between a run of THROUGHPUT_FRAMES / 4 frames and one of
THROUGHPUT_FRAMES, so the first inference's one-off costs (CUDA kernels loaded, cuDNN set up: seconds) cancel
out; each device's plain rate over the long run and its engine's mean inference time are printed beside it.

    python benchmarks/gpu/hot_path.py [FRAMES [THROUGHPUT_FRAMES]]
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "examples" / "people_counter" / "app_fast.py"
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
MODEL_NAME = "aws-panorama-sample-model"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def watch(port: int, stop: threading.Event) -> None:
    """Pulls the live MJPEG until `stop`, so the output has a viewer for the whole run."""
    while not stop.is_set():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/stream/0.mjpg", timeout=2) as r:
                while not stop.is_set() and r.read(65536):
                    pass
        except OSError:
            time.sleep(0.05)


def run(model: Path, frames: int, work: Path, view: bool, device: str = "auto") -> dict:
    stats = work / f"{device}-{'view' if view else 'plain'}-{frames}.json"
    args = [sys.executable, "-m", "panoramasdk", "run", str(APP), "--camera", str(CLIP), "--frames", str(frames),
            "--device", device, "--model", f"{MODEL_NAME}={model}", "--param", "threshold=0.5"]
    stop = threading.Event()
    watcher = None
    if view:
        port = free_port()
        args += ["--view", f"127.0.0.1:{port}", "--realtime"]
        watcher = threading.Thread(target=watch, args=(port, stop), daemon=True)
        watcher.start()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PANORAMA_STATS_JSON": str(stats)})
    stop.set()
    if proc.returncode != 0:
        print(f"hot path: `panorama run` failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
        sys.exit(2)
    return json.loads(stats.read_text())


def main() -> int:
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    throughput_frames = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = work / "people-ssd.onnx"
        subprocess.run([sys.executable, str(ROOT / "examples" / "models" / "build_people_ssd.py"), str(model)],
                       check=True, capture_output=True)
        plain = run(model, frames, work, view=False)
        viewed = run(model, frames, work, view=True)
        short = max(1, throughput_frames // 4)
        rates = {device: (run(model, short, work, view=False, device=device),
                          run(model, throughput_frames, work, view=False, device=device)) for device in ("auto", "cpu")}
    c = plain["host_device_copies"]
    n = plain["frame_sets"]
    engine = plain["models"][0]["engine"]
    on_gpu = engine != "onnxruntime-cpu"
    print(f"Hot path, `panorama run --device auto` of app_fast.py, {n} frames of 768x576 H.264, decoder "
          f"{plain['streams'][0]['decoder']}, engine {engine}:")
    what = "goal 0: the engine reads the batch on the GPU" if on_gpu else "the model input, for the CPU engine"
    print(f"  no sink: whole frames to the host {c['frames_device_to_host']} (goal 0), to the GPU "
          f"{c['frames_host_to_device']}; other copies {c['device_to_host']} down "
          f"({c['device_to_host_bytes'] / max(n, 1) / 1e3:.0f} KB a frame; {what}), {c['host_to_device']} up")
    v = viewed["host_device_copies"]
    out = viewed["outputs"][0]
    encoder = out.get("jpeg_encoder") or "-"
    print(f"  live view watched: {v['frames_device_to_host']} whole frames to the host for {out['jpeg_sequence']} "
          f"JPEGs ({viewed['frame_sets']} frames, {out['frames_composed']} drawn, JPEG encoder {encoder}: "
          f"{'on the GPU, goal 0 frames' if encoder == 'nvjpeg' else 'on the host, one download a JPEG'}), "
          f"{v['host_to_device']} small uploads (draw lists, glyph atlas)")
    if encoder == "nvjpeg" and v["frames_device_to_host"]:
        print("  nvJPEG encoded the view, yet whole frames came to the host")
        return 1
    print(f"  end to end, {short} and {throughput_frames} frames as fast as they come (one batch a frame, "
          f"app_fast.py):")
    steady = {}
    for device, (first, whole) in rates.items():
        extra_s = whole["loop_s"] - first["loop_s"]
        steady[device] = (whole["frame_sets"] - first["frame_sets"]) / extra_s if extra_s > 0 else 0.0
        plain_rate = whole["frame_sets"] / whole["loop_s"] if whole["loop_s"] else 0.0
        model_stats = whole["models"][0]
        print(f"    --device {device} ({whole['streams'][0]['decoder']}, {model_stats['engine']}): steady "
              f"{steady[device]:.1f} frames/s ({plain_rate:.1f} over the whole run; inference "
              f"{model_stats['inference_mean_ms']:.2f} ms mean)")
    print(f"    steady rate, auto / cpu: {steady['auto'] / steady['cpu'] if steady['cpu'] else 0:.2f}x")
    if plain["streams"][0]["decoder"] != "nvdec":
        print("  NVDEC was not used: these figures say nothing about the GPU path")
        return 1
    if on_gpu and (c["device_to_host"] or c["host_to_device"]):
        print("  a GPU engine ran, yet something crossed between host and GPU")
        return 1
    return 0 if c["frames_device_to_host"] == 0 and c["frames_host_to_device"] == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
