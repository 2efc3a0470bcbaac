"""Turns a model artefact that is not ONNX into an ONNX file, for ``panorama models import``.

Formats, told apart by the path (``detect_format``):

- ``onnx``: a ``.onnx`` file, used as it is;
- ``torchscript``: a ``.pt``/``.pth`` archive from ``torch.jit.save``, exported with ``torch.onnx.export``
  (the TorchScript exporter); it needs every input's shape (``--input NAME:SHAPE``, NAME an argument
  of its ``forward``) and feeds float32 zeros of those shapes;
- ``torch.export``: a ``.pt2`` archive from ``torch.export.save``, exported with ``torch.onnx.export``
  (needs ``onnxscript``); the program carries its input shapes;
- ``tensorflow``: a SavedModel folder (``saved_model.pb`` inside), converted by tf2onnx's command line
  in a child process, so TensorFlow is never loaded into this one.

The converters are optional: when one is missing, the error names the package to ``pip install``.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..errors import InvalidArgumentError, NotFoundError, UnsupportedError

log = logging.getLogger("panoramasdk.models")

Progress = Callable[[str, Optional[float]], None]  # (stage, fraction done or None when unknown)

TORCHSCRIPT_OPSET = 17  # the TorchScript exporter's; torch.export and tf2onnx use their own defaults
SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")
ACCEPTED = ("an ONNX file (.onnx), a TorchScript archive (.pt, .pth, from torch.jit.save), a torch.export "
            "archive (.pt2, from torch.export.save) or a TensorFlow SavedModel folder (with saved_model.pb)")
_SUFFIXES = {".onnx": "onnx", ".pt": "torchscript", ".pth": "torchscript", ".pt2": "torch.export"}


@dataclass(frozen=True)
class Converted:
    """The ONNX file to add and what it came from."""

    path: Path
    source_format: str  # one of descriptor.SOURCE_FORMATS


def detect_format(path: Path) -> str:
    """The source format of `path`; errors name the path and the formats accepted."""
    if not path.exists():
        raise NotFoundError(f"model {path} does not exist; expected {ACCEPTED}")
    if path.is_dir():
        if any((path / name).is_file() for name in SAVED_MODEL_FILES):
            return "tensorflow"
        raise InvalidArgumentError(f"No valid TensorFlow model found in {path}: expected saved_model.pb in it "
                                   f"(a SavedModel folder, written by tf.saved_model.save or Keras model.export)")
    suffix = path.suffix.lower()
    if suffix in (".h5", ".hdf5", ".keras"):
        raise InvalidArgumentError(f"{path} is a Keras {suffix} file, which is not supported: save the model as a "
                                   f"SavedModel folder (Keras model.export(DIR) or tf.saved_model.save(model, DIR)) "
                                   f"and import that folder")
    if suffix not in _SUFFIXES:
        raise InvalidArgumentError(f"{path}: the model format is not known from its name; expected {ACCEPTED}")
    return _SUFFIXES[suffix]


def to_onnx(path: Path, inputs: dict, workdir: Path, progress: Optional[Progress] = None) -> Converted:
    """The ONNX model for `path`: the file itself for ONNX, else a conversion written into `workdir`.
    `inputs` is {name: shape} (parsed ``--input``). Long steps report through `progress`."""
    path = Path(path).expanduser()
    source_format = detect_format(path)
    if source_format == "onnx":
        return Converted(path, source_format)
    report = progress or (lambda stage, fraction: None)
    target = workdir / "model.onnx"
    if source_format == "torchscript":
        _torchscript_to_onnx(path, inputs, target, report)
    elif source_format == "torch.export":
        _torch_export_to_onnx(path, target, report)
    else:
        _saved_model_to_onnx(path, target, report)
    if not target.is_file():
        raise InvalidArgumentError(f"converting {path} to ONNX wrote no model")
    log.info("converted %s (%s) to ONNX", path, source_format)
    return Converted(target, source_format)


def _installed(module: str) -> bool:
    if module in sys.modules:
        return sys.modules[module] is not None  # None: import blocked on purpose
    return importlib.util.find_spec(module) is not None


def _missing(package: str, what: str, install: str, why: str = "which is not installed") -> UnsupportedError:
    return UnsupportedError(f"converting {what} to ONNX needs {package}, {why}: pip install {install}")


def _require(module: str, package: str, what: str, install: str):
    """Imports `module`, or says which package to install to convert `what`."""
    if not _installed(module):
        raise _missing(package, what, install)
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise _missing(package, what, install, f"which does not import ({exc})") from exc


def _export_options(torch, **wanted) -> dict:
    """The options of torch.onnx.export that this PyTorch has (dynamo and external_data are recent)."""
    known = inspect.signature(torch.onnx.export).parameters
    return {key: value for key, value in wanted.items() if key in known}


def _forward_arguments(module) -> Optional[list]:
    """(name, has_default) of each argument of a TorchScript module's forward, self left out."""
    try:
        arguments = module.forward.schema.arguments
    except (AttributeError, RuntimeError):
        return None
    return [(a.name, bool(a.has_default_value())) for a in arguments if a.name != "self"]


def _example_order(path: Path, module, inputs: dict) -> list:
    """The inputs as forward takes them: errors name its arguments and the missing shapes."""
    arguments = _forward_arguments(module)
    if arguments is None:  # no schema to check against: take the inputs as given
        if not inputs:
            raise InvalidArgumentError(f"converting the TorchScript model {path.name} needs the shape of each input "
                                       f"of its forward: give --input NAME:SHAPE (batch first) for each")
        return list(inputs)
    names = [name for name, _ in arguments]
    required = [name for name, has_default in arguments if not has_default]
    shown = ", ".join(names) or "(none)"
    for name in inputs:
        if name not in names:
            raise InvalidArgumentError(f"TorchScript model {path.name} has no input '{name}'; "
                                       f"its inputs are: {shown}")
    missing = [name for name in required if name not in inputs]
    if missing:
        example = " ".join(f"--input {name}:1,3,224,224" for name in missing)
        raise InvalidArgumentError(f"converting the TorchScript model {path.name} needs the shape of each input of "
                                   f"forward({shown}); give {example} (batch first, your model's sizes)")
    given = [name for name in names if name in inputs]
    if names[:len(given)] != given:
        raise InvalidArgumentError(f"TorchScript model {path.name}: give shapes for the inputs of forward({shown}) "
                                   f"in order, without gaps; got {', '.join(inputs)}")
    return given


def _output_names(outputs) -> Optional[list]:
    """Readable names for a forward that returns a tensor or a flat tuple of them; None: the exporter's."""
    if hasattr(outputs, "shape"):
        return ["output"]
    if isinstance(outputs, (tuple, list)) and all(hasattr(o, "shape") for o in outputs):
        return [f"output{i}" for i in range(len(outputs))]
    return None


def _torchscript_to_onnx(path: Path, inputs: dict, target: Path, report: Progress) -> None:
    torch = _require("torch", "PyTorch", f"the PyTorch model {path.name}", "torch")
    report(f"loading the TorchScript model {path.name}", None)
    try:
        module = torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:
        raise InvalidArgumentError(
            f"{path} is not a TorchScript archive (torch.jit.load: {_first_line(exc)}); a state_dict or a pickled "
            f"nn.Module cannot be converted without its code: save the model with torch.jit.save(torch.jit.script"
            f"(model), PATH) or torch.export.save(torch.export.export(model, example), 'model.pt2')") from exc
    module.eval()
    names = _example_order(path, module, inputs)
    examples = tuple(torch.zeros(inputs[name], dtype=torch.float32) for name in names)
    report("running the model once on zeros", None)
    try:
        with torch.no_grad():
            outputs = module(*examples)
    except Exception as exc:
        shapes = ", ".join(f"{name}:{','.join(map(str, inputs[name]))}" for name in names)
        raise InvalidArgumentError(f"TorchScript model {path.name} failed on float32 zeros of shapes {shapes}: "
                                   f"{_first_line(exc)}; check the input shapes") from exc
    report("exporting to ONNX (torch.onnx.export)", None)
    options = _export_options(torch, dynamo=False, opset_version=TORCHSCRIPT_OPSET)
    try:
        torch.onnx.export(module, examples, str(target), input_names=names, output_names=_output_names(outputs),
                          **options)
    except Exception as exc:
        raise InvalidArgumentError(f"torch.onnx.export could not convert {path.name}: {_first_line(exc)}") from exc


def _torch_export_to_onnx(path: Path, target: Path, report: Progress) -> None:
    torch = _require("torch", "PyTorch", f"the PyTorch model {path.name}", "torch")
    _require("onnxscript", "ONNX Script (torch.onnx's exporter for torch.export programs)",
             f"the torch.export model {path.name}", "onnxscript")
    report(f"loading the torch.export model {path.name}", None)
    try:
        program = torch.export.load(str(path))
    except Exception as exc:
        raise InvalidArgumentError(f"{path} is not a torch.export archive (torch.export.load: {_first_line(exc)}); "
                                   f"save one with torch.export.save(torch.export.export(model, example), PATH)"
                                   ) from exc
    report("exporting to ONNX (torch.onnx.export)", None)
    # The program carries its inputs, so no example is passed; weights go inside the one file.
    options = _export_options(torch, dynamo=True, external_data=False)
    try:
        torch.onnx.export(program, (), str(target), **options)
    except Exception as exc:
        raise InvalidArgumentError(f"torch.onnx.export could not convert {path.name}: {_first_line(exc)}") from exc


def _saved_model_to_onnx(path: Path, target: Path, report: Progress) -> None:
    what = f"the TensorFlow SavedModel {path}"
    for module, package, install in (("tensorflow", "TensorFlow", "tensorflow tf2onnx"),
                                     ("tf2onnx", "tf2onnx", "tf2onnx")):
        if not _installed(module):
            raise _missing(package, what, install)
    report("converting the SavedModel (tf2onnx)", None)
    command = [sys.executable, "-m", "tf2onnx.convert", "--saved-model", str(path), "--output", str(target)]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        raise InvalidArgumentError(f"tf2onnx could not convert {path}: {lines[-1] if lines else 'no message'} "
                                   f"(exit status {proc.returncode})")


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0].strip() if lines else type(exc).__name__
