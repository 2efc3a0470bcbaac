"""What a TensorRT build of a model would be, decided in plain Python: its precision (FP16 when asked for
and the GPU and TensorRT can), the batch sizes its optimisation profile covers, and so its cache key.

FP16 is asked for with ``fp16=True`` (``panorama models compile --fp16``) or, as in the Panorama guide,
with ``TVM_TENSORRT_USE_FP16=1`` in the environment. TensorRT 11 dropped the FP16 builder flag (strongly
typed networks only): there an FP32 model is built in FP32 and the log says so.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

from ..errors import InvalidArgumentError
from .descriptor import ModelDescriptor
from .engine_cache import EngineKey, ProfileShape
from .model_info import sha256_of

FP16_ENV = "TVM_TENSORRT_USE_FP16"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

_sha_lock = threading.Lock()
_sha_by_file: dict = {}  # (path, size, mtime_ns) -> sha256: a model file is hashed once per process


def fp16_requested(option: Optional[bool], environ: Mapping[str, str] = os.environ) -> bool:
    """`option` when given, else TVM_TENSORRT_USE_FP16 (1/true/yes/on or 0/false/no/off)."""
    if option is not None:
        return bool(option)
    value = environ.get(FP16_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidArgumentError(f"{FP16_ENV}={environ[FP16_ENV]!r}: expected 1 or 0")


def gpu_has_fast_fp16(compute_capability: Tuple[int, int]) -> bool:
    """Native FP16 arithmetic: compute capability 5.3, 6.0, 6.2 and 7.0 or later (not 5.0-5.2, 6.1)."""
    return tuple(compute_capability) in ((5, 3), (6, 0), (6, 2)) or tuple(compute_capability) >= (7, 0)


def decide_fp16(requested: bool, compute_capability: Tuple[int, int], tensorrt_version: str,
                builder_has_fp16_flag: bool) -> Tuple[bool, str]:
    """(build with FP16, why not when it was asked for and is not done: "" otherwise)."""
    if not requested:
        return False, ""
    if not builder_has_fp16_flag:
        return False, (f"TensorRT {tensorrt_version} builds strongly typed networks only: FP16 needs a model "
                       f"converted to FP16 (ModelOpt AutoCast); building in the model's own precision")
    if not gpu_has_fast_fp16(compute_capability):
        major, minor = compute_capability
        return False, f"the GPU (compute capability {major}.{minor}) has no fast FP16; building in FP32"
    return True, ""


def batch_profile(descriptor: ModelDescriptor, batch_size: int, max_batch: Optional[int] = None
                  ) -> Tuple[ProfileShape, ...]:
    """The input shapes an engine needs: with a dynamic batch dimension batch sizes 1..max(batch_size,
    max_batch), tuned for the largest (the batch queue always runs full batches); with a fixed one, that
    shape alone (larger batches run item by item)."""
    if batch_size < 1 or (max_batch is not None and max_batch < 1):
        raise InvalidArgumentError(f"model '{descriptor.name}': batch sizes must be >= 1; got batch size "
                                   f"{batch_size}, max batch {max_batch}")
    top = max(batch_size, max_batch or 1)
    shapes = []
    for t in descriptor.inputs:
        rest = tuple(int(d) for d in t.shape[1:])
        if descriptor.dynamic_batch:
            shapes.append(ProfileShape(t.name, (1, *rest), (top, *rest), (top, *rest)))
        else:
            fixed = (int(t.shape[0]), *rest)
            shapes.append(ProfileShape(t.name, fixed, fixed, fixed))
    return tuple(shapes)


def model_sha256(path: Path) -> str:
    """The SHA-256 of the model file, computed once per process for each version of the file."""
    stat = Path(path).stat()
    ident = (str(path), stat.st_size, stat.st_mtime_ns)
    with _sha_lock:
        known = _sha_by_file.get(ident)
    if known is None:
        known = sha256_of(Path(path))
        with _sha_lock:
            _sha_by_file[ident] = known
    return known


@dataclass(frozen=True)
class BuildPlan:
    """One build: the key it is cached under, and a note when FP16 was asked for but not used."""

    key: EngineKey
    fp16_note: str


def plan_build(descriptor: ModelDescriptor, model_path: Path, gpu: Mapping, tensorrt_version: str,
               builder_has_fp16_flag: bool, batch_size: int, max_batch: Optional[int] = None,
               fp16: Optional[bool] = None, environ: Mapping[str, str] = os.environ) -> BuildPlan:
    """What to build for `descriptor` on `gpu` (a dict as device.cuda_devices() gives)."""
    capability = tuple(int(v) for v in gpu["compute_capability"])
    use_fp16, note = decide_fp16(fp16_requested(fp16, environ), capability, tensorrt_version,
                                 builder_has_fp16_flag)
    key = EngineKey(model_sha256=model_sha256(model_path), gpu_name=str(gpu["name"]),
                    compute_capability=capability, tensorrt_version=tensorrt_version, fp16=use_fp16,
                    profile=batch_profile(descriptor, batch_size, max_batch))
    return BuildPlan(key, note)
