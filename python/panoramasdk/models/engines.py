"""Picks the engine for a model entry by its framework."""
from __future__ import annotations

from ..errors import UnsupportedError
from .store import ModelEntry


def create_engine(entry: ModelEntry, batch_size: int):
    """An object with ``run(list_of_arrays) -> list_of_arrays`` for batches of `batch_size` items."""
    framework = entry.descriptor.framework
    if framework == "onnx":
        from .engine_onnxruntime import OnnxRuntimeEngine

        return OnnxRuntimeEngine(entry.path, entry.descriptor, batch_size)
    raise UnsupportedError(f"model '{entry.name}': framework {framework!r} has no engine; expected onnx")
