"""What the running applications report, joined for the API: each application's status row with its
live statistics, and each camera's state as seen by the applications that use it."""
from __future__ import annotations

import json
import time

from .parts import Appliance

# A statistics file older than this belongs to a process that stopped writing (hung or gone).
STALE_S = 5.0


def live_stats(appliance: Appliance, app: str):
    """The application's newest statistics snapshot (runtime/live_stats.py), or None."""
    path = appliance.home.run_dir / f"{app}.stats.json"
    try:
        stats = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stats if isinstance(stats, dict) else None


def app_statuses(appliance: Appliance) -> dict:
    """app name -> its status row (state, version, pid, restarts, last_error, log_error, view_port, ...)."""
    return {row["app"]: row for row in appliance.db.query("SELECT * FROM app_status")}


def status_of(appliance: Appliance, app: dict, statuses: dict) -> dict:
    row = statuses.get(app["name"])
    if row is None:
        return {"state": "STOPPED" if app["desired"] != "running" else "PENDING", "version": None, "pid": None,
                "restarts": 0, "last_error": "", "log_error": "", "view_port": None}
    return {k: row[k] for k in ("state", "version", "pid", "restarts", "last_error", "log_error", "view_port",
                                "started", "updated")}


# The status of a camera that no running application uses.
IDLE_CAMERA_STATUS = {"state": "idle", "fps": 0.0, "last_error": "", "decoder": "", "apps": []}


def camera_states(appliance: Appliance) -> dict:
    """camera name -> {state, fps, last_error, decoder ("nvdec", "libavcodec" or "" when unknown), apps}: from
    the running applications bound to it."""
    states: dict = {}
    statuses = app_statuses(appliance)
    for app in appliance.db.query("SELECT name, deployed_version FROM applications WHERE desired = 'running' "
                                  "AND deployed_version IS NOT NULL"):
        version = app["deployed_version"]
        try:
            cameras = appliance.apps.manifest(app["name"], version).cameras
        except Exception:  # a damaged version: its status says so
            continue
        status = statuses.get(app["name"]) or {}
        stats = live_stats(appliance, app["name"]) if status.get("state") == "RUNNING" else None
        fresh = stats is not None and time.time() - float(stats.get("time", 0)) < STALE_S
        streams = stats.get("streams", []) if fresh else []
        for index, camera in enumerate(cameras):
            entry = states.setdefault(camera, {"state": "idle", "fps": 0.0, "last_error": "", "decoder": "",
                                               "apps": []})
            entry["apps"].append(app["name"])
            if index < len(streams):
                stream = streams[index]
                entry.update(state=stream.get("state", "unknown"), fps=stream.get("fps", 0.0),
                             last_error=stream.get("last_error", ""), decoder=stream.get("decoder", ""))
            elif entry["state"] == "idle":
                entry["state"] = "waiting"  # used by an application that is not running (yet)
    return states
