"""What ``panorama serve`` does before it answers anything: check the data folder, repair what a crash or
power cut left half-done, make the API token, start the supervisor."""
from __future__ import annotations

import logging

from ..errors import StateError
from .api.auth import load_or_create_token
from .applications import ApplicationStore
from .cameras import CameraRegistry
from .home import ApplianceHome
from .secret_box import SecretBox
from .state_db import StateDB

log = logging.getLogger("panoramasdk.appliance")


def open_appliance(home: ApplianceHome, run_applications: bool = True):
    """Returns the started Supervisor (None when `run_applications` is false). Raises StateError when
    the state database is damaged beyond what SQLite repairs by itself."""
    db = StateDB(home.db_path)
    problems = db.integrity_problems()
    if problems:
        raise StateError(f"the state database {home.db_path} is damaged ({'; '.join(problems[:3])}); restore it "
                         f"from a backup or move it away to start empty")
    apps = ApplicationStore(home, db)
    for folder in apps.repair():
        log.warning("repaired: removed %s (an interrupted change)", folder)
    for path in home.run_dir.glob("*.stats.json"):  # from processes of an earlier start
        path.unlink(missing_ok=True)
    load_or_create_token(home)
    if not run_applications:
        return None
    from .supervisor import Supervisor

    supervisor = Supervisor(home, db, apps, CameraRegistry(db, SecretBox(home)))
    supervisor.start()
    return supervisor
