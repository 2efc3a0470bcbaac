"""ONNX Runtime's CUDA execution provider with I/O binding (onnxruntime-gpu) against ONNX Runtime on the CPU:
the sample people-ssd model on real frames (tolerance in detections.py) and a dynamic-batch model run
whole and item by item. Skipped, naming what is missing, without a GPU or the CUDA provider."""
from __future__ import annotations

import subprocess
import sys

import model_factory as mf
import numpy as np
import pytest
from cli_helpers import ROOT
from detections import assert_same_detections
from panoramasdk.models import ModelStore
from panoramasdk.models.engine_onnxruntime import OnnxRuntimeEngine, cuda_provider_missing
from panoramasdk.preprocess import preprocess

pytestmark = pytest.mark.gpu

CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"


@pytest.fixture(autouse=True)
def cuda_provider():
    missing = cuda_provider_missing()
    if missing:
        pytest.skip(f"ONNX Runtime CUDA test skipped: {missing}")


def test_people_ssd_detections_match_the_cpu(tmp_path):
    cv2 = pytest.importorskip("cv2", reason="opencv-python-headless not installed")
    onnx = tmp_path / "people-ssd.onnx"
    subprocess.run([sys.executable, str(ROOT / "examples" / "models" / "build_people_ssd.py"), str(onnx)], check=True)
    entry = ModelStore().add("people-ssd", onnx)
    gpu = OnnxRuntimeEngine(entry.path, entry.descriptor, 1, device="cuda")
    cpu = OnnxRuntimeEngine(entry.path, entry.descriptor, 1, device="cpu")
    assert gpu.engine_name == "onnxruntime-cuda" and cpu.engine_name == "onnxruntime-cpu"
    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 180)
    sure = 0
    for k in range(3):
        ok, frame = cap.read()
        assert ok
        x = preprocess(frame, entry.descriptor.preprocess.spec)
        sure += assert_same_detections(gpu.run([x]), cpu.run([x]), f"frame {k}")
    assert sure >= 3


@pytest.mark.parametrize("batch", [1, 3])
def test_dynamic_batch_model_matches_the_cpu(tmp_path, batch):
    entry = ModelStore().add("dynamic", mf.dynamic_batch_model(tmp_path / "dynamic.onnx"))
    x = np.random.default_rng(batch).standard_normal((batch, 3, 4, 4)).astype(np.float32)
    gpu = OnnxRuntimeEngine(entry.path, entry.descriptor, batch, device="cuda").run([x])
    cpu = OnnxRuntimeEngine(entry.path, entry.descriptor, batch, device="cpu").run([x])
    for g, c in zip(gpu, cpu):
        assert g.shape == c.shape
        np.testing.assert_allclose(g, c, rtol=1e-5, atol=1e-6)
