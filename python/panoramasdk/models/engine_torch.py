"""The PyTorch engine: runs the store's ONNX model on the GPU with PyTorch, the graph converted to a
``torch.nn.Module`` by onnx2torch when the engine opens.

It is the GPU engine for machines that have PyTorch with CUDA but neither TensorRT nor onnxruntime-gpu
(NVIDIA ships PyTorch for JetPack; a CUDA server often has it), so ``--device cuda`` still runs there.
TensorRT and ONNX Runtime's CUDA provider come first when they are installed (engines.py). Convolutions
follow PyTorch's defaults (TF32 on GPUs that have it, as TensorRT does), so results match the CPU within
the tolerance of the GPU engines' tests, not bit for bit.

A batch runs on the queue's worker thread, on the engine's own CUDA stream; PyTorch releases the GIL while
it computes. Inputs may be numpy arrays (uploaded) or device arrays with ``__cuda_array_interface__`` (used
where they are); outputs come back as numpy arrays.
"""
from __future__ import annotations

import contextlib
import importlib.util
import logging
from typing import List

import numpy as np

from ..errors import InvalidArgumentError, NoCudaError, UnsupportedError
from .batching import run_item_by_item, runs_item_by_item
from .device_inputs import host_array
from .store import ModelEntry

log = logging.getLogger("panoramasdk.models")

INSTALL_HINT = "pip install torch onnx2torch"


def torch_missing() -> str:
    """Why the PyTorch engine cannot be used ("" when torch and onnx2torch are installed). Cheap: nothing is
    imported; whether PyTorch was built with CUDA is checked when the engine opens."""
    absent = [name for name in ("torch", "onnx2torch") if importlib.util.find_spec(name) is None]
    if absent:
        return f"the PyTorch engine needs {' and '.join(absent)} ({INSTALL_HINT})"
    return ""


def _import_torch():
    reason = torch_missing()
    if reason:
        raise UnsupportedError(reason)
    import onnx2torch
    import torch

    return torch, onnx2torch


class TorchEngine:
    """Runs batches of `batch_size` items of the ONNX model in `entry` with PyTorch on `device` ("cuda", the
    engine's use; "cpu" converts and runs the same module on the CPU, which the tests use to check the
    conversion where no GPU is). A model whose batch dimension is fixed at 1 runs larger batches item by
    item (batching.py)."""

    def __init__(self, entry: ModelEntry, batch_size: int, device: str = "cuda"):
        torch, onnx2torch = _import_torch()
        descriptor = entry.descriptor
        self.name = descriptor.name
        self.batch_size = batch_size
        self.item_by_item = runs_item_by_item(descriptor, batch_size)
        if device == "cuda" and not torch.cuda.is_available():
            raise NoCudaError(f"model '{self.name}': PyTorch {torch.__version__} cannot use the GPU "
                              f"(torch.cuda.is_available() is False: a CPU-only build, or no driver)")
        import onnx

        try:
            graph = onnx.load(str(entry.path))
            module = onnx2torch.convert(graph)
        except Exception as exc:
            raise InvalidArgumentError(f"model '{self.name}': {entry.path} cannot be converted for PyTorch by "
                                       f"onnx2torch: {type(exc).__name__}: {_first_line(exc)}") from exc
        self._torch = torch
        self._device = torch.device(device)
        self._module = module.eval().to(self._device)
        self._stream = torch.cuda.Stream(self._device) if device == "cuda" else None
        # The queue keeps the inputs on this GPU for whole batches; item-by-item ones are sliced on the host.
        self.input_device = (self._device.index or 0) if device == "cuda" and not self.item_by_item else -1
        self._output_dtypes = [np.dtype(t.dtype) for t in descriptor.outputs]
        self.engine_name = f"torch-{device}"
        where = torch.cuda.get_device_name(self._device) if device == "cuda" else "CPU"
        self.detail = f"PyTorch {torch.__version__} on {where}, graph converted by onnx2torch {_version('onnx2torch')}"
        log.debug("model '%s': %s, batch %d%s", self.name, self.detail, batch_size,
                  " (item by item)" if self.item_by_item else "")

    def run(self, inputs: list) -> list:
        """One batch: arrays shaped (batch_size, ...) in input order -> numpy arrays in output order."""
        if self.item_by_item:
            return run_item_by_item(self._run_once, inputs, self.batch_size)
        return self._run_once(inputs)

    def _run_once(self, inputs: list) -> List[np.ndarray]:
        torch = self._torch
        stream = torch.cuda.stream(self._stream) if self._stream is not None else contextlib.nullcontext()
        with torch.inference_mode(), stream:
            tensors = [self._tensor(x) for x in inputs]
            outputs = self._module(*tensors)
            if isinstance(outputs, torch.Tensor):
                outputs = (outputs,)
            if len(outputs) != len(self._output_dtypes):
                raise InvalidArgumentError(f"model '{self.name}': the converted graph gave {len(outputs)} outputs; "
                                           f"the model has {len(self._output_dtypes)}")
            host = [o.detach().to("cpu") for o in outputs]  # waits for the stream
        return [h.numpy().astype(dtype, copy=False) for h, dtype in zip(host, self._output_dtypes)]

    def _tensor(self, x):
        if hasattr(x, "__cuda_array_interface__"):
            if self._device.type == "cuda":
                return self._torch.as_tensor(x, device=self._device)  # on the device already: no copy
            x = host_array(x)
        return self._torch.from_numpy(np.ascontiguousarray(x)).to(self._device)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "(unknown version)"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
