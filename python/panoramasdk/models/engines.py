"""Picks the engine that runs a model, by its framework and the device asked for.

The device is ``auto``, ``cpu`` or ``cuda``: ``panorama run --device``, or ``PANORAMA_DEVICE`` for an
application started with python directly (``auto`` when neither says):

- ``cpu``: ONNX Runtime on the CPU.
- ``cuda``: TensorRT when it imports (its engine from the model's cache, or built: minutes, logged), else
  ONNX Runtime's CUDA execution provider (``onnxruntime-gpu``), else PyTorch with the graph converted by
  onnx2torch (engine_torch.py). Without a GPU, or with none of them, NoCudaError names what is missing.
- ``auto``: the best of those that works here, else the CPU; the log says why it fell back.

The choice is made per model and shown by ``model.stats()["engine"]`` and ``panorama run --stats``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional, Tuple

from ..errors import InvalidArgumentError, NoCudaError, UnsupportedError
from .store import ModelEntry

log = logging.getLogger("panoramasdk.models")

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class EngineChoice:
    """The engines to try, best first, and why better ones were left out ("" when none was)."""

    engines: Tuple[str, ...]
    reason: str


def check_device(device: str) -> str:
    """`device` in lower case when it is one of DEVICES, else InvalidArgumentError naming them."""
    if not isinstance(device, str) or device.strip().lower() not in DEVICES:
        raise InvalidArgumentError(f"device must be one of {', '.join(DEVICES)}; got {device!r}")
    return device.strip().lower()


def choose_engines(device: str, gpu_missing: str, tensorrt_missing: str, ort_cuda_missing: str,
                   torch_missing: str) -> EngineChoice:
    """The engines for `device`, given why the GPU, TensorRT, ONNX Runtime's CUDA provider and the PyTorch
    engine cannot be used here ("" for each that can). ``cuda`` with nothing to run it raises NoCudaError
    naming it all."""
    device = check_device(device)
    if device == "cpu":
        return EngineChoice(("onnxruntime-cpu",), "")
    candidates = (("tensorrt", tensorrt_missing), ("onnxruntime-cuda", ort_cuda_missing),
                  ("torch-cuda", torch_missing))
    gpu_engines = tuple(name for name, missing in candidates if not missing)
    if gpu_missing or not gpu_engines:
        problems = [gpu_missing] if gpu_missing else []
        if not gpu_engines:
            problems.append(f"no GPU engine: {'; '.join(missing for _, missing in candidates)}")
        if device == "cuda":
            raise NoCudaError(f"device 'cuda': {'; '.join(problems)}")
        return EngineChoice(("onnxruntime-cpu",), "; ".join(problems))
    reason = "; ".join(missing for _, missing in candidates if missing)
    return EngineChoice(gpu_engines if device == "cuda" else gpu_engines + ("onnxruntime-cpu",), reason)


def requested_device() -> str:
    """The device this run asked for: RunConfig.device (``panorama run --device``, PANORAMA_DEVICE)."""
    from ..runtime.config import current_config

    return current_config().device


def engines_for(device: str) -> EngineChoice:
    """choose_engines with what this machine has. With ``auto`` and no GPU, TensorRT is not imported."""
    from ..device import cuda_unavailable_reason

    device = check_device(device)
    if device == "cpu":
        return choose_engines(device, "", "", "", "")
    gpu_missing = cuda_unavailable_reason()
    if gpu_missing and device == "auto":
        return choose_engines(device, gpu_missing, "", "", "")
    from .cuda_buffers import buffers_missing
    from .engine_onnxruntime import cuda_provider_missing
    from .engine_tensorrt import tensorrt_missing
    from .engine_torch import torch_missing

    return choose_engines(device, gpu_missing, tensorrt_missing() or buffers_missing(), cuda_provider_missing(),
                          torch_missing())


def _make(name: str, entry: ModelEntry, batch_size: int):
    if name == "tensorrt":
        from .engine_tensorrt import TensorRtEngine

        return TensorRtEngine(entry, batch_size)
    if name == "torch-cuda":
        from .engine_torch import TorchEngine

        return TorchEngine(entry, batch_size)
    from .engine_onnxruntime import OnnxRuntimeEngine

    return OnnxRuntimeEngine(entry.path, entry.descriptor, batch_size,
                             device="cuda" if name == "onnxruntime-cuda" else "cpu")


def create_engine(entry: ModelEntry, batch_size: int, device: Optional[str] = None):
    """An object with ``run(list_of_arrays) -> list_of_arrays`` for batches of `batch_size` items, and
    ``engine_name``, ``detail`` and ``choice_reason`` (why a better engine was not used, or "")."""
    framework = entry.descriptor.framework
    if framework != "onnx":
        raise UnsupportedError(f"model '{entry.name}': framework {framework!r} has no engine; expected onnx")
    device = check_device(device or requested_device())
    choice = engines_for(device)
    reasons = [choice.reason] if choice.reason else []
    if reasons:
        log.info("model '%s': device %s: using %s, as %s", entry.name, device, choice.engines[0], choice.reason)
    for i, name in enumerate(choice.engines):
        try:
            engine = _make(name, entry, batch_size)
        except InvalidArgumentError:
            raise  # the model or batch size at fault: another engine would refuse it too
        except Exception as exc:
            if i + 1 == len(choice.engines):
                raise
            reasons.append(f"{name} failed: {type(exc).__name__}: {exc}")
            log.warning("model '%s': %s failed (%s: %s); trying %s", entry.name, name, type(exc).__name__, exc,
                        choice.engines[i + 1])
            continue
        engine.choice_reason = "; ".join(reasons)
        return engine
    raise AssertionError("unreachable: choose_engines returns at least one engine")
