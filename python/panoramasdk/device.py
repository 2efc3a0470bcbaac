"""Picks where the work runs: ``resolve_device("auto" | "cpu" | "cuda")`` -> ``"cpu"`` or ``"cuda"``.

``auto`` takes the GPU when this build has CUDA and the machine a usable NVIDIA device, else the CPU
(and logs why). ``cuda`` insists: it raises :class:`~panoramasdk.errors.NoCudaError` naming what is
missing (a build without CUDA, no driver, no device).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List

from ._native import core
from .errors import InvalidArgumentError, NoCudaError

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda")


def cuda_devices() -> List[Dict[str, Any]]:
    """The usable CUDA devices (index, name, compute_capability, total_memory_bytes, ...); [] if none."""
    return list(core.cuda_devices())


def cuda_unavailable_reason() -> str:
    """Why the GPU cannot be used ("" when it can), naming what is missing."""
    return core.cuda_unavailable_reason()


def resolve_device(device: str = "auto") -> str:
    """``"cpu"`` or ``"cuda"`` for a requested ``auto``, ``cpu`` or ``cuda``."""
    if not isinstance(device, str) or device.lower() not in DEVICES:
        raise InvalidArgumentError(f"device must be one of {', '.join(DEVICES)}; got {device!r}")
    device = device.lower()
    if device == "cpu":
        return "cpu"
    reason = cuda_unavailable_reason()
    if not reason:
        return "cuda"
    if device == "cuda":
        hint = (" (install a CUDA toolkit and rebuild; PANORAMA_WITH_CUDA=AUTO finds it)"
                if not core.built_with_cuda() else " (check nvidia-smi)")
        raise NoCudaError(f"device 'cuda' was asked for, but {reason}{hint}")
    logger.info("device auto: using the CPU, %s", reason)
    return "cpu"
