"""The cameras the appliance knows: name, stream URL, user name and password (encrypted at rest).

URLs are stored without credentials: a URL given as ``rtsp://user:pass@host/path`` is split, and the
password is kept only as a Fernet token (secret_box.py). No method that lists or describes cameras returns
a password; only :meth:`CameraRegistry.connection` does, for the supervisor that starts applications.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import InvalidArgumentError, NotFoundError
from .names import validate_name
from .secret_box import SecretBox
from .state_db import StateDB, now

log = logging.getLogger("panoramasdk.appliance")

SCHEMES = ("rtsp", "rtsps", "http", "https", "file", "testsrc")


@dataclass(frozen=True)
class CameraConnection:
    """What an application needs to open the camera (holds the password: never log it)."""

    name: str
    url: str
    username: str
    password: str


def split_credentials(url: str) -> tuple:
    """(url without user:pass, user, password) for any URL; user and password are percent-decoded."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, "", ""
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port is not None else "")
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, unquote(parts.username or ""), unquote(parts.password or "")


def check_url(url) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidArgumentError("camera url is empty: expected rtsp://host[:port]/path (or a video file path)")
    url = url.strip()
    if "://" not in url:
        if url.startswith("/"):
            return url  # a video file played as a camera (tests, demos)
        raise InvalidArgumentError(f"camera url {url!r} has no scheme: expected rtsp://host[:port]/path or an "
                                   f"absolute path to a video file")
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise InvalidArgumentError(f"camera url scheme {parts.scheme!r} is not supported: expected one of "
                                   f"{', '.join(SCHEMES)}")
    if parts.scheme.startswith(("rtsp", "http")) and not parts.hostname:
        raise InvalidArgumentError(f"camera url {split_credentials(url)[0]!r} has no host")
    return url


class CameraRegistry:
    def __init__(self, db: StateDB, box: SecretBox):
        self._db = db
        self._box = box

    def add(self, name: str, url: str, username: str = "", password: str = "", description: str = "",
            replace: bool = False) -> dict:
        """Adds (or with `replace`, updates) a camera. Credentials in `url` are moved out of it; explicit
        `username`/`password` win over them."""
        validate_name("camera", name)
        bare, url_user, url_password = split_credentials(check_url(url))
        username = username or url_user
        password = password or url_password
        token = self._box.encrypt(password) if password else ""
        with self._db.connect() as db:
            exists = db.execute("SELECT 1 FROM cameras WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise InvalidArgumentError(f"camera '{name}' already exists; remove it first or replace it")
            db.execute("INSERT OR REPLACE INTO cameras (name, url, username, password_enc, description, created) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (name, bare, username, token, description, now()))
        log.info("camera '%s' %s: %s", name, "updated" if exists else "added", bare)
        return self.get(name)

    def remove(self, name: str) -> None:
        if not self._db.execute("DELETE FROM cameras WHERE name = ?", (name,)):
            raise self._not_found(name)
        log.info("camera '%s' removed", name)

    def get(self, name: str) -> dict:
        """The camera's public record: name, url, username, has_password, description, created."""
        row = self._db.query_one("SELECT * FROM cameras WHERE name = ?", (name,))
        if row is None:
            raise self._not_found(name)
        return _public(row)

    def list(self) -> list:
        return [_public(row) for row in self._db.query("SELECT * FROM cameras ORDER BY name")]

    def connection(self, name: str) -> CameraConnection:
        row = self._db.query_one("SELECT * FROM cameras WHERE name = ?", (name,))
        if row is None:
            raise self._not_found(name)
        password = self._box.decrypt(row["password_enc"], f"the password of camera '{name}'") \
            if row["password_enc"] else ""
        return CameraConnection(name, row["url"], row["username"], password)

    def _not_found(self, name: str) -> NotFoundError:
        known = [row["name"] for row in self._db.query("SELECT name FROM cameras ORDER BY name")]
        return NotFoundError(f"camera '{name}' not found; known cameras: {', '.join(known) or '(none)'}")


def _public(row: dict) -> dict:
    return {"name": row["name"], "url": row["url"], "username": row["username"],
            "has_password": bool(row["password_enc"]), "description": row["description"],
            "created": row["created"]}

