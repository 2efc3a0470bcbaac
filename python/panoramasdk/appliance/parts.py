"""The appliance's parts, opened together over one data folder (the API server and the command line)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

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
