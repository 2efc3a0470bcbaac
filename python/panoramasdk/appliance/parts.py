"""The appliance's parts, opened together over one data folder (the API server and the command line)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from ..errors import StateError
from ..models.store import ModelStore
from .applications import ApplicationStore
from .cameras import CameraRegistry
from .home import ApplianceHome
from .secret_box import SecretBox
from .state_db import StateDB


@dataclass
class Appliance:
    home: ApplianceHome
    db: StateDB
    cameras: CameraRegistry
    apps: ApplicationStore
    models: ModelStore
    supervisor: Optional[object] = None  # supervisor.Supervisor when this process runs the applications
    started: float = field(default_factory=time.time)

    @classmethod
    def open(cls, home: Optional[ApplianceHome] = None) -> Appliance:
        home = home or ApplianceHome.resolve()
        db = StateDB(home.db_path)
        return cls(home, db, CameraRegistry(db, SecretBox(home)), ApplicationStore(home, db),
                   ModelStore(home.models_dir))

    def remove_camera(self, name: str) -> None:
        """Removes a camera that no deployed application uses (it would fail at its next start)."""
        self.cameras.get(name)
        users = [app["name"] for app in self.apps.list() if app["deployed_version"]
                 and name in self.apps.manifest(app["name"], app["deployed_version"]).cameras]
        if users:
            raise StateError(f"camera '{name}' is used by the deployed application(s) {', '.join(users)}: deploy "
                             f"versions without it, or delete those applications, first")
        self.cameras.remove(name)
