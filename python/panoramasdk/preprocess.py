"""Fused preprocessing: a decoded frame to a model's input tensor in one native pass.

Beyond the Panorama API (applications that preprocess with numpy or OpenCV still work, just slower)::

    spec = PreprocessSpec(size=(512, 512), channel_order="bgr",
                          mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
    tensor = preprocess(media.image, spec)          # (1, 3, 512, 512) float32

Per output channel ``c``: ``(resized[c] * scale - mean[c]) / std[c]``, where ``resized`` is the source
resized (bilinear like cv2.INTER_LINEAR, or area like cv2.INTER_AREA) in float, never rounded to uint8.
With ``letterbox`` the source keeps its aspect ratio and the rest is ``pad_value`` (source units, 0..255);
``preprocess_transform`` says where the source landed, to map detections back. Sources: H x W x 3 uint8
BGR or RGB arrays (any row stride), NV12 and I420 planes from a decoder (BT.601, limited range unless
``full_range``; even sizes), or a ``media``. The semantics are written down in
``include/panoramasdk/image/pixel_math.hpp``.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

import numpy as np

from ._native import core
from .errors import InvalidArgumentError
from .media import media

_MAX_SIDE = 16384
_RESIZE = {"bilinear": core.ResizeMethod.Bilinear, "area": core.ResizeMethod.Area}
_LAYOUTS = {"nchw": core.TensorLayout.NCHW, "nhwc": core.TensorLayout.NHWC}
_DTYPES = ("float32", "float16")
_ORDERS = ("rgb", "bgr")
_FORMATS = {"bgr": core.PixelFormat.BGR, "rgb": core.PixelFormat.RGB,
            "nv12": core.PixelFormat.NV12, "i420": core.PixelFormat.I420}


def _fail(where: str, field: str, expected: str, value: Any) -> None:
    prefix = f"{where}: " if where else ""
    raise InvalidArgumentError(f"{prefix}{field} must be {expected}; got {value!r}")


def _number(where: str, field: str, value: Any, nonzero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        _fail(where, field, "a number", value)
    number = float(value)
    if not math.isfinite(number) or (nonzero and number == 0.0):
        _fail(where, field, "a finite non-zero number" if nonzero else "a finite number", value)
    return number


def _triple(where: str, field: str, value: Any, nonzero: bool = False) -> Tuple[float, float, float]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 3:
        _fail(where, field, "3 numbers (one per output channel)", value)
    return tuple(_number(where, f"{field}[{i}]", v, nonzero) for i, v in enumerate(value))


def _choice(where: str, field: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value.lower() not in choices:
        _fail(where, field, " or ".join(repr(c) for c in choices), value)
    return value.lower()


def _checked_fields(fields: dict, where: str) -> dict:
    """The spec's fields checked and normalised (tuples, floats, lower-case names)."""
    size = fields["size"]
    if (isinstance(size, (str, bytes)) or not isinstance(size, Sequence) or len(size) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 1 <= v <= _MAX_SIDE
                       for v in size)):
        _fail(where, "size", f"(width, height), two integers in 1..{_MAX_SIDE}", size)
    if not isinstance(fields["letterbox"], (bool, np.bool_)):
        _fail(where, "letterbox", "true or false", fields["letterbox"])
    return {
        "size": (int(size[0]), int(size[1])),
        "resize": _choice(where, "resize", fields["resize"], tuple(_RESIZE)),
        "letterbox": bool(fields["letterbox"]),
        "pad_value": _number(where, "pad_value", fields["pad_value"]),
        "channel_order": _choice(where, "channel_order", fields["channel_order"], _ORDERS),
        "scale": _number(where, "scale", fields["scale"]),
        "mean": _triple(where, "mean", fields["mean"]),
        "std": _triple(where, "std", fields["std"], nonzero=True),
        "layout": _choice(where, "layout", fields["layout"], tuple(_LAYOUTS)),
        "dtype": _choice(where, "dtype", fields["dtype"], _DTYPES),
    }


@dataclass(frozen=True)
class PreprocessSpec:
    """How a frame becomes a model input: ``size`` is (width, height) of the tensor; ``channel_order``
    the order of the output channels; ``mean`` and ``std`` in that order, applied after ``scale``."""

    size: Tuple[int, int]
    resize: str = "bilinear"
    letterbox: bool = False
    pad_value: float = 0.0
    channel_order: str = "rgb"
    scale: float = 1.0 / 255.0
    mean: Tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    layout: str = "nchw"
    dtype: str = "float32"

    def __post_init__(self):
        for name, value in _checked_fields(dataclasses.asdict(self), "PreprocessSpec").items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_dict(cls, d: Any, where: str = "") -> PreprocessSpec:
        """The spec from its JSON form (``to_dict()``; a model's ``model.json`` "preprocess").
        Errors name ``where`` and the field at fault."""
        if not isinstance(d, dict):
            _fail(where, "preprocess", "an object of spec fields", d)
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(d) - set(known))
        if unknown:
            prefix = f"{where}: " if where else ""
            raise InvalidArgumentError(f"{prefix}unknown field {unknown[0]!r}; the fields are: {', '.join(known)}")
        if "size" not in d:
            _fail(where, "size", "given as [width, height]", None)
        defaults = {f.name: f.default for f in dataclasses.fields(cls) if f.name != "size"}
        return cls(**_checked_fields({**defaults, **d}, where))

    def to_dict(self) -> dict:
        """The JSON form (lists, not tuples), as ``from_dict`` reads it."""
        d = dataclasses.asdict(self)
        return {**d, "size": list(self.size), "mean": list(self.mean), "std": list(self.std)}

    def output_shape(self, batch: int = 1) -> Tuple[int, int, int, int]:
        """The tensor shape for ``batch`` items: (batch, 3, height, width) or (batch, height, width, 3)."""
        width, height = self.size
        return (batch, 3, height, width) if self.layout == "nchw" else (batch, height, width, 3)


@dataclass(frozen=True)
class Transform:
    """Where the source landed in the tensor: ``tensor = source * scale + pad``, in pixel coordinates
    (edges: pixel i spans [i, i + 1)). Without letterbox the pads are 0."""

    scale_x: float
    scale_y: float
    pad_x: float
    pad_y: float

    def to_source(self, x: float, y: float) -> Tuple[float, float]:
        """A tensor point in source pixel coordinates."""
        return ((x - self.pad_x) / self.scale_x, (y - self.pad_y) / self.scale_y)

    def to_source_box(self, left: float, top: float, right: float, bottom: float) -> Tuple[float, float, float, float]:
        """A tensor box (pixels) in source pixel coordinates; not clipped to the source."""
        x0, y0 = self.to_source(left, top)
        x1, y1 = self.to_source(right, bottom)
        return (x0, y0, x1, y1)


def native_params(spec: PreprocessSpec, full_range: bool = False):
    """The core.PreprocessParams of `spec`: what the C++ preprocessing (and model.batch(i, media)) takes."""
    p = core.PreprocessParams()
    p.out_width, p.out_height = spec.size
    p.resize = _RESIZE[spec.resize]
    p.letterbox = spec.letterbox
    p.pad_value = spec.pad_value
    p.rgb_output = spec.channel_order == "rgb"
    p.scale = spec.scale
    p.mean = spec.mean
    p.std = spec.std
    p.layout = _LAYOUTS[spec.layout]
    p.dtype = spec.dtype
    p.full_range = bool(full_range)
    return p


def preprocess_transform(width: int, height: int, spec: PreprocessSpec) -> Transform:
    """The transform ``preprocess`` applies to a ``width`` x ``height`` source."""
    t = core.resize_transform(width, height, native_params(spec, False))
    return Transform(t.scale_x, t.scale_y, t.pad_x, t.pad_y)


def _plane(array: Any, what: str, shape: Tuple[int, ...]) -> np.ndarray:
    """A uint8 plane of exactly `shape` whose rows may be strided but whose pixels are packed."""
    if not isinstance(array, np.ndarray):
        raise InvalidArgumentError(f"{what}: expected a numpy uint8 array, got {type(array).__name__}")
    if array.dtype != np.uint8:
        raise InvalidArgumentError(f"{what}: expected dtype uint8, got {array.dtype}")
    if array.shape != shape:
        raise InvalidArgumentError(f"{what}: expected shape {shape}, got {array.shape}")
    if array.size == 0:
        raise InvalidArgumentError(f"{what}: expected a non-empty image, got shape {array.shape}")
    packed = array.strides[0] > 0 and array[0].flags.c_contiguous
    return array if packed else np.ascontiguousarray(array)


def _yuv_planes(image: Any, fmt: str) -> Tuple[int, int, list]:
    """(width, height, planes) of NV12 or I420 input: one (H*3/2, W) array or a tuple of planes."""
    if isinstance(image, (tuple, list)):
        count = 2 if fmt == "nv12" else 3
        if len(image) != count:
            raise InvalidArgumentError(f"{fmt} image: expected {count} planes, got {len(image)}")
        luma = image[0]
        if not isinstance(luma, np.ndarray) or luma.ndim != 2:
            raise InvalidArgumentError(f"{fmt} image[0] (Y): expected a 2-D uint8 array, got "
                                       f"{getattr(luma, 'shape', type(luma).__name__)}")
        height, width = luma.shape
        _even(fmt, width, height)
        planes = [_plane(luma, f"{fmt} image[0] (Y)", (height, width))]
        if fmt == "nv12":
            uv = image[1]
            uv_shape = (height // 2, width // 2, 2) if getattr(uv, "ndim", 0) == 3 else (height // 2, width)
            planes.append(_plane(uv, f"{fmt} image[1] (UV)", uv_shape).reshape(height // 2, width))
        else:
            for i, name in ((1, "U"), (2, "V")):
                planes.append(_plane(image[i], f"{fmt} image[{i}] ({name})", (height // 2, width // 2)))
        return width, height, planes
    if not isinstance(image, np.ndarray) or image.ndim != 2 or image.shape[0] % 3 != 0:
        raise InvalidArgumentError(f"{fmt} image: expected a (height * 3 / 2, width) uint8 array or a tuple of "
                                   f"planes, got {getattr(image, 'shape', type(image).__name__)}")
    rows, width = image.shape
    height = rows // 3 * 2
    _even(fmt, width, height)
    whole = _plane(image, f"{fmt} image", (rows, width))
    if fmt == "nv12":
        return width, height, [whole[:height], whole[height:]]
    flat = np.ascontiguousarray(whole).reshape(-1)
    quarter = (height // 2) * (width // 2)
    u = flat[height * width:height * width + quarter].reshape(height // 2, width // 2)
    v = flat[height * width + quarter:].reshape(height // 2, width // 2)
    return width, height, [whole[:height], u, v]


def _even(fmt: str, width: int, height: int) -> None:
    if width % 2 or height % 2 or width == 0 or height == 0:
        raise InvalidArgumentError(f"{fmt} image: expected an even, non-zero width and height (4:2:0 chroma), "
                                   f"got {width}x{height}")


def _packed_planes(image: Any, fmt: str) -> Tuple[int, int, list]:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        raise InvalidArgumentError(f"{fmt} image: expected an (height, width, 3) uint8 array, got "
                                   f"{getattr(image, 'shape', type(image).__name__)}")
    height, width = image.shape[:2]
    return width, height, [_plane(image, f"{fmt} image", image.shape)]


def _output(out: Optional[np.ndarray], spec: PreprocessSpec) -> np.ndarray:
    shape = spec.output_shape(1)
    if out is None:
        return np.empty(shape, dtype=spec.dtype)
    if not isinstance(out, np.ndarray):
        raise InvalidArgumentError(f"out: expected a numpy array, got {type(out).__name__}")
    if out.shape != shape or out.dtype != np.dtype(spec.dtype):
        raise InvalidArgumentError(f"out: expected shape {shape} and dtype {spec.dtype}, "
                                   f"got {out.shape} {out.dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise InvalidArgumentError("out: expected a writable C-contiguous array")
    return out


def preprocess(image: Any, spec: Optional[PreprocessSpec] = None, *, out: Optional[np.ndarray] = None,
               format: str = "bgr", full_range: bool = False, threads: int = 0,
               **fields: Any) -> np.ndarray:
    """``image`` as a model input tensor of shape ``spec.output_shape(1)``, in one native pass with
    the GIL released.

    image: an (H, W, 3) uint8 array (``format`` "bgr" or "rgb"), NV12/I420 as one (H*3/2, W) uint8
    array or a tuple of planes (``format`` "nv12"/"i420"; ``full_range`` for full-range YUV), or a
    ``media`` (preprocessed on the GPU when its frame lives there, without downloading it). spec: a
    PreprocessSpec; keyword ``fields`` build one or override its fields. out: a C-contiguous array of the
    output shape and dtype to write into. threads: 0 = up to 4.
    """
    if spec is None:
        spec = PreprocessSpec(**fields)
    elif fields:
        spec = dataclasses.replace(spec, **fields)
    elif not isinstance(spec, PreprocessSpec):
        raise InvalidArgumentError(f"spec: expected a PreprocessSpec, got {type(spec).__name__}")
    fmt = _choice("", "format", format, tuple(_FORMATS))
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 0:
        _fail("", "threads", "0 (default) or a positive integer", threads)
    if isinstance(image, media):
        # The frame itself: one that lives on the GPU is preprocessed there and never downloaded.
        result = _output(out, spec)
        core.preprocess_frame(image._frame, native_params(spec), result, int(threads))
        return result
    packed = fmt in ("bgr", "rgb")
    width, height, planes = _packed_planes(image, fmt) if packed else _yuv_planes(image, fmt)
    result = _output(out, spec)
    core.preprocess_cpu(_FORMATS[fmt], width, height, planes, native_params(spec, full_range), result, int(threads))
    return result
