"""The appliance at a glance (``GET /api/status``, ``panorama status``): the supervisor, the host, counts and
every application's state."""
from __future__ import annotations

import json
import os
import shutil
import time

from .. import __version__
from .live_status import app_statuses, status_of
from .parts import Appliance

# The supervisor rewrites its heartbeat every second or so; older than this, it is not running.
HEARTBEAT_STALE_S = 10.0


def supervisor_state(a: Appliance) -> dict:
    try:
        beat = json.loads((a.home.run_dir / "supervisor.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"running": False, "pid": None}
    fresh = time.time() - float(beat.get("heartbeat", 0)) < HEARTBEAT_STALE_S
    return {"running": fresh, "pid": beat.get("pid") if fresh else None}


def _memory() -> dict:
    fields = {}
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("MemTotal", "MemAvailable"):
                    fields[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return {"total_bytes": fields.get("MemTotal"), "available_bytes": fields.get("MemAvailable")}


def _gpus() -> list:
    try:
        from ..device import cuda_devices

        return cuda_devices()
    except Exception:  # no native module or no driver: the status still answers
        return []


def appliance_status(a: Appliance) -> dict:
    disk = shutil.disk_usage(a.home.root)
    statuses = app_statuses(a)
    apps = [dict(name=app["name"], deployed_version=app["deployed_version"], desired=app["desired"],
                 **status_of(a, app, statuses)) for app in a.apps.list()]
    return {
        "version": __version__,
        "uptime_s": round(time.time() - a.started, 1),
        "data_folder": str(a.home.root),
        "supervisor": supervisor_state(a),
        "host": {"cpu_count": os.cpu_count(), "load_average": list(os.getloadavg()), "memory": _memory(),
                 "disk": {"total_bytes": disk.total, "free_bytes": disk.free}, "gpus": _gpus()},
        "counts": {"cameras": len(a.cameras.list()), "models": len(a.models.list()), "apps": len(apps)},
        "apps": apps,
    }
