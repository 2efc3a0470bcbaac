"""TensorRT on the GPU with the sample people-ssd model: `panorama models compile` (built once for the
module, then found in the cache), its detections against ONNX Runtime on the CPU on real frames
(tolerance in detections.py), and the people counter run with --device cuda counting like --device cpu.
Skipped, naming what is missing, without a GPU, TensorRT >= 10, or CuPy/PyTorch for the device buffers."""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from cli_helpers import ROOT, panorama
from detections import assert_same_detections
from panoramasdk.errors import UnsupportedError
from panoramasdk.models import ModelStore
from panoramasdk.models.cuda_buffers import open_buffers
from panoramasdk.models.engine_onnxruntime import OnnxRuntimeEngine
from panoramasdk.models.engine_tensorrt import TensorRtEngine, tensorrt_missing
from panoramasdk.preprocess import preprocess

pytestmark = pytest.mark.gpu

NAME = "aws-panorama-sample-model"  # the name the people counter opens
APP = ROOT / "examples" / "people_counter" / "app.py"
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"


@pytest.fixture(scope="module")
def trt_home(tmp_path_factory):
    """A PANORAMA_HOME holding the people-ssd model and its compiled engine, and the compile's output."""
    missing = tensorrt_missing()
    if missing:
        pytest.skip(f"TensorRT test skipped: {missing}")
    try:
        open_buffers()
    except UnsupportedError as exc:
        pytest.skip(f"TensorRT test skipped: {exc}")
    home = tmp_path_factory.mktemp("trt-home")
    onnx = home / "people-ssd.onnx"
    subprocess.run([sys.executable, str(ROOT / "examples" / "models" / "build_people_ssd.py"), str(onnx)], check=True)
    env = {"PANORAMA_HOME": str(home)}
    assert panorama("models", "add", NAME, onnx, env=env).returncode == 0
    compiled = panorama("models", "compile", NAME, "--no-fp16", env=env, timeout=900)
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    return home, compiled


@pytest.fixture(scope="module")
def frames():
    cv2 = pytest.importorskip("cv2", reason="opencv-python-headless not installed")
    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 180)  # a crowded stretch of the clip
    out = [cap.read()[1] for _ in range(4)]
    assert all(f is not None for f in out)
    return out


def test_compile_builds_once_with_progress_then_finds_the_engine(trt_home):
    home, compiled = trt_home
    assert re.search(r"compiled \(built in [\d.]+ s\) TensorRT [\d.]+ engine of model", compiled.stdout)
    assert f"compile {NAME}: " in compiled.stderr  # the progress line(s)
    plans = list((home / "models" / NAME / "engines").glob("*.plan"))
    assert len(plans) == 1 and str(plans[0]) in compiled.stdout
    again = panorama("models", "compile", NAME, "--no-fp16", env={"PANORAMA_HOME": str(home)})
    assert again.returncode == 0 and again.stdout.startswith("found the compiled TensorRT"), again.stdout


def test_detections_match_onnx_runtime_on_the_cpu(trt_home, frames):
    home, _ = trt_home
    entry = ModelStore(home / "models").find(NAME)
    gpu = TensorRtEngine(entry, 1, fp16=False)
    assert gpu.engine_name == "tensorrt" and "fp32, engine cached" in gpu.detail
    cpu = OnnxRuntimeEngine(entry.path, entry.descriptor, 1)
    sure = 0
    for k, frame in enumerate(frames):
        x = preprocess(frame, entry.descriptor.preprocess.spec)
        sure += assert_same_detections(gpu.run([x]), cpu.run([x]), f"frame {k}")
    assert sure >= len(frames), "the detector found too few people to compare"


def test_people_counter_on_cuda_counts_like_on_the_cpu(trt_home):
    home, _ = trt_home
    counts = {}
    for device in ("cpu", "cuda"):
        r = panorama("run", APP, "--camera", CLIP, "--frames", 10, "--device", device, "--stats", "--log-file", "-",
                     env={"PANORAMA_HOME": str(home)}, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        logged = r.stdout + r.stderr
        engine = re.search(rf"model '{NAME}': engine (\S+)", logged)
        assert engine and engine.group(1) == ("tensorrt" if device == "cuda" else "onnxruntime-cpu"), logged[-2000:]
        counts[device] = np.array([int(c) for c in re.findall(r"Frame \d+: people detected: (\d+)", r.stdout)])
    assert len(counts["cpu"]) == len(counts["cuda"]) == 10
    assert np.abs(counts["cpu"] - counts["cuda"]).max() <= 1, counts
