"""The appliance's data folder (``$PANORAMA_HOME``, default ``~/.panorama``), like the appliance's ``/data``.

Everything that must survive an upgrade lives here: the state database, the key that encrypts camera
passwords, the API token, models, application versions, logs and the files running applications write
(live statistics). The folder is private to its owner (mode 0700); the key and the token are 0600.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from ..models.store import panorama_home


@dataclass(frozen=True)
class ApplianceHome:
    root: Path

    @classmethod
    def resolve(cls, root: Optional[Union[str, os.PathLike]] = None) -> ApplianceHome:
        """`root`, else $PANORAMA_HOME, else ~/.panorama; created (0700) when missing."""
        home = cls(Path(root).expanduser() if root is not None else panorama_home())
        home.ensure()
        return home

    def ensure(self) -> None:
        for folder in (self.root, self.apps_dir, self.logs_dir, self.run_dir, self.models_dir):
            folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)

    @property
    def db_path(self) -> Path:
        return self.root / "state.db"

    @property
    def key_path(self) -> Path:
        return self.root / "secret.key"

    @property
    def token_path(self) -> Path:
        return self.root / "api-token"

    @property
    def apps_dir(self) -> Path:
        return self.root / "apps"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def run_dir(self) -> Path:
        """Files of the running applications (live statistics); rebuilt at every start."""
        return self.root / "run"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    def app_log(self, app: str) -> Path:
        return self.logs_dir / "apps" / f"{app}.log"


def write_private_file(path: Path, data: bytes) -> None:
    """Writes `data` to `path` with mode 0600 from the first byte, atomically (temp file + rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_private_file(path: Path, what: str) -> bytes:
    """Reads a secret file, refusing one that others can read (it would have leaked already)."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PermissionError(f"{what} {path} has mode {mode:o}; expected 0600 (readable by its owner only): "
                              f"fix it with chmod 600 {path}")
    return path.read_bytes()
