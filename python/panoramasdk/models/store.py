"""The model store: models found by name, as on the appliance.

Each model is a folder ``$PANORAMA_HOME/models/<name>/`` (``PANORAMA_HOME`` defaults to
``~/.panorama``) holding the artefact (``model.onnx``) and its descriptor (``model.json``).
A run may also map names to ONNX files without touching the store: ``set_run_overrides`` (what
``panorama run --model NAME=PATH`` does) or, for an application started directly with Python,
``PANORAMA_MODELS=NAME=PATH,...`` in the environment.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Union

from ..errors import InvalidArgumentError, NotFoundError
from .convert import Progress, to_onnx
from .descriptor import DESCRIPTOR_FILE, ModelDescriptor
from .model_info import describe_entry
from .onnx_inspect import InputOverrides, describe_onnx, parse_input_overrides

log = logging.getLogger("panoramasdk.models")

ARTEFACT_FILE = "model.onnx"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

_overrides_lock = threading.Lock()
_run_overrides: Optional[dict] = None  # name -> Path; None: read PANORAMA_MODELS
_described: dict = {}  # (name, path, mtime, size) -> ModelDescriptor


def panorama_home() -> Path:
    """The data folder: $PANORAMA_HOME, else ~/.panorama."""
    return Path(os.environ.get("PANORAMA_HOME") or "~/.panorama").expanduser()


def validate_model_name(name: str) -> str:
    """A model name: letters, digits, '-', '_', '.'; starts with a letter or digit; at most 128 chars."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidArgumentError(f"model name {name!r} is not valid; use letters, digits, '-', '_' and '.', "
                                   f"starting with a letter or digit (no path separators)")
    return name


def set_run_overrides(overrides: Optional[Mapping[str, Union[str, os.PathLike]]]) -> None:
    """Use these ONNX files under these names for this process, before the store (None: clear)."""
    global _run_overrides
    if overrides is None:
        with _overrides_lock:
            _run_overrides = None
        return
    checked = {validate_model_name(name): Path(path).expanduser().resolve() for name, path in overrides.items()}
    with _overrides_lock:
        _run_overrides = checked


def run_overrides() -> dict:
    """The name -> ONNX path map in force: set_run_overrides, else PANORAMA_MODELS (NAME=PATH,...)."""
    with _overrides_lock:
        if _run_overrides is not None:
            return dict(_run_overrides)
    result = {}
    for item in os.environ.get("PANORAMA_MODELS", "").split(","):
        name, sep, path = item.strip().partition("=")
        if sep and name.strip() and path.strip():
            result[name.strip()] = Path(path.strip()).expanduser().resolve()
    return result


@dataclass(frozen=True)
class ModelEntry:
    """A model found by name: its descriptor and the artefact to load."""

    descriptor: ModelDescriptor
    path: Path           # the artefact (an ONNX file)
    folder: Optional[Path]  # the store folder; None for a run override

    @property
    def name(self) -> str:
        return self.descriptor.name

    @property
    def is_override(self) -> bool:
        return self.folder is None


class ModelStore:
    """Models by name under `root` (default: $PANORAMA_HOME/models)."""

    def __init__(self, root: Optional[Union[str, os.PathLike]] = None):
        self.root = Path(root).expanduser() if root is not None else panorama_home() / "models"

    def folder(self, name: str) -> Path:
        return self.root / validate_model_name(name)

    def add(self, name: str, path: Union[str, os.PathLike], input_override: InputOverrides = None,
            replace: bool = False, preprocess=None, progress: Optional[Progress] = None) -> ModelEntry:
        """Checks `path` is a loadable ONNX model, copies it into the store as `name` and records its
        descriptor. `input_override` ("NAME:1,3,512,512", several, or {name: shape}) fixes dynamic
        input dimensions; `preprocess` (a dict or JSON text, see preprocess_spec.py) records how frames
        become its input, replacing a spec embedded in the file. An existing model of that name is an
        error unless `replace`. `progress(stage, fraction)` hears of the check and the copy."""
        source = Path(path).expanduser()
        return self._install(name, source, input_override, replace, preprocess, progress, "onnx", source.name)

    def import_model(self, name: str, path: Union[str, os.PathLike], inputs: InputOverrides = None,
                     replace: bool = False, preprocess=None, progress: Optional[Progress] = None) -> ModelEntry:
        """Adds the model at `path` as `name`: an ONNX file, or a TorchScript (.pt), torch.export (.pt2)
        or TensorFlow SavedModel (folder) model converted to ONNX first (see convert.py). `inputs`
        ("NAME:SHAPE", several, or {name: shape}) gives the shapes a conversion needs and fixes dynamic
        dimensions; names and shapes are checked against the model. Otherwise as `add`."""
        self._check_free(name, replace)  # before a conversion that may take minutes
        source = Path(path).expanduser()
        with tempfile.TemporaryDirectory(prefix="panorama-import-") as work:
            converted = to_onnx(source, parse_input_overrides(inputs), Path(work), progress)
            return self._install(name, converted.path, inputs, replace, preprocess, progress,
                                 converted.source_format, source.name)

    def _check_free(self, name: str, replace: bool) -> Path:
        target = self.folder(name)
        if target.exists() and not replace:
            raise InvalidArgumentError(f"model '{name}' already exists in {self.root}; delete it first "
                                       f"(panorama models delete {name}) or replace it")
        return target

    def _install(self, name: str, source: Path, input_override: InputOverrides, replace: bool, preprocess,
                 progress: Optional[Progress], source_format: str, source_file: str) -> ModelEntry:
        """Checks the ONNX file `source` and copies it into the store with its descriptor."""
        target = self._check_free(name, replace)
        report = progress or (lambda stage, fraction: None)
        report("checking the model with ONNX Runtime", None)
        descriptor = describe_onnx(name, source, input_override, preprocess)
        descriptor.file = ARTEFACT_FILE
        descriptor.source_format, descriptor.source_file = source_format, source_file
        self.root.mkdir(parents=True, exist_ok=True)
        # Build the folder beside its final place, then swap it in: a half-copied model is never seen.
        staging = Path(tempfile.mkdtemp(prefix=f".add-{name}-", dir=self.root))
        try:
            _copy_with_progress(source, staging / ARTEFACT_FILE, report)
            descriptor.save(staging / DESCRIPTOR_FILE)
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("model '%s' added from %s to %s", name, source, target)
        return ModelEntry(descriptor, target / ARTEFACT_FILE, target)

    def _load(self, folder: Path) -> ModelEntry:
        descriptor = ModelDescriptor.load(folder / DESCRIPTOR_FILE)
        artefact = folder / descriptor.file
        if not artefact.is_file():
            raise NotFoundError(f"model '{folder.name}': its artefact {artefact} is missing")
        return ModelEntry(descriptor, artefact, folder)

    def list(self) -> list:
        """The models in the store, by name. Folders that are not valid models are skipped (logged)."""
        entries = []
        if not self.root.is_dir():
            return entries
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or folder.name.startswith(".") or not (folder / DESCRIPTOR_FILE).exists():
                continue
            try:
                entries.append(self._load(folder))
            except (InvalidArgumentError, NotFoundError) as exc:
                log.warning("skipping %s: %s", folder, exc)
        return entries

    def names(self) -> list:
        """Names of the stored models and of the run overrides, sorted."""
        return sorted({e.name for e in self.list()} | set(run_overrides()))

    def describe(self, name: str) -> dict:
        """What is known of the model called `name` (see model_info.describe_entry)."""
        return describe_entry(self.find(name))

    def delete(self, name: str) -> None:
        """Removes the model called `name` from the store (a run override is not touched)."""
        self.remove(name)

    def remove(self, name: str) -> None:
        folder = self.folder(name)
        if not (folder / DESCRIPTOR_FILE).exists():
            raise self._not_found(name)
        shutil.rmtree(folder)
        log.info("model '%s' removed from %s", name, self.root)

    def find(self, name: str) -> ModelEntry:
        """The model called `name`: a run override first, then the store. A missing name raises
        NotFoundError listing the known names and the store folder."""
        if not isinstance(name, str):
            raise InvalidArgumentError(f"model name must be a string; got {type(name).__name__}")
        override = run_overrides().get(name)
        if override is not None:
            return ModelEntry(_describe_override(name, override), override, None)
        if _NAME.match(name):
            folder = self.root / name
            if (folder / DESCRIPTOR_FILE).exists():
                return self._load(folder)
        raise self._not_found(name)

    def _not_found(self, name: str) -> NotFoundError:
        known = self.names()
        return NotFoundError(f"model {name!r} not found in {self.root}; known models: "
                             f"{', '.join(known) if known else '(none)'}; add one with: "
                             f"panorama models import {name} MODEL.onnx")


def _copy_with_progress(source: Path, target: Path, report: Progress, chunk: int = 4 << 20) -> None:
    total = source.stat().st_size
    done = 0
    report("copying into the store", 0.0)
    with open(source, "rb") as src, open(target, "wb") as dst:
        while True:
            block = src.read(chunk)
            if not block:
                break
            dst.write(block)
            done += len(block)
            report("copying into the store", done / total if total else 1.0)


def _describe_override(name: str, path: Path) -> ModelDescriptor:
    """Describes a run override once per file version (no copy, nothing written)."""
    try:
        stat = path.stat()
    except OSError:
        raise NotFoundError(f"model '{name}': run override file {path} does not exist") from None
    key = (name, str(path), stat.st_mtime_ns, stat.st_size)
    with _overrides_lock:
        cached = _described.get(key)
    if cached is None:
        cached = describe_onnx(name, path)
        cached.file = str(path)
        with _overrides_lock:
            _described[key] = cached
    return cached
