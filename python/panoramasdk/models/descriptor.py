"""model.json: what the model store records about one model.

    {"name": "people-ssd", "framework": "onnx", "file": "model.onnx",
     "inputs":  [{"name": "data", "shape": [1, 3, 512, 512], "dtype": "float32"}],
     "outputs": [{"name": "scores", "shape": [1, 100, 1], "dtype": "float32"}, ...],
     "dynamic_batch": false, "created": "2021-03-01T12:00:00+00:00",
     "source_format": "torchscript", "source_file": "people-ssd.pt",   # optional: what was imported
     "preprocess": {"input": "data", "size": [512, 512], ...}}   # optional: see preprocess_spec.py

Shapes include the batch dimension as recorded (1 unless the model fixes another). ``dynamic_batch``
says whether the model takes any batch size in one call; when it does not and a batch size above 1
is asked for, the engine runs item by item. ``framework`` is the artefact's ("onnx"); ``source_format``
says what was imported and converted to it (one of SOURCE_FORMATS; "onnx" in files written before it
was recorded) and ``source_file`` the imported file's name ("" when unknown).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from ..errors import InvalidArgumentError
from .preprocess_spec import ModelPreprocess, parse_preprocess

DESCRIPTOR_FILE = "model.json"
FRAMEWORKS = ("onnx",)
SOURCE_FORMATS = ("onnx", "torchscript", "torch.export", "tensorflow")
DTYPES = ("float32", "float16", "float64", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "bool")


@dataclass(frozen=True)
class TensorInfo:
    """One input or output: its name, shape (batch dimension first) and numpy dtype name."""

    name: str
    shape: tuple
    dtype: str

    def to_json(self) -> dict:
        return {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}

    @staticmethod
    def from_json(value: Any, where: str) -> TensorInfo:
        if not isinstance(value, dict):
            raise InvalidArgumentError(f"{where}: expected an object with name, shape, dtype; got {value!r}")
        name, shape, dtype = value.get("name"), value.get("shape"), value.get("dtype")
        if not isinstance(name, str) or not name:
            raise InvalidArgumentError(f"{where}: 'name' must be a non-empty string; got {name!r}")
        if (not isinstance(shape, list) or not shape
                or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)):
            raise InvalidArgumentError(f"{where} '{name}': 'shape' must be a non-empty list of ints >= 0 "
                                       f"(batch first); got {shape!r}")
        if dtype not in DTYPES:
            raise InvalidArgumentError(f"{where} '{name}': 'dtype' {dtype!r} is not one of {', '.join(DTYPES)}")
        return TensorInfo(name, tuple(shape), dtype)


@dataclass
class ModelDescriptor:
    name: str
    framework: str
    file: str  # the artefact, relative to the model's folder (or absolute for a run override)
    inputs: list
    outputs: list
    dynamic_batch: bool = False
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    preprocess: Optional[ModelPreprocess] = None  # how a frame becomes an input tensor (the fast path)
    source_format: str = "onnx"  # what was imported: one of SOURCE_FORMATS
    source_file: str = ""        # the imported file's or folder's name

    def to_json(self) -> dict:
        data = {"name": self.name, "framework": self.framework, "file": self.file,
                "inputs": [t.to_json() for t in self.inputs], "outputs": [t.to_json() for t in self.outputs],
                "dynamic_batch": self.dynamic_batch, "created": self.created,
                "source_format": self.source_format, "source_file": self.source_file}
        if self.preprocess is not None:
            data["preprocess"] = self.preprocess.to_json()
        return data

    @staticmethod
    def from_json(data: Any, where: str) -> ModelDescriptor:
        """Checks every field; errors name `where` (the file) and the field at fault."""
        if not isinstance(data, dict):
            raise InvalidArgumentError(f"{where}: expected a JSON object")
        for key in ("name", "framework", "file"):
            if not isinstance(data.get(key), str) or not data.get(key):
                raise InvalidArgumentError(f"{where}: '{key}' must be a non-empty string; got {data.get(key)!r}")
        if data["framework"] not in FRAMEWORKS:
            raise InvalidArgumentError(f"{where}: framework {data['framework']!r} is not supported; "
                                       f"expected one of {', '.join(FRAMEWORKS)}")
        tensors = {}
        for key in ("inputs", "outputs"):
            items = data.get(key)
            if not isinstance(items, list) or not items:
                raise InvalidArgumentError(f"{where}: '{key}' must be a non-empty list")
            tensors[key] = [TensorInfo.from_json(v, f"{where} {key}[{i}]") for i, v in enumerate(items)]
        preprocess = parse_preprocess(data.get("preprocess"), tensors["inputs"], where)
        source_format = data.get("source_format", "onnx")
        if source_format not in SOURCE_FORMATS:
            raise InvalidArgumentError(f"{where}: source_format {source_format!r} is not one of "
                                       f"{', '.join(SOURCE_FORMATS)}")
        return ModelDescriptor(name=data["name"], framework=data["framework"], file=data["file"],
                               inputs=tensors["inputs"], outputs=tensors["outputs"],
                               dynamic_batch=bool(data.get("dynamic_batch", False)),
                               created=str(data.get("created", "")), preprocess=preprocess,
                               source_format=source_format, source_file=str(data.get("source_file") or ""))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    @staticmethod
    def load(path: Path) -> ModelDescriptor:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidArgumentError(f"model descriptor {path} cannot be read: {exc}") from exc
        return ModelDescriptor.from_json(data, str(path))
