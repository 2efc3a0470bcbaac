"""Shared pytest set-up: test tools on sys.path, a private PANORAMA_HOME, and made-on-the-spot clips."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "tools"))

import make_media  # noqa: E402


@pytest.fixture(autouse=True)
def private_panorama_home(tmp_path, monkeypatch):
    """Every test gets its own model store and logs, never the user's ~/.panorama."""
    home = tmp_path / "panorama-home"
    monkeypatch.setenv("PANORAMA_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def models_on_the_cpu(monkeypatch):
    """Models run on the CPU, the oracle, unless a test asks for a device: on a machine with TensorRT every
    model of every test would otherwise build an engine (tests/python/gpu covers the GPU engines)."""
    monkeypatch.setenv("PANORAMA_DEVICE", "cpu")


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def h264_mp4(media_dir) -> Path:
    """2 s of 320x240 test pattern at 25 fps, H.264 in MP4, GOP 25 (50 frames)."""
    return make_media.encode_test_clip(media_dir / "pattern.mp4")


@pytest.fixture(scope="session")
def sample_clip() -> Path:
    """The real pedestrian clip (768x576, 10 fps, 795 frames) shipped in examples/assets."""
    return ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
