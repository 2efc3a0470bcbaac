"""resolve_device and the device query, on whatever machine runs the tests (GPU or not)."""
from __future__ import annotations

import pytest
from panoramasdk import device
from panoramasdk._native import core
from panoramasdk.errors import NoCudaError


def test_cpu_is_always_cpu():
    assert device.resolve_device("cpu") == "cpu"
    assert device.resolve_device("CPU") == "cpu"


@pytest.mark.parametrize("bad", ["gpu", "cuda:9", "", None, 1])
def test_unknown_device_is_a_value_error_naming_the_choices(bad):
    with pytest.raises(ValueError, match="auto, cpu, cuda"):
        device.resolve_device(bad)


def test_devices_and_reason_agree():
    devices = device.cuda_devices()
    reason = device.cuda_unavailable_reason()
    assert (len(devices) == 0) == bool(reason), reason
    for d in devices:
        assert d["name"] and d["total_memory_bytes"] > 0
        assert d["compute_capability"] >= (5, 0)


def test_without_gpu_auto_falls_back_and_cuda_names_what_is_missing():
    reason = device.cuda_unavailable_reason()
    if not reason:
        pytest.skip("a CUDA device is present; this checks the machine without one")
    assert device.resolve_device("auto") == "cpu"
    with pytest.raises(NoCudaError, match="device 'cuda' was asked for") as info:
        device.resolve_device("cuda")
    assert reason in str(info.value)
    assert isinstance(info.value, RuntimeError)
    if not core.built_with_cuda():
        assert "built without CUDA" in reason


@pytest.mark.gpu
def test_with_gpu_auto_and_cuda_pick_cuda():
    assert device.resolve_device("auto") == "cuda"
    assert device.resolve_device("cuda") == "cuda"
    assert device.cuda_devices()[0]["multiprocessors"] > 0
