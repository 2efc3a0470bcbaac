"""A model's preprocessing, recorded beside it so the fast path needs no code in the application.

In ``model.json`` (and in an ONNX file's metadata under ``panoramasdk.preprocess``, as JSON) it is
the ``PreprocessSpec`` fields plus the input they feed:

    "preprocess": {"input": "data", "size": [512, 512], "resize": "bilinear", "channel_order": "bgr",
                   "scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406],
                   "std": [0.229, 0.224, 0.225], "layout": "nchw", "dtype": "float32"}

``input`` defaults to the model's first input. The spec must produce exactly that input's item shape
and dtype; the check runs when the model is added, so a wrong spec never reaches a camera.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import InvalidArgumentError
from ..preprocess import PreprocessSpec

ONNX_METADATA_KEY = "panoramasdk.preprocess"


@dataclass(frozen=True)
class ModelPreprocess:
    """The spec of one model input: ``input`` names it, ``spec`` says how a frame becomes its tensor."""

    input: str
    spec: PreprocessSpec

    def to_json(self) -> dict:
        return {"input": self.input, **self.spec.to_dict()}


def parse_preprocess(value: Any, inputs: list, where: str) -> Optional[ModelPreprocess]:
    """Checks a ``preprocess`` object (a dict, JSON text, or None) against the model's inputs
    (``TensorInfo`` list). Errors name `where` and the field at fault."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InvalidArgumentError(f"{where}: preprocess is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise InvalidArgumentError(f"{where}: preprocess must be a JSON object; got {type(value).__name__}")
    fields = dict(value)
    names = [t.name for t in inputs]
    input_name = fields.pop("input", names[0])
    if input_name not in names:
        raise InvalidArgumentError(f"{where}: preprocess input {input_name!r} is not an input of the model; "
                                   f"its inputs are: {', '.join(names)}")
    spec = PreprocessSpec.from_dict(fields, where=f"{where} preprocess")
    target = inputs[names.index(input_name)]
    produced = tuple(spec.output_shape(1))[1:]
    expected = tuple(target.shape)[1:]
    if produced != expected:
        raise InvalidArgumentError(
            f"{where}: preprocess makes items of shape {produced} ({spec.layout}, size {spec.size[0]}x{spec.size[1]}) "
            f"but input '{input_name}' takes {expected}; fix 'size' (width, height) or 'layout'")
    if spec.dtype != target.dtype:
        raise InvalidArgumentError(f"{where}: preprocess makes {spec.dtype} but input '{input_name}' takes "
                                   f"{target.dtype}; set 'dtype' to {target.dtype!r}")
    return ModelPreprocess(input_name, spec)


def describe_preprocess(pre: Optional[ModelPreprocess]) -> str:
    """One line for listings: ``data <- 512x512 bilinear bgr nchw float32`` or ``none``."""
    if pre is None:
        return "none"
    s = pre.spec
    box = " letterbox" if s.letterbox else ""
    return f"{pre.input} <- {s.size[0]}x{s.size[1]} {s.resize}{box} {s.channel_order} {s.layout} {s.dtype}"
