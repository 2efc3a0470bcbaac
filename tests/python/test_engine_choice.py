"""Which engine runs a model for --device auto|cpu|cuda: the choice for every combination of what a machine
has, and on this machine the people counter, `panorama run --device` and `panorama models compile` as a
user runs them (on a machine without a GPU engine they fail or fall back, naming what is missing)."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import model_factory as mf
import panoramasdk
import pytest
from cli_helpers import ROOT, panorama
from panoramasdk import errors
from panoramasdk.models import ModelStore
from panoramasdk.models.cuda_buffers import buffers_missing
from panoramasdk.models.engine_tensorrt import tensorrt_missing
from panoramasdk.models.engine_torch import torch_missing
from panoramasdk.models.engines import choose_engines, engines_for
from panoramasdk.runtime.config import config_from_environment

NO_GPU = "no NVIDIA driver (libcuda.so.1) found"
NO_TRT = "TensorRT is not installed (pip install tensorrt)"
NO_ORT = "onnxruntime 1.20.0 has no CUDA execution provider (pip install onnxruntime-gpu)"
APP = ROOT / "examples" / "people_counter" / "app.py"
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"


def cuda_missing_here() -> str:
    try:
        engines_for("cuda")
    except errors.NoCudaError as exc:
        return str(exc)
    return ""


NO_TORCH = "the PyTorch engine needs torch and onnx2torch (pip install torch onnx2torch)"
NO_ENGINE = f"no GPU engine: {NO_TRT}; {NO_ORT}; {NO_TORCH}"


@pytest.mark.parametrize("gpu, trt, ort, torch, engines, reason", [
    ("", "", "", "", ("tensorrt", "onnxruntime-cuda", "torch-cuda", "onnxruntime-cpu"), ""),
    ("", NO_TRT, "", "", ("onnxruntime-cuda", "torch-cuda", "onnxruntime-cpu"), NO_TRT),
    ("", "", NO_ORT, NO_TORCH, ("tensorrt", "onnxruntime-cpu"), f"{NO_ORT}; {NO_TORCH}"),
    ("", NO_TRT, NO_ORT, "", ("torch-cuda", "onnxruntime-cpu"), f"{NO_TRT}; {NO_ORT}"),
    ("", NO_TRT, NO_ORT, NO_TORCH, ("onnxruntime-cpu",), NO_ENGINE),
    (NO_GPU, "", "", "", ("onnxruntime-cpu",), NO_GPU),
    (NO_GPU, NO_TRT, NO_ORT, NO_TORCH, ("onnxruntime-cpu",), f"{NO_GPU}; {NO_ENGINE}"),
])
def test_auto_takes_the_best_engine_and_says_why_it_fell_back(gpu, trt, ort, torch, engines, reason):
    choice = choose_engines("auto", gpu, trt, ort, torch)
    assert (choice.engines, choice.reason) == (engines, reason)


def test_cuda_takes_only_gpu_engines():
    assert choose_engines("cuda", "", "", "", "").engines == ("tensorrt", "onnxruntime-cuda", "torch-cuda")
    choice = choose_engines("CUDA", "", NO_TRT, "", NO_TORCH)
    assert (choice.engines, choice.reason) == (("onnxruntime-cuda",), f"{NO_TRT}; {NO_TORCH}")
    choice = choose_engines("cuda", "", NO_TRT, NO_ORT, "")
    assert (choice.engines, choice.reason) == (("torch-cuda",), f"{NO_TRT}; {NO_ORT}")


@pytest.mark.parametrize("gpu, trt, ort, torch, message", [
    ("", NO_TRT, NO_ORT, NO_TORCH, f"device 'cuda': {NO_ENGINE}"),
    (NO_GPU, "", "", "", f"device 'cuda': {NO_GPU}"),
    (NO_GPU, NO_TRT, NO_ORT, NO_TORCH, f"device 'cuda': {NO_GPU}; {NO_ENGINE}"),
])
def test_cuda_without_a_gpu_or_engine_names_what_is_missing(gpu, trt, ort, torch, message):
    with pytest.raises(errors.NoCudaError) as info:
        choose_engines("cuda", gpu, trt, ort, torch)
    assert str(info.value) == message and isinstance(info.value, RuntimeError)


def test_cpu_is_onnx_runtime_whatever_the_machine_has():
    for gpu in ("", NO_GPU):
        assert choose_engines("cpu", gpu, NO_TRT, NO_ORT, NO_TORCH).engines == ("onnxruntime-cpu",)


@pytest.mark.parametrize("bad", ["gpu", "cuda:0", "", None])
def test_an_unknown_device_is_a_value_error_naming_the_choices(bad):
    with pytest.raises(ValueError, match="auto, cpu, cuda"):
        choose_engines(bad, "", "", "", "")


def test_tensorrt_without_device_buffers_is_not_chosen():
    """TensorRT's engine needs CuPy or PyTorch: without both it is left out, before a build of minutes."""
    has_buffers = any(importlib.util.find_spec(name) is not None for name in ("cupy", "torch"))
    assert (buffers_missing() == "") == has_buffers
    if not has_buffers:
        assert "pip install cupy-cuda12x (or torch)" in buffers_missing()
        choice = choose_engines("auto", "", buffers_missing(), "", NO_TORCH)
        assert choice.engines == ("onnxruntime-cuda", "onnxruntime-cpu") and "CuPy or PyTorch" in choice.reason


def test_the_torch_engine_is_offered_only_with_torch_and_onnx2torch():
    """torch_missing looks the packages up without importing them (torch takes seconds to import)."""
    has_both = all(importlib.util.find_spec(name) is not None for name in ("torch", "onnx2torch"))
    assert (torch_missing() == "") == has_both
    if not has_both:
        missing = torch_missing()
        assert missing.startswith("the PyTorch engine needs ") and "pip install torch onnx2torch" in missing


def test_python_started_apps_read_the_device_from_the_environment(monkeypatch):
    monkeypatch.setenv("PANORAMA_DEVICE", "cuda")
    assert config_from_environment().device == "cuda"
    monkeypatch.delenv("PANORAMA_DEVICE")
    assert config_from_environment().device == "auto"


def test_model_stats_name_the_engine_and_why(tmp_path, monkeypatch):
    ModelStore().add("detector", mf.detector_model(tmp_path / "detector.onnx"))
    monkeypatch.setenv("PANORAMA_DEVICE", "auto")
    m = panoramasdk.model()
    m.open("detector")
    try:
        stats = m.stats()
    finally:
        m.finish()
    expected = engines_for("auto")
    assert stats["engine"] == expected.engines[0] and stats["engine_reason"] == expected.reason
    if stats["engine"] == "onnxruntime-cpu":
        assert stats["engine_detail"] == "ONNX Runtime, CPUExecutionProvider"


@pytest.fixture(scope="module")
def people_ssd(tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "people-ssd.onnx"
    subprocess.run([sys.executable, str(ROOT / "examples" / "models" / "build_people_ssd.py"), str(out)], check=True)
    return out


def test_device_cuda_fails_before_the_app_starts_naming_what_is_missing(people_ssd):
    missing = cuda_missing_here()
    if not missing:
        pytest.skip("this machine can run models on the GPU; tests/python/gpu covers it")
    r = panorama("run", APP, "--camera", CLIP, "--frames", 2, "--device", "cuda",
                 "--model", f"aws-panorama-sample-model={people_ssd}")
    assert r.returncode == 1, r.stderr
    assert r.stderr.strip().splitlines() == [f"error: {missing}"]
    assert "people detected" not in r.stdout
    assert "pip install tensorrt" in missing or "NVIDIA" in missing or "CUDA" in missing


def test_device_auto_runs_the_people_counter_and_says_where(people_ssd):
    r = panorama("run", APP, "--camera", CLIP, "--frames", 4, "--device", "auto", "--stats", "--log-file", "-",
                 "--model", f"aws-panorama-sample-model={people_ssd}", timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    counts = [int(c) for c in re.findall(r"Frame \d+: people detected: (\d+)", r.stdout)]
    assert len(counts) == 4 and all(c > 0 for c in counts), counts
    choice = engines_for("auto")
    logged = r.stdout + r.stderr
    line = re.search(r"model 'aws-panorama-sample-model': engine (\S+)(.*)", logged)
    assert line and line.group(1) == choice.engines[0], logged[-2000:]
    if choice.reason:  # fell back: both the open and the summary say why
        assert f"device auto: using {choice.engines[0]}, as {choice.reason}" in logged
        assert f"({choice.reason})" in line.group(2)


def test_bad_device_is_a_usage_error(people_ssd):
    r = panorama("run", APP, "--camera", CLIP, "--device", "gpu")
    assert r.returncode == 2 and "invalid choice: 'gpu'" in r.stderr
    r = panorama("run", APP, "--camera", CLIP, "--frames", 1, "--model", f"aws-panorama-sample-model={people_ssd}",
                 env={"PANORAMA_DEVICE": "tpu"})
    assert r.returncode == 2 and r.stderr.strip() == "error: device must be one of auto, cpu, cuda; got 'tpu'"


def test_models_compile_without_tensorrt_names_the_package(tmp_path):
    missing = tensorrt_missing()
    if not missing:
        pytest.skip("TensorRT is installed here; tests/python/gpu compiles with it")
    ModelStore().add("detector", mf.detector_model(tmp_path / "detector.onnx"))
    r = panorama("models", "compile", "detector", "--fp16", "--max-batch", 1)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: {missing}" and "pip install tensorrt" in r.stderr
    r = panorama("models", "compile", "no-such-model")
    assert r.returncode == 2 and "model 'no-such-model' not found" in r.stderr
