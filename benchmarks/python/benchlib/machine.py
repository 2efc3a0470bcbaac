"""The machine a benchmark ran on, for the report: hardware, OS, library versions, commit, date."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
import time
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


def load_average() -> str:
    """'1-min 5-min 15-min': how busy the machine was (on 2 cores, above 1 another job shares them)."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return " ".join(f"{x:.2f}" for x in load)


def _busy_cpu_seconds() -> tuple:
    """(CPU seconds every process has used since boot, CPU seconds this process and its finished
    children have used)."""
    import psutil  # a bench requirement; only the load measure needs it

    total = psutil.cpu_times()
    busy = sum(total) - total.idle - getattr(total, "iowait", 0.0)
    own = os.times()
    return busy, own.user + own.system + own.children_user + own.children_system


class OtherWork:
    """How much of the machine's CPU other processes used while a benchmark ran: the figure that says
    whether its numbers are trustworthy on a shared machine."""

    def __init__(self):
        self.start = _busy_cpu_seconds()
        self.t0 = time.monotonic()

    def share(self) -> float:
        """Other processes' CPU time over the cores' capacity since construction, 0..1."""
        busy, own = _busy_cpu_seconds()
        capacity = (time.monotonic() - self.t0) * (os.cpu_count() or 1)
        return max(0.0, (busy - self.start[0]) - (own - self.start[1])) / capacity if capacity else 0.0


def describe() -> dict:
    """Name -> value, in the order the report prints them."""
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
    info["load average at start"] = load_average()
    return info
