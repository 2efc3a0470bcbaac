"""Device buffers, pinned host staging and a CUDA stream for the GPU engines, from CuPy or PyTorch
(whichever imports; the core does not hand device memory to Python yet).

Each tensor is a :class:`StagedTensor`: a pinned host array (the numpy side) and a device buffer of the
same bytes; ``upload``/``download`` queue the copy on the engine's stream, ``synchronize`` waits for it.
"""
from __future__ import annotations

import importlib.util
import logging
from typing import Tuple

import numpy as np

from ..errors import UnsupportedError

log = logging.getLogger("panoramasdk.models")

INSTALL_HINT = "pip install cupy-cuda12x (or torch)"


class StagedTensor:
    """`host`: a pinned numpy array of `shape` and `dtype`; `device_ptr`: the device buffer's address."""

    def __init__(self, host: np.ndarray, device_ptr: int, keep: tuple):
        self.host = host
        self.device_ptr = device_ptr
        self._keep = keep  # the library objects that own the memory


class _CupyBuffers:
    name = "cupy"

    def __init__(self):
        import cupy
        import cupyx

        self._cupy, self._cupyx = cupy, cupyx
        self._stream = cupy.cuda.Stream(non_blocking=True)
        self.stream_handle = int(self._stream.ptr)

    def tensor(self, shape: Tuple[int, ...], dtype) -> StagedTensor:
        host = self._cupyx.empty_pinned(shape, dtype=dtype)
        device = self._cupy.empty(shape, dtype=dtype)
        return StagedTensor(host, int(device.data.ptr), (device,))

    def upload(self, t: StagedTensor) -> None:
        t._keep[0].set(t.host, stream=self._stream)

    def download(self, t: StagedTensor) -> None:
        t._keep[0].get(stream=self._stream, out=t.host)

    def synchronize(self) -> None:
        self._stream.synchronize()


class _TorchBuffers:
    name = "torch"

    def __init__(self):
        import torch

        if not torch.cuda.is_available():
            raise UnsupportedError("PyTorch is installed without CUDA (torch.cuda.is_available() is False)")
        self._torch = torch
        self._stream = torch.cuda.Stream()
        self.stream_handle = int(self._stream.cuda_stream)

    def tensor(self, shape: Tuple[int, ...], dtype) -> StagedTensor:
        torch = self._torch
        nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
        host_bytes = torch.empty(nbytes, dtype=torch.uint8, pin_memory=True)
        device = torch.empty(nbytes, dtype=torch.uint8, device="cuda")
        host = host_bytes.numpy().view(dtype).reshape(shape)
        return StagedTensor(host, int(device.data_ptr()), (device, host_bytes))

    def upload(self, t: StagedTensor) -> None:
        with self._torch.cuda.stream(self._stream):
            t._keep[0].copy_(t._keep[1], non_blocking=True)

    def download(self, t: StagedTensor) -> None:
        with self._torch.cuda.stream(self._stream):
            t._keep[1].copy_(t._keep[0], non_blocking=True)

    def synchronize(self) -> None:
        self._stream.synchronize()


def buffers_missing() -> str:
    """Why no buffer provider can be had ("" when CuPy or PyTorch is installed), without importing either."""
    if any(importlib.util.find_spec(name) is not None for name in ("cupy", "torch")):
        return ""
    return f"the TensorRT engine needs CuPy or PyTorch for its device buffers ({INSTALL_HINT})"


def open_buffers():
    """A buffer provider with its own stream: CuPy, else PyTorch; UnsupportedError naming both when
    neither imports with CUDA."""
    failures = []
    for make in (_CupyBuffers, _TorchBuffers):
        try:
            buffers = make()
        except ImportError as exc:
            failures.append(f"{make.name}: not installed ({exc.name or exc})")
            continue
        except Exception as exc:  # noqa: BLE001 - a CUDA library that imports but cannot start: try the next
            failures.append(f"{make.name}: {type(exc).__name__}: {exc}")
            continue
        log.debug("GPU engine buffers from %s", make.name)
        return buffers
    raise UnsupportedError(f"the TensorRT engine needs CuPy or PyTorch for its device buffers: "
                           f"{INSTALL_HINT} ({'; '.join(failures)})")
