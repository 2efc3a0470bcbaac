"""Applications and their immutable versions: create, new version, deploy, roll back, clone, delete.

An application is a name with a list of versions (app_versions.py) and, when deployed, the version the
supervisor should run. Changing anything (code, a parameter, a camera binding) makes a new version;
deploying or rolling back only moves the pointer, so going back is instant and exact.

On disk: ``apps/<name>/versions/<version>/``. A version folder is moved into place before its row is
committed; :meth:`ApplicationStore.repair` removes what a crash between the two left behind.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Optional

from ..errors import InvalidArgumentError, NotFoundError, StateError
from . import app_versions
from .app_manifest import AppManifest, parse_manifest, read_manifest
from .home import ApplianceHome
from .names import validate_name
from .state_db import StateDB, now

log = logging.getLogger("panoramasdk.appliance")


class ApplicationStore:
    def __init__(self, home: ApplianceHome, db: StateDB):
        self._home = home
        self._db = db

    # ---- reading
    def list(self) -> list:
        """Every application with its deployment, version count and newest version."""
        apps = self._db.query("SELECT * FROM applications ORDER BY name")
        for app in apps:
            versions = self.versions(app["name"])
            app["versions"] = len(versions)
            app["latest_version"] = versions[-1]["version"] if versions else None
        return apps

    def get(self, name: str) -> dict:
        app = self._db.query_one("SELECT * FROM applications WHERE name = ?", (name,))
        if app is None:
            raise self._not_found(name)
        app["versions"] = self.versions(name)
        app["history"] = self._db.query("SELECT version, action, at FROM deploy_history WHERE app = ? "
                                        "ORDER BY id", (name,))
        return app

    def versions(self, name: str) -> list:
        rows = self._db.query("SELECT version, seq, created, manifest, parent, note FROM versions WHERE app = ? "
                              "ORDER BY seq", (name,))
        for row in rows:
            row["manifest"] = json.loads(row["manifest"])
        return rows

    def version(self, name: str, version: str) -> dict:
        row = self._db.query_one("SELECT version, seq, created, manifest, parent, note FROM versions "
                                 "WHERE app = ? AND version = ?", (name, version))
        if row is None:
            self.get(name)  # an unknown application is the better error
            known = ", ".join(v["version"] for v in self.versions(name))
            raise NotFoundError(f"application '{name}' has no version {version!r}; its versions: {known}")
        row["manifest"] = json.loads(row["manifest"])
        return row

    def manifest(self, name: str, version: str) -> AppManifest:
        return parse_manifest(self.version(name, version)["manifest"], f"version {version} of '{name}'")

    def version_dir(self, name: str, version: str) -> Path:
        return self._home.apps_dir / name / "versions" / version

    def verify(self, name: str, version: str) -> str:
        """'' when the version's folder is intact, else the problem."""
        return app_versions.verify(self.version_dir(name, version), version)

    # ---- making versions
    def create(self, source, name: Optional[str] = None, **changes) -> dict:
        """A new application from a folder (code + optional panorama-app.json); `changes` override manifest
        fields (cameras, parameters, models, entry, description, outputs). Returns its first version."""
        source = self._source_folder(source)
        manifest = read_manifest(source, name or "").with_changes(name=name, **changes)
        with self._db.connect() as db:
            if db.execute("SELECT 1 FROM applications WHERE name = ?", (manifest.name,)).fetchone():
                raise InvalidArgumentError(f"application '{manifest.name}' already exists; add a version to it "
                                           f"(panorama apps update {manifest.name} FOLDER) or pick another name")
            db.execute("INSERT INTO applications (name, created) VALUES (?, ?)", (manifest.name, now()))
        try:
            return self._add_version(manifest.name, source, manifest, parent=None, note="created")
        except BaseException:
            self._db.execute("DELETE FROM applications WHERE name = ? AND NOT EXISTS "
                             "(SELECT 1 FROM versions WHERE app = ?)", (manifest.name, manifest.name))
            raise

    def new_version(self, name: str, source=None, base: Optional[str] = None, note: str = "", **changes) -> dict:
        """A new version of `name`: from a folder (`source`), or from version `base` (default: the newest)
        with `changes` to its manifest. Making an identical version is an error that names the existing one."""
        app = self.get(name)
        if source is not None:
            folder = self._source_folder(source)
            manifest = read_manifest(folder, name).with_changes(name=name, **changes)
            parent = app["versions"][-1]["version"]
        else:
            parent = base or app["versions"][-1]["version"]
            folder = self.version_dir(name, parent)
            problem = self.verify(name, parent)
            if problem:
                raise StateError(f"cannot make a version of '{name}' from {parent}: {problem}")
            manifest = self.manifest(name, parent).with_changes(name=name, **changes)
        return self._add_version(name, folder, manifest, parent=parent, note=note)

    def clone(self, name: str, new_name: str, version: Optional[str] = None) -> dict:
        """A new application `new_name` whose first version is a copy of `name`'s `version` (default: the
        deployed one, else the newest)."""
        app = self.get(name)
        validate_name("application", new_name)
        version = version or app["deployed_version"] or app["versions"][-1]["version"]
        problem = self.verify(name, version)
        if problem:
            raise StateError(f"cannot clone '{name}' version {version}: {problem}")
        manifest = self.manifest(name, version).with_changes(name=new_name)
        return self.create(self.version_dir(name, version), new_name, **_fields_of(manifest))

    def _add_version(self, name: str, folder: Path, manifest: AppManifest, parent, note: str) -> dict:
        versions_dir = self._home.apps_dir / name / "versions"
        staging, version = app_versions.stage_version(folder, manifest, versions_dir)
        target = versions_dir / version
        try:
            with self._db.connect() as db:
                if db.execute("SELECT 1 FROM versions WHERE app = ? AND version = ?", (name, version)).fetchone():
                    raise InvalidArgumentError(f"application '{name}' already has this exact content as version "
                                               f"{version}: nothing changed")
                seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE app = ?", (name,)).fetchone()[0]
                if target.exists():  # left by a crash before its row was committed
                    app_versions.remove_tree(target)
                os.replace(staging, target)
                db.execute("INSERT INTO versions (app, version, seq, created, manifest, parent, note) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (name, version, seq, now(), manifest.to_json(), parent, note))
        except BaseException:
            app_versions.remove_tree(staging)
            raise
        log.info("application '%s': version %s (#%d) made%s", name, version, seq, f" from {parent}" if parent else "")
        return self.version(name, version)

    # ---- deploying
    def deploy(self, name: str, version: Optional[str] = None, action: str = "deploy") -> dict:
        """Asks the supervisor to run `version` (default: the newest) of `name`. The folder is checked first."""
        app = self.get(name)
        version = version or app["versions"][-1]["version"]
        self.version(name, version)
        problem = self.verify(name, version)
        if problem:
            raise StateError(f"cannot deploy '{name}' version {version}: {problem}")
        with self._db.connect() as db:
            db.execute("UPDATE applications SET deployed_version = ?, desired = 'running' WHERE name = ?",
                       (version, name))
            db.execute("INSERT INTO deploy_history (app, version, action, at) VALUES (?, ?, ?, ?)",
                       (name, version, action, now()))
        log.info("application '%s': version %s %s", name, version, "rolled back to" if action == "rollback" else
                 "deployed")
        return self.get(name)

    def rollback(self, name: str, version: Optional[str] = None) -> dict:
        """Deploys `version`, or else the version deployed before the current one."""
        app = self.get(name)
        if version is None:
            current = app["deployed_version"]
            earlier = [h["version"] for h in app["history"] if h["version"] != current]
            if not current or not earlier:
                raise StateError(f"application '{name}' has no earlier deployment to roll back to")
            version = earlier[-1]
        return self.deploy(name, version, action="rollback")

    def stop(self, name: str) -> dict:
        self.get(name)
        self._db.execute("UPDATE applications SET desired = 'stopped' WHERE name = ?", (name,))
        return self.get(name)

    def start(self, name: str) -> dict:
        app = self.get(name)
        if not app["deployed_version"]:
            raise StateError(f"application '{name}' was never deployed: deploy a version first")
        return self.deploy(name, app["deployed_version"])

    # ---- deleting
    def delete_version(self, name: str, version: str) -> None:
        """Deletes a version that is neither deployed nor the application's last one."""
        app = self.get(name)
        self.version(name, version)
        if len(app["versions"]) == 1:
            raise StateError(f"version {version} is the only version of '{name}': delete the application instead")
        if app["deployed_version"] == version:
            raise StateError(f"version {version} of '{name}' is deployed: deploy another version first")
        self._db.execute("DELETE FROM versions WHERE app = ? AND version = ?", (name, version))
        app_versions.remove_tree(self.version_dir(name, version))
        log.info("application '%s': version %s deleted", name, version)

    def delete(self, name: str) -> None:
        """Deletes the application and every version; the supervisor stops it (it is no longer wanted)."""
        self.get(name)
        self._db.execute("DELETE FROM applications WHERE name = ?", (name,))
        app_versions.remove_tree(self._home.apps_dir / name)
        log.info("application '%s' deleted", name)

    # ---- after a crash
    def repair(self) -> list:
        """Removes staging folders and version folders without a row (a crash between copy and commit).
        Returns what it removed."""
        removed = []
        known = {(r["app"], r["version"]) for r in self._db.query("SELECT app, version FROM versions")}
        apps = {r["name"] for r in self._db.query("SELECT name FROM applications")}
        for app_dir in sorted(self._home.apps_dir.glob("*")):
            if app_dir.name not in apps:
                removed.append(app_dir)
                continue
            for folder in sorted((app_dir / "versions").glob("*")):
                if folder.name.startswith(app_versions.STAGING_PREFIX) or (app_dir.name, folder.name) not in known:
                    removed.append(folder)
        for folder in removed:
            log.warning("removing %s: left by an interrupted change", folder)
            app_versions.remove_tree(folder)
        return removed

    # ----
    def _source_folder(self, source) -> Path:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            raise NotFoundError(f"application folder {folder} does not exist (expected a folder with the code "
                                f"and, optionally, panorama-app.json)")
        return folder.resolve()

    def _not_found(self, name: str) -> NotFoundError:
        known = [r["name"] for r in self._db.query("SELECT name FROM applications ORDER BY name")]
        return NotFoundError(f"application '{name}' not found; known applications: {', '.join(known) or '(none)'}")


def _fields_of(manifest: AppManifest) -> dict:
    return {"entry": manifest.entry, "description": manifest.description, "models": manifest.models,
            "parameters": manifest.parameters, "cameras": manifest.cameras, "outputs": manifest.outputs}
