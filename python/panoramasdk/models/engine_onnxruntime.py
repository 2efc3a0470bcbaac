"""The ONNX Runtime engine: runs one model's batches for the C++ batch queue.

The queue calls ``run(list_of_arrays) -> list_of_arrays`` on its worker thread; ONNX Runtime releases
the GIL while it computes, so the application keeps working meanwhile. ``device="cpu"`` (the default)
runs on the CPU; the providers can still be chosen with ``PANORAMA_ORT_PROVIDERS`` (comma-separated) and
the thread count with ``PANORAMA_ORT_THREADS``. ``device="cuda"`` runs on the GPU with the CUDA execution
provider of ``onnxruntime-gpu`` and I/O binding (inputs copied to the device by ONNX Runtime, outputs left
there until they are copied back once). On the GPU the inputs are read where they are when the batch
queue keeps them in device memory (``input_device``, device_inputs.py).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import InvalidArgumentError, NoCudaError
from .batching import run_item_by_item, runs_item_by_item
from .descriptor import ModelDescriptor
from .device_inputs import device_pointer, host_array

log = logging.getLogger("panoramasdk.models")

# ONNX tensor element types -> numpy dtype names.
ORT_TYPES = {
    "tensor(float)": "float32", "tensor(float16)": "float16", "tensor(double)": "float64",
    "tensor(int8)": "int8", "tensor(int16)": "int16", "tensor(int32)": "int32", "tensor(int64)": "int64",
    "tensor(uint8)": "uint8", "tensor(uint16)": "uint16", "tensor(uint32)": "uint32",
    "tensor(uint64)": "uint64", "tensor(bool)": "bool",
}


def default_threads() -> int:
    """Intra-op threads: PANORAMA_ORT_THREADS, else the CPU count capped at 4 (the app needs a core too)."""
    value = os.environ.get("PANORAMA_ORT_THREADS", "")
    if value.strip():
        try:
            return max(1, int(value))
        except ValueError:
            raise InvalidArgumentError(f"PANORAMA_ORT_THREADS={value!r} is not an integer") from None
    return max(1, min(4, os.cpu_count() or 1))


CUDA_PROVIDERS = ["CUDAExecutionProvider", "CPUExecutionProvider"]  # CPU for the ops CUDA lacks
INSTALL_HINT = "pip install onnxruntime-gpu"


def cuda_provider_missing() -> str:
    """Why ONNX Runtime cannot run on the GPU ("" when its CUDA execution provider is there)."""
    import onnxruntime as ort

    if "CUDAExecutionProvider" in ort.get_available_providers():
        return ""
    return f"onnxruntime {ort.__version__} has no CUDA execution provider ({INSTALL_HINT})"


def default_providers() -> list:
    value = os.environ.get("PANORAMA_ORT_PROVIDERS", "")
    names = [p.strip() for p in value.split(",") if p.strip()]
    return names or ["CPUExecutionProvider"]


def create_session(path: Path, providers: Optional[Sequence[str]] = None, threads: Optional[int] = None):
    """An InferenceSession for `path`. Raises what ONNX Runtime raises for an unloadable file."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Spinning threads would take the CPU the application needs between flush() and get_result().
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Failures reach the application as exceptions (and the models log): keep ORT's own log quiet.
    options.log_severity_level = 4
    wanted = list(providers) if providers else default_providers()
    available = set(ort.get_available_providers())
    missing = [p for p in wanted if p not in available]
    if missing:
        raise InvalidArgumentError(f"ONNX Runtime providers {', '.join(missing)} are not available; "
                                   f"available: {', '.join(sorted(available))}")
    return ort.InferenceSession(str(path), sess_options=options, providers=wanted)


class OnnxRuntimeEngine:
    """Runs batches of `batch_size` items of the model in `path` described by `descriptor`, on the CPU or
    (``device="cuda"``) the GPU. A model whose batch dimension is fixed at 1 runs larger batches item by
    item (batching.py)."""

    def __init__(self, path: Path, descriptor: ModelDescriptor, batch_size: int,
                 providers: Optional[Sequence[str]] = None, device: str = "cpu"):
        self.name = descriptor.name
        self.batch_size = batch_size
        self.item_by_item = runs_item_by_item(descriptor, batch_size)
        if device == "cuda":
            providers = providers or CUDA_PROVIDERS
        try:
            self.session = create_session(path, providers)
        except InvalidArgumentError:
            raise
        except Exception as exc:
            raise InvalidArgumentError(f"model '{descriptor.name}': {path} cannot be loaded by ONNX Runtime: "
                                       f"{_first_line(exc)}") from exc
        used = self.session.get_providers()
        if device == "cuda" and "CUDAExecutionProvider" not in used:
            # ORT falls back to the CPU when the CUDA provider cannot start (CUDA or cuDNN libraries missing).
            raise NoCudaError(f"model '{descriptor.name}': ONNX Runtime's CUDA execution provider did not start "
                              f"(providers in use: {', '.join(used)}); check that the CUDA and cuDNN libraries "
                              f"onnxruntime-gpu needs are installed")
        self.engine_name = "onnxruntime-cuda" if used[0] == "CUDAExecutionProvider" else "onnxruntime-cpu"
        self.detail = f"ONNX Runtime, {', '.join(used)}"
        self._binding = self.session.io_binding() if self.engine_name == "onnxruntime-cuda" else None
        # The CUDA provider's device (0 unless the providers say otherwise) takes the queue's inputs there;
        # item-by-item batches are sliced on the host.
        self.input_device = 0 if self._binding is not None and not self.item_by_item else -1
        self.input_names = [t.name for t in descriptor.inputs]
        self.output_names = [t.name for t in descriptor.outputs]
        log.debug("model '%s': ONNX Runtime %s, batch %d%s", self.name, used, batch_size,
                  " (item by item)" if self.item_by_item else "")

    def run(self, inputs: list) -> list:
        """One batch: arrays shaped (batch_size, ...) in input order -> arrays in output order."""
        if self.item_by_item:
            return run_item_by_item(self._run_once, inputs, self.batch_size)
        return self._run_once(inputs)

    def _run_once(self, inputs: list) -> list:
        if self._binding is None:
            return self.session.run(self.output_names, {n: host_array(x) for n, x in zip(self.input_names, inputs)})
        binding = self._binding
        for name, x in zip(self.input_names, inputs):
            pointer = device_pointer(x)
            if pointer is not None:
                cai = x.__cuda_array_interface__
                binding.bind_input(name, "cuda", self.input_device, np.dtype(cai["typestr"]), list(cai["shape"]),
                                   pointer)
            else:
                binding.bind_cpu_input(name, np.ascontiguousarray(host_array(x)))
        for name in self.output_names:
            binding.bind_output(name, "cuda")
        self.session.run_with_iobinding(binding)
        return binding.copy_outputs_to_cpu()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
