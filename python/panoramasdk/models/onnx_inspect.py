"""Reads an ONNX file into a ModelDescriptor: checks that ONNX Runtime can load it, resolves input
shapes (``--input NAME:1,3,512,512`` for dynamic dimensions), records output shapes, running the
model once on zeros when they are not static, and takes the preprocessing spec given or embedded in
the file's metadata (``panoramasdk.preprocess``), checked against the input it feeds."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Union

import numpy as np

from ..errors import InvalidArgumentError, NotFoundError
from .descriptor import ModelDescriptor, TensorInfo
from .engine_onnxruntime import ORT_TYPES, create_session
from .preprocess_spec import ONNX_METADATA_KEY, parse_preprocess

InputOverrides = Union[None, str, Iterable[str], Mapping[str, Iterable[int]]]


def parse_input_overrides(overrides: InputOverrides) -> dict:
    """``"data:1,3,512,512"`` (or several, or ``{"data": (1, 3, 512, 512)}``) -> {name: shape}.

    The name is everything before the last colon (TensorFlow exports use names like ``input:0``);
    dims are positive integers separated by commas or ``x``."""
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        items = [(str(k), list(v)) for k, v in overrides.items()]
    else:
        if isinstance(overrides, str):
            overrides = [overrides]
        items = []
        for text in overrides:
            name, sep, dims = str(text).rpartition(":")
            if not sep or not name or not dims:
                raise InvalidArgumentError(f"input shape {text!r}: expected NAME:D1,D2,... like data:1,3,512,512")
            items.append((name, dims.replace("x", ",").split(",")))
    result = {}
    for name, dims in items:
        try:
            shape = tuple(int(str(d).strip()) for d in dims)
        except ValueError:
            shape = ()
        if not shape or any(d <= 0 for d in shape):
            raise InvalidArgumentError(f"input shape for '{name}': {dims!r} is not a list of positive integers "
                                       f"like 1,3,512,512")
        if name in result:
            raise InvalidArgumentError(f"input '{name}' is given twice")
        result[name] = shape
    return result


def _fmt(dims) -> str:
    """A shape as Python prints it; dynamic dims by their symbolic name ("N", "H") or "?"."""
    text = ", ".join(str(d) if isinstance(d, int) else str(d or "?") for d in dims)
    return f"({text},)" if len(dims) == 1 else f"({text})"


def _is_fixed(d) -> bool:
    return isinstance(d, int) and d > 0


def _dtype(ort_type: str, what: str) -> str:
    if ort_type not in ORT_TYPES:
        raise InvalidArgumentError(f"{what} has type {ort_type}; expected a numeric tensor")
    return ORT_TYPES[ort_type]


def describe_onnx(name: str, path: Path, input_overrides: InputOverrides = None, preprocess=None) -> ModelDescriptor:
    """Loads `path` with ONNX Runtime and describes it. `preprocess` (a dict or JSON text) replaces the
    spec embedded in the file. Errors name the file and what was expected."""
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"model file {path} does not exist")
    if path.is_dir():
        raise InvalidArgumentError(f"model file {path} is a folder; expected an ONNX model file (.onnx)")
    if path.stat().st_size == 0:
        raise InvalidArgumentError(f"model file {path} is empty; expected an ONNX model (.onnx)")
    try:
        session = create_session(path, threads=1)
    except InvalidArgumentError:
        raise
    except Exception as exc:
        text = str(exc).strip().splitlines()
        raise InvalidArgumentError(f"model file {path} is not a loadable ONNX model "
                                   f"({text[0] if text else type(exc).__name__}); expected an ONNX model (.onnx)"
                                   ) from exc

    overrides = parse_input_overrides(input_overrides)
    model_inputs = session.get_inputs()
    known = ", ".join(f"{i.name} {_fmt(i.shape)}" for i in model_inputs)
    for wanted in overrides:
        if wanted not in {i.name for i in model_inputs}:
            raise InvalidArgumentError(f"model file {path.name} has no input '{wanted}'; its inputs are: {known}")

    inputs = []
    for i in model_inputs:
        what = f"input '{i.name}' of {path.name}"
        dims = list(i.shape)
        if not dims:
            raise InvalidArgumentError(f"{what} is a scalar; expected a tensor with the batch dimension first")
        if i.name in overrides:
            shape = overrides[i.name]
            if len(shape) != len(dims):
                raise InvalidArgumentError(f"{what} has shape {_fmt(dims)} ({len(dims)} dims); the given shape "
                                           f"{_fmt(shape)} has {len(shape)}")
            for k, (d, o) in enumerate(zip(dims, shape)):
                if _is_fixed(d) and d != o:
                    raise InvalidArgumentError(f"{what} has shape {_fmt(dims)}; the given shape {_fmt(shape)} "
                                               f"does not fit it (dim {k} is fixed at {d})")
        else:
            missing = [k for k, d in enumerate(dims) if k > 0 and not _is_fixed(d)]
            if missing:
                example = ",".join("1" if k == 0 else (str(d) if _is_fixed(d) else f"<{d or 'dim' + str(k)}>")
                                   for k, d in enumerate(dims))
                raise InvalidArgumentError(f"{what} has dynamic shape {_fmt(dims)}; give its shape with "
                                           f"--input {i.name}:{example}")
            shape = tuple(d if _is_fixed(d) else 1 for d in dims)
        inputs.append(TensorInfo(i.name, tuple(int(d) for d in shape), _dtype(i.type, what)))
    dynamic_batch = all(not _is_fixed(i.shape[0]) for i in model_inputs)

    model_outputs = session.get_outputs()
    static = all(o.shape and all(_is_fixed(d) for d in o.shape) for o in model_outputs)
    if static and not overrides:
        shapes = [tuple(o.shape) for o in model_outputs]
    else:
        feeds = {t.name: np.zeros(t.shape, dtype=t.dtype) for t in inputs}
        try:
            values = session.run(None, feeds)
        except Exception as exc:
            raise InvalidArgumentError(
                f"model file {path.name} failed on zero inputs of shapes "
                f"{', '.join(f'{t.name} {_fmt(t.shape)}' for t in inputs)}: {str(exc).strip().splitlines()[0]}; "
                f"check the input shapes") from exc
        shapes = [tuple(np.shape(v)) for v in values]
    outputs = []
    for o, shape in zip(model_outputs, shapes):
        what = f"output '{o.name}' of {path.name}"
        if not shape:
            raise InvalidArgumentError(f"{what} is a scalar; expected a tensor with the batch dimension first")
        outputs.append(TensorInfo(o.name, tuple(int(d) for d in shape), _dtype(o.type, what)))
    if preprocess is not None:
        pre = parse_preprocess(preprocess, inputs, f"model '{name}'")
    else:
        embedded = session.get_modelmeta().custom_metadata_map.get(ONNX_METADATA_KEY)
        pre = parse_preprocess(embedded, inputs, f"model file {path.name} (metadata {ONNX_METADATA_KEY})")
    return ModelDescriptor(name=name, framework="onnx", file=path.name, inputs=inputs, outputs=outputs,
                           dynamic_batch=dynamic_batch, preprocess=pre)

