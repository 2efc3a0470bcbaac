"""How the supervisor starts one deployed application version: the ``panorama run`` command line and its
environment, built from the version's manifest, the camera list and the model store.

Camera passwords travel in the child's environment (``PANORAMA_CAMERA_SECRETS``, readable only by the
same user), never on its command line, which any user can see in ``ps``.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import InvalidArgumentError
from ..models.store import ModelStore
from ..runtime.config import CAMERA_SECRETS_ENV, LIVE_STATS_ENV
from .applications import ApplicationStore
from .cameras import CameraRegistry
from .home import ApplianceHome


@dataclass
class LaunchSpec:
    app: str
    version: str
    argv: list
    env: dict = field(repr=False)  # holds camera passwords: never log it
    cwd: str = ""
    view_port: Optional[int] = None
    stats_path: Optional[Path] = None


def _param_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def build_launch(home: ApplianceHome, apps: ApplicationStore, cameras: CameraRegistry, app: str, version: str,
                 view_port: Optional[int] = None) -> LaunchSpec:
    """Raises NotFoundError naming a missing camera or model: the application cannot start without them."""
    manifest = apps.manifest(app, version)
    folder = apps.version_dir(app, version)
    connections = [cameras.connection(name) for name in manifest.cameras]
    if not connections:
        raise InvalidArgumentError(f"application '{app}' version {version} has no camera: bind one "
                                   f"(manifest 'cameras', or panorama apps update {app} --camera NAME)")
    store = ModelStore(home.models_dir)
    argv = [sys.executable, "-m", "panoramasdk", "run", str(folder / manifest.entry), "--realtime",
            "--log-file", "-"]
    for connection in connections:
        argv += ["--camera", connection.url]
    for code_name, store_name in sorted(manifest.models.items()):
        argv += ["--model", f"{code_name}={store.find(store_name).path}"]
    for name, value in sorted(manifest.parameters.items()):
        argv += ["--param", f"{name}={_param_text(value)}"]
    if manifest.outputs.get("view") and view_port:
        argv += ["--view", f"127.0.0.1:{view_port}"]
    if manifest.outputs.get("record"):
        recordings = home.root / "recordings" / app
        recordings.mkdir(parents=True, exist_ok=True)
        argv += ["--record", str(recordings / f"{version}-{time.strftime('%Y%m%d-%H%M%S')}.mp4")]
    stats_path = home.run_dir / f"{app}.stats.json"
    env = dict(os.environ)
    env.update({
        "PANORAMA_HOME": str(home.root),
        CAMERA_SECRETS_ENV: json.dumps([[c.username, c.password] for c in connections]),
        LIVE_STATS_ENV: str(stats_path),
        "PYTHONUNBUFFERED": "1",
    })
    return LaunchSpec(app, version, argv, env, str(folder), view_port if manifest.outputs.get("view") else None,
                      stats_path)
