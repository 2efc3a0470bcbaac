"""GPU tests carry the ``gpu`` marker and are skipped, naming what is missing, without a CUDA build and a
usable NVIDIA device; tests that need CuPy take the ``cupy`` fixture (skipped: "cupy not installed").
Each test has its own PANORAMA_HOME (model store, logs), also when the GPU check runs this folder alone."""
from __future__ import annotations

import pytest
from panoramasdk._native import core


def gpu_missing() -> str:
    """What keeps the GPU tests from running here ("" when nothing does)."""
    if not core.built_with_cuda():
        return "built without CUDA"
    return core.cuda_unavailable_reason()


def pytest_collection_modifyitems(config, items):
    reason = gpu_missing()
    if not reason:
        return
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(pytest.mark.skip(reason=f"GPU test skipped: {reason}"))


@pytest.fixture
def cupy():
    return pytest.importorskip("cupy", reason="cupy not installed")


@pytest.fixture(autouse=True)
def private_panorama_home(tmp_path, monkeypatch):
    """Never the user's ~/.panorama, and no model left behind by another test."""
    home = tmp_path / "panorama-home"
    monkeypatch.setenv("PANORAMA_HOME", str(home))
    return home
