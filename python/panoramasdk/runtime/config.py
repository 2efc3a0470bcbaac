"""What one run of an application uses: cameras, parameter and model overrides, outputs, limits.

``panorama run`` fills it from its command line before executing the application file; an application
started directly with ``python app.py`` reads it from PANORAMA_* environment variables instead.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

# Per-camera credentials from the appliance's supervisor: a JSON list of [user, password], one per camera.
CAMERA_SECRETS_ENV = "PANORAMA_CAMERA_SECRETS"
# Where a supervised application writes its live statistics (JSON, rewritten every second).
LIVE_STATS_ENV = "PANORAMA_LIVE_STATS"
# Where models run for an application started with python directly: auto, cpu or cuda.
DEVICE_ENV = "PANORAMA_DEVICE"


@dataclass
class CameraSpec:
    uri: str
    username: str = ""
    password: str = ""  # never logged: only redacted URIs are printed


@dataclass
class RunConfig:
    cameras: list = field(default_factory=list)  # list[CameraSpec]
    params: dict = field(default_factory=dict)  # name -> value (strings from the command line)
    model_overrides: dict = field(default_factory=dict)  # model name -> ONNX path
    frames: Optional[int] = None  # stop after this many entry() calls
    record: Optional[str] = None  # PATH.mp4; several outputs: PATH-0.mp4, PATH-1.mp4, ...
    record_preset: str = "ultrafast"  # x264 speed preset of the recording
    view: Optional[tuple] = None  # (host, port)
    realtime: bool = False  # pace files at their frame rate, like a live camera
    strict: bool = False  # stop at the first entry() failure
    transport: str = "tcp"
    first_frame_timeout_s: float = 10.0
    stall_timeout_s: float = 5.0
    log_file: Optional[str] = None
    stats: bool = False  # print a per-stage time summary at the end
    device: str = "auto"  # where models run: auto, cpu or cuda (models/engines.py)


_current: Optional[RunConfig] = None


def set_config(config: Optional[RunConfig]) -> None:
    global _current
    _current = config


def _split_list(value: str) -> list:
    return [item.strip() for item in value.split(",") if item.strip()]


def config_from_environment() -> RunConfig:
    """PANORAMA_CAMERAS (comma-separated URIs), PANORAMA_CAMERA_USER / PANORAMA_CAMERA_PASSWORD,
    PANORAMA_PARAMS (NAME=VALUE,...), PANORAMA_MODELS (NAME=PATH,...), PANORAMA_FRAMES, PANORAMA_RECORD,
    PANORAMA_DEVICE (auto, cpu or cuda)."""
    env = os.environ
    user, password = env.get("PANORAMA_CAMERA_USER", ""), env.get("PANORAMA_CAMERA_PASSWORD", "")
    cameras = [CameraSpec(uri, user, password) for uri in _split_list(env.get("PANORAMA_CAMERAS", ""))]
    params = dict(item.split("=", 1) for item in _split_list(env.get("PANORAMA_PARAMS", "")) if "=" in item)
    models = dict(item.split("=", 1) for item in _split_list(env.get("PANORAMA_MODELS", "")) if "=" in item)
    frames = int(env["PANORAMA_FRAMES"]) if env.get("PANORAMA_FRAMES") else None
    return RunConfig(cameras=cameras, params=params, model_overrides=models, frames=frames,
                     record=env.get("PANORAMA_RECORD") or None, device=env.get(DEVICE_ENV) or "auto")


def current_config() -> RunConfig:
    return _current if _current is not None else config_from_environment()
