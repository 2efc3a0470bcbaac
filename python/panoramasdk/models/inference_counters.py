"""Inference time and batch fill of one open model, for ``model.stats()`` and the appliance's metrics.

The C++ batch queue counts batches; how long the engine took and how full each batch was are only
known on the Python side: the engine's ``run`` is timed where the queue's worker calls it, and the
items given to ``batch()`` are counted until ``flush()``. A few float additions per batch.
"""
from __future__ import annotations

import time

import numpy as np


class InferenceCounters:
    """Written by two threads, each its own fields: the queue's worker (inference) and the application's
    thread (batch fill); readers take a snapshot with :meth:`as_dict`."""

    def __init__(self, batch_size: int, input_size: int):
        self.batch_size = batch_size
        self._input_size = input_size  # elements of a whole batch of input 0
        self.inferences = 0
        self.inference_s = 0.0
        self.last_inference_s = 0.0
        self.batches = 0
        self.batch_items = 0
        self._pending_items = 0

    def timed(self, run):
        """`run` (the engine's) with its wall time counted."""
        def run_timed(inputs):
            started = time.perf_counter()
            try:
                return run(inputs)
            finally:
                elapsed = time.perf_counter() - started
                self.last_inference_s = elapsed
                self.inference_s += elapsed
                self.inferences += 1
        return run_timed

    def add(self, input_index: int, array=None) -> None:
        """Counts what one ``batch()`` call put in: one item (a frame: `array` None), or a whole batch (as
        the queue decides: an array of the whole batch's size). Input 0 stands for all inputs."""
        if input_index != 0:
            return
        whole = array is not None and self.batch_size > 1 and np.size(array) == self._input_size
        items = self.batch_size if whole else 1
        self._pending_items = min(self.batch_size, self._pending_items + items)

    def flushed(self) -> None:
        self.batches += 1
        self.batch_items += self._pending_items
        self._pending_items = 0

    def as_dict(self) -> dict:
        return {
            "inferences": self.inferences,
            "inference_s": self.inference_s,
            "inference_last_ms": 1e3 * self.last_inference_s,
            "inference_mean_ms": 1e3 * self.inference_s / self.inferences if self.inferences else 0.0,
            "batches": self.batches,
            "batch_items": self.batch_items,
            # Mean share of each flushed batch that held items (1.0: every batch full).
            "batch_fill": self.batch_items / (self.batches * self.batch_size) if self.batches else 0.0,
        }
