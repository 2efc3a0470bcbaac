"""An application's manifest, ``panorama-app.json`` in its folder: what the supervisor needs to run it.

    {
      "name": "people-counter",
      "entry": "app.py",
      "description": "counts people",
      "models": {"aws-panorama-sample-model": "people-ssd"},
      "parameters": {"threshold": 0.5},
      "cameras": ["lobby"],
      "outputs": {"view": true, "record": false}
    }

``models`` maps the name the code opens (``model().open(NAME)``) to a model in the store; ``cameras`` are
camera names from the camera list, in ``video_in`` order; ``parameters`` override the defaults declared by
the application's ``interface()``. Only ``entry`` is required (``name`` defaults to the folder's name).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InvalidArgumentError
from .names import validate_name

MANIFEST_FILE = "panorama-app.json"
_FIELDS = ("name", "entry", "description", "models", "parameters", "cameras", "outputs")
_OUTPUTS = ("view", "record")


@dataclass
class AppManifest:
    name: str
    entry: str = "app.py"
    description: str = ""
    models: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    cameras: list = field(default_factory=list)
    outputs: dict = field(default_factory=lambda: {"view": True, "record": False})

    def to_json(self) -> str:
        """Canonical text (sorted keys): equal manifests give equal bytes, hence equal version hashes."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def with_changes(self, **changes) -> AppManifest:
        """A checked copy with some fields replaced (None leaves a field as it is)."""
        data = asdict(self)
        data.update({k: v for k, v in changes.items() if v is not None})
        return parse_manifest(data, "the changed manifest")


def _check_mapping(where: str, key: str, value, value_types: tuple) -> dict:
    if not isinstance(value, dict):
        raise InvalidArgumentError(f"{where}: '{key}' must be an object, got {type(value).__name__}")
    for k, v in value.items():
        if not isinstance(k, str) or not k:
            raise InvalidArgumentError(f"{where}: '{key}' has an empty or non-text name")
        if isinstance(v, bool) and bool not in value_types or not isinstance(v, value_types):
            expected = " or ".join(t.__name__ for t in value_types)
            raise InvalidArgumentError(f"{where}: '{key}.{k}' must be {expected}, got {type(v).__name__} ({v!r})")
    return dict(value)


def parse_manifest(data, where: str, default_name: str = "") -> AppManifest:
    """Checks a manifest (a dict); `where` names its origin in errors."""
    if not isinstance(data, dict):
        raise InvalidArgumentError(f"{where}: expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise InvalidArgumentError(f"{where}: unknown field(s) {', '.join(unknown)}; expected {', '.join(_FIELDS)}")
    name = validate_name("application", data.get("name") or default_name)
    entry = data.get("entry", "app.py")
    if not isinstance(entry, str) or not entry.endswith(".py") or entry.startswith("/") or ".." in Path(entry).parts:
        raise InvalidArgumentError(f"{where}: 'entry' must be a relative path to a .py file, got {entry!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise InvalidArgumentError(f"{where}: 'description' must be text")
    models = _check_mapping(where, "models", data.get("models", {}), (str,))
    parameters = _check_mapping(where, "parameters", data.get("parameters", {}), (int, float, str, bool))
    cameras = data.get("cameras", [])
    if not isinstance(cameras, list) or not all(isinstance(c, str) for c in cameras):
        raise InvalidArgumentError(f"{where}: 'cameras' must be a list of camera names, got {cameras!r}")
    for camera in cameras:
        validate_name("camera", camera)
    outputs = {"view": True, "record": False}
    outputs.update(_check_mapping(where, "outputs", data.get("outputs", {}), (bool,)))
    if set(outputs) - set(_OUTPUTS):
        raise InvalidArgumentError(f"{where}: 'outputs' takes only {', '.join(_OUTPUTS)}")
    return AppManifest(name, entry, description, models, parameters, list(cameras), outputs)


def read_manifest(folder: Path, default_name: str = "") -> AppManifest:
    """The folder's panorama-app.json; without one, a manifest naming the folder and its app.py."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        return parse_manifest({}, str(path), default_name or folder.name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"{path}: not valid JSON: {exc}") from None
    return parse_manifest(data, str(path), default_name or folder.name)
