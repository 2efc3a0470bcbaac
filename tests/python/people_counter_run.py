"""`panorama run` of the guide's people counter as a user runs it, read back: the people it counted per frame
and the decoder its camera used, from the --stats line and from PANORAMA_STATS_JSON."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cli_helpers import ROOT, panorama

APP = ROOT / "examples" / "people_counter" / "app.py"
# The same counter on the fast path, written with numpy calls that numpy >= 2.4 still accepts (the guide's
# app does int() of one-element arrays, which numpy 2.4 made an error; GPU machines may have a newer numpy).
APP_FAST = ROOT / "examples" / "people_counter" / "app_fast.py"
# H.264 (High, yuv420p) in MP4, 768x576 at 10 fps: NVDEC takes it.
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
MODEL_NAME = "aws-panorama-sample-model"


def build_people_ssd(out: Path) -> Path:
    """The sample detector, made by examples/models/build_people_ssd.py (nothing is downloaded)."""
    subprocess.run([sys.executable, str(ROOT / "examples" / "models" / "build_people_ssd.py"), str(out)], check=True)
    return out


@dataclass
class CounterRun:
    counts: list  # people detected, per frame
    decoder: str  # the camera's decoder in the run's figures: "nvdec" or "libavcodec"
    printed_decoder: str  # the same, from the --stats line ("" when missing)
    output: str  # stdout and stderr
    copies: dict  # the run's host<->device copy counts (core.host_device_copy_counts)
    engine: str  # the engine that ran the model ("onnxruntime-cpu", "torch-cuda", ...)


def run_people_counter(model: Path, device: str, frames: int, stats_json: Path, app: Path = APP,
                       params: tuple = ()) -> CounterRun:
    """`params`: NAME=VALUE overrides (--param)."""
    extra = [arg for item in params for arg in ("--param", item)]
    r = panorama("run", app, "--camera", CLIP, "--frames", frames, "--device", device, "--stats", *extra,
                 "--model", f"{MODEL_NAME}={model}", env={"PANORAMA_STATS_JSON": str(stats_json)}, timeout=300)
    output = r.stdout + r.stderr
    assert r.returncode == 0, output[-3000:]
    counts = [int(c) for c in re.findall(r"Frame \d+: people detected: (\d+)", r.stdout)]
    stats = json.loads(stats_json.read_text())
    (stream,) = stats["streams"]
    line = re.search(r"camera 0 \S+: decoder (\S+), \d+ decoded", output)
    (model_stats,) = stats["models"]
    return CounterRun(counts, stream["decoder"], line.group(1) if line else "", output, stats["host_device_copies"],
                      model_stats["engine"])
