"""The machine a benchmark ran on, for the report: hardware, OS, library versions, commit, date."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Distribution names: the import name differs for OpenCV and PyAV.
PACKAGES = (("numpy", "numpy"), ("onnxruntime", "onnxruntime"), ("opencv", "opencv-python-headless"),
            ("PyAV", "av"), ("matplotlib", "matplotlib"))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _command_output(cmd: list) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _ffmpeg_version() -> str:
    first = _command_output(["ffmpeg", "-version"]).splitlines()
    return first[0].split(" Copyright")[0].removeprefix("ffmpeg version ") if first else "not found"


def _pyav_ffmpeg() -> str:
    try:
        import av  # PyAV's wheels carry their own FFmpeg build
    except ImportError:
        return "PyAV not installed"
    return str(getattr(av, "ffmpeg_version_info", "unknown"))


def _git_commit() -> str:
    commit = _command_output(["git", "rev-parse", "--short=12", "HEAD"]) or "unknown"
    dirty = _command_output(["git", "status", "--porcelain", "--untracked-files=no"])
    return commit + (" (with uncommitted changes)" if dirty else "")


def describe() -> dict:
    """Name -> value, in the order the report prints them."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    info = {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{_memory_gib():.1f} GiB",
        "OS": _os_name(),
        "kernel": platform.release(),
        "Python": platform.python_version(),
    }
    info.update({name: _version(dist) for name, dist in PACKAGES})
    info["FFmpeg"] = _ffmpeg_version()
    info["PyAV's own FFmpeg"] = _pyav_ffmpeg()
    info["git commit"] = _git_commit()
    info["date"] = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    info["load average at start"] = " ".join(f"{x:.2f}" for x in load)
    return info
