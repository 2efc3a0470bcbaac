"""An application version's folder on disk: copied in once, named by its content hash, never changed.

A version folder holds the application's files and its effective manifest. Its id is the first 12 hex
digits of a SHA-256 over every file (relative path and bytes, in path order), so the same code with the
same manifest always gives the same id, and any change, even one parameter, gives a new one. The hash is
checked again before each start: a folder changed or damaged after the fact is reported, never run.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InvalidArgumentError
from .app_manifest import MANIFEST_FILE, AppManifest

ID_LENGTH = 12
MAX_APP_BYTES = 256 * 1024 * 1024  # code and small assets; models belong in the model store
_SKIPPED_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".venv", "node_modules"}
STAGING_PREFIX = ".staging-"


def _app_files(folder: Path) -> list:
    """Relative paths of the files that make the application (hidden files and caches left out)."""
    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            files.append((Path(dirpath) / name).relative_to(folder))
    return sorted(files, key=lambda p: p.as_posix())


def content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for rel in _app_files(folder):
        digest.update(rel.as_posix().encode("utf-8") + b"\0")
        file_digest = hashlib.sha256()
        with open(folder / rel, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(file_digest.digest())
    return digest.hexdigest()[:ID_LENGTH]


def stage_version(source: Path, manifest: AppManifest, versions_dir: Path) -> tuple:
    """Copies `source`'s files and `manifest` into a staging folder under `versions_dir`.
    Returns (staging folder, version id); the caller renames it into place or removes it."""
    entry = source / manifest.entry
    if not entry.is_file():
        raise InvalidArgumentError(f"application folder {source} has no entry file {manifest.entry!r} "
                                   f"(the manifest's 'entry')")
    files = [rel for rel in _app_files(source) if rel.as_posix() != MANIFEST_FILE]
    total = sum((source / rel).stat().st_size for rel in files)
    if total > MAX_APP_BYTES:
        raise InvalidArgumentError(f"application folder {source} holds {total / 2**20:.0f} MiB; at most "
                                   f"{MAX_APP_BYTES // 2**20} MiB expected (import models with panorama models "
                                   f"import instead of shipping them in the folder)")
    versions_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=versions_dir))
    try:
        for rel in files:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, staging / rel)
        (staging / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
        _make_read_only(staging)
        return staging, content_hash(staging)
    except BaseException:
        remove_tree(staging)
        raise


def _make_read_only(folder: Path) -> None:
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            os.chmod(Path(dirpath) / name, 0o444)


def remove_tree(folder: Path) -> None:
    """Removes a version folder (its files are read-only, its folders are not)."""
    shutil.rmtree(folder, ignore_errors=True)


def verify(folder: Path, version: str) -> str:
    """'' when the folder still hashes to `version`, else what is wrong with it."""
    if not folder.is_dir():
        return f"version folder {folder} is missing"
    try:
        actual = content_hash(folder)
    except OSError as exc:
        return f"version folder {folder} cannot be read: {exc}"
    if actual != version:
        return f"version folder {folder} was changed after it was made (its content hashes to {actual}, not {version})"
    return ""
