"""The SDK's model classes: ``model``, ``input_array``, ``output_array``, ``batch_set`` and ``batch``.

A ``model`` is opened by name from the model store and runs asynchronously: ``batch()`` fills the
inputs, ``flush()`` hands the batch to the C++ queue's worker and returns at once, ``get_result()``
waits for it. Results are plain reference-counted memory: ``release_result()`` returns them at once,
and a result never released is freed when the application drops it.
"""
from __future__ import annotations

import atexit
import logging
import operator
import os
import threading
import weakref
from typing import Optional

import numpy as np

from ._native import core
from .errors import StoppedError
from .media import media
from .models.inference_counters import InferenceCounters

log = logging.getLogger("panoramasdk.models")

_open_models: weakref.WeakSet[model] = weakref.WeakSet()
_open_lock = threading.Lock()
_atexit_registered = False


class _tensor_info:
    def __init__(self, index: int, name: str, dims: tuple, dtype: np.dtype):
        self._index = index
        self._name = name
        self._dims = tuple(int(d) for d in dims)
        self._dtype = np.dtype(dtype)

    def get_index(self) -> int:
        """The position of this tensor among the model's inputs (or outputs)."""
        return self._index

    def get_name(self) -> str:
        """The tensor's name in the model."""
        return self._name

    def get_type(self) -> np.dtype:
        """The element type, a numpy dtype (use it with ``np.empty(info.get_dims(), info.get_type())``)."""
        return self._dtype

    def get_dims(self) -> tuple:
        """The shape, batch dimension first, e.g. ``(1, 100, 1)``."""
        return self._dims

    def get_size(self) -> int:
        """The number of elements of the whole batch (the product of ``get_dims()``)."""
        return int(np.prod(self._dims, dtype=np.int64))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._index}, {self._name!r}, dims={self._dims}, type={self._dtype})"


class input_array(_tensor_info):
    """Describes one model input: index, name, numpy dtype, dims (batch first) and size."""

    def get_four_cc(self) -> str:
        """The pixel layout code of an image input; ONNX models record none, so this is ``""``."""
        return ""

    def get_range(self) -> tuple:
        """The value range of the input type: (min, max) of an integer dtype, (0, 0) for floats."""
        if np.issubdtype(self._dtype, np.integer):
            limits = np.iinfo(self._dtype)
            return (int(limits.min), int(limits.max))
        return (0, 0)


class output_array(_tensor_info):
    """Describes one model output: index, name, numpy dtype, dims (batch first) and size."""


class batch:
    """The results of one model output for every item of a batch (from ``batch_set.get``)."""

    def __init__(self, owner: batch_set, index: int, info: output_array):
        self._owner = owner
        self._index = index
        self._info = info

    def get(self, item: int, out: Optional[np.ndarray] = None) -> np.ndarray:
        """Copies item `item` of this output into `out` and returns `out`.

        `out` may be shaped like ``get_dims()`` (the item is written at ``out[item]``, or the whole of
        ``out`` when it holds a single item) or like ``get_dims()[1:]``. Without `out`, returns a new
        array. A size mismatch raises ValueError; a released result raises StoppedError."""
        values = self._owner._output(self._index)
        count = values.shape[0] if values.ndim else 1
        item = operator.index(item)
        if not 0 <= item < count:
            raise IndexError(f"output {self._index} '{self._info.get_name()}': item {item} is out of range for "
                             f"a batch of {count}")
        src = values[item] if values.ndim else values
        if out is None:
            return np.array(src, copy=True)
        if not isinstance(out, np.ndarray):
            raise TypeError(f"batch.get(): out must be a numpy array; got {type(out).__name__}")
        if out.size == src.size:
            out[...] = src.reshape(out.shape)
        elif out.ndim >= 1 and out.shape[0] == count and out[0].size == src.size:
            out[item, ...] = src.reshape(out.shape[1:])
        else:
            dims = self._info.get_dims()
            raise ValueError(f"output {self._index} '{self._info.get_name()}': out has shape {out.shape} "
                             f"({out.size} elements); expected {dims} or {dims[1:]} "
                             f"(one item holds {src.size} elements, shape {src.shape})")
        return out

    def __repr__(self) -> str:
        return f"batch(output={self._index}, name={self._info.get_name()!r})"


class batch_set:
    """The results of one flushed batch: one ``batch`` per model output (from ``model.get_result``)."""

    def __init__(self, result, infos: list):
        self._result = result
        self._infos = infos

    def size(self) -> int:
        """The number of outputs."""
        return len(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def get(self, index: int) -> batch:
        """The ``batch`` of output `index`."""
        index = operator.index(index)
        if not 0 <= index < len(self._infos):
            raise IndexError(f"output index {index} is out of range; the model has {len(self._infos)} outputs")
        return batch(self, index, self._infos[index])

    def _output(self, index: int) -> np.ndarray:
        return self._result.output(index)

    def __repr__(self) -> str:
        return f"batch_set(outputs={len(self._infos)}, sequence={self._result.sequence})"


class model:
    """A model from the model store, run asynchronously in batches.

    ``open(name, batch_size=1)`` loads it; ``batch(i, array)`` fills input `i`; ``flush()`` submits
    the batch and returns at once; ``get_result()`` waits for the oldest submitted batch and returns
    a ``batch_set``; ``release_result()`` frees it; ``finish()`` stops the model."""

    def __init__(self):
        self._queue = None
        self._name: Optional[str] = None
        self._inputs: list = []
        self._outputs: list = []
        self._preprocess = None  # ModelPreprocess from the descriptor, for batch(i, media)
        self._native_params = None  # its core.PreprocessParams, made on first use
        self._finished = False
        self._counters: Optional[InferenceCounters] = None
        self._engine: dict = {}  # engine, engine_detail, engine_reason: what runs the model and why

    # -- opening and closing ------------------------------------------------------------------------

    def open(self, name: str, batch_size: int = 1) -> bool:
        """Loads the model called `name` from the model store for batches of `batch_size` items.

        A missing name raises NotFoundError (a RuntimeError and a FileNotFoundError) listing the known
        models. Opening again replaces the model this object held."""
        from .models.engines import create_engine
        from .models.store import ModelStore

        batch_size = operator.index(batch_size)
        if batch_size < 1:
            raise ValueError(f"model.open({name!r}): batch_size {batch_size} is not >= 1")
        entry = ModelStore().find(name)
        engine = create_engine(entry, batch_size)
        d = entry.descriptor
        inputs = [core.TensorSpec(t.name, [batch_size, *t.shape[1:]], t.dtype) for t in d.inputs]
        outputs = [core.TensorSpec(t.name, [batch_size, *t.shape[1:]], t.dtype) for t in d.outputs]
        counters = InferenceCounters(batch_size, int(np.prod(inputs[0].dims)) if inputs else 0)
        # A GPU engine reads its inputs on the device: the queue keeps them there, and frames decoded on
        # the GPU are preprocessed straight into the batch (nothing crosses to the host).
        queue = core.BatchQueue(name, inputs, outputs, batch_size, counters.timed(engine.run),
                                input_device=getattr(engine, "input_device", -1))
        if self._queue is not None:
            self._queue.close()
        self._queue = queue
        self._counters = counters
        self._name = name
        self._finished = False
        self._inputs = [input_array(i, s.name, s.dims, s.dtype) for i, s in enumerate(inputs)]
        self._outputs = [output_array(i, s.name, s.dims, s.dtype) for i, s in enumerate(outputs)]
        self._preprocess = d.preprocess
        self._native_params = None
        _track(self)
        self._engine = {"engine": engine.engine_name, "engine_detail": engine.detail,
                        "engine_reason": engine.choice_reason}
        if os.environ.get("TVM_TENSORRT_USE_FP16") and engine.engine_name != "tensorrt":
            log.debug("model '%s': TVM_TENSORRT_USE_FP16 is set; %s computes in the model's own precision",
                      name, engine.engine_name)
        log.info("model '%s' opened from %s (batch size %d, engine %s: %s)", name, entry.path, batch_size,
                 engine.engine_name, engine.detail)
        return True

    def finish(self) -> None:
        """Stops the model's inference thread. Later calls on this model raise StoppedError."""
        if self._queue is not None:
            self._queue.close()
        self._finished = True

    def _open_queue(self, call: str):
        if self._finished:
            raise StoppedError(f"model '{self._name}' was finished; {call}() is not possible any more")
        if self._queue is None:
            raise StoppedError(f"model.{call}(): the model is not open; call open(name) first")
        return self._queue

    # -- description ------------------------------------------------------------------------------------

    def get_input(self, index: int) -> input_array:
        """The ``input_array`` describing input `index`."""
        self._open_queue("get_input")
        return _pick(self._inputs, index, "input")

    def get_output(self, index: int) -> output_array:
        """The ``output_array`` describing output `index`."""
        self._open_queue("get_output")
        return _pick(self._outputs, index, "output")

    def get_batch_size(self) -> int:
        """The batch size given to ``open``."""
        return self._open_queue("get_batch_size").batch_size

    def get_input_count(self) -> int:
        """The number of inputs the model takes."""
        self._open_queue("get_input_count")
        return len(self._inputs)

    def get_output_count(self) -> int:
        """The number of outputs the model produces."""
        self._open_queue("get_output_count")
        return len(self._outputs)

    def get_input_names(self) -> tuple:
        """The input names, in input order (a tuple of strings)."""
        self._open_queue("get_input_names")
        return tuple(i.get_name() for i in self._inputs)

    def get_output_names(self) -> tuple:
        """The output names, in output order (a tuple of strings)."""
        self._open_queue("get_output_names")
        return tuple(o.get_name() for o in self._outputs)

    # -- running ----------------------------------------------------------------------------------------

    def batch(self, input_index: int, array) -> None:
        """Sends data to input `input_index`: any array-like, cast to the input's dtype. Either the
        whole batch (leading dimension = batch size) or one item (leading dimension 1 or none); items
        fill the batch in order. A wrong element count raises ValueError naming the expected shape.

        Beyond the Panorama API: `array` may be a ``media`` (a camera frame). The frame is then
        preprocessed as the model's descriptor says (``preprocess_spec()``) in one fused C++ pass,
        straight into the next item of the batch, with the GIL released."""
        queue = self._open_queue("batch")
        index = operator.index(input_index)
        if index < 0:
            raise ValueError(f"model '{self._name}': input index {index} is out of range; the model has "
                             f"{len(self._inputs)} input(s)")
        if isinstance(array, media):
            queue.put_frame(index, array._frame, self._params_for(index))
            array = None  # one item
        else:
            queue.put(index, array)
        self._counters.add(index, array)

    def flush(self) -> None:
        """Submits the batch for inference and returns at once (it waits only while two earlier batches
        are still queued or running). Items not sent are zeros."""
        self._open_queue("flush").flush()
        self._counters.flushed()

    def get_result(self) -> batch_set:
        """Waits for the oldest flushed batch and returns its ``batch_set``. Without a prior flush()
        raises RuntimeError; an inference failure raises an error naming the model."""
        result = self._open_queue("get_result").wait_result()
        return batch_set(result, self._outputs)

    def release_result(self, result: batch_set) -> None:
        """Returns the buffers of `result` (from ``get_result``); calling it again does nothing."""
        if not isinstance(result, batch_set):
            raise TypeError(f"release_result(): expected a batch_set from get_result(); got {type(result).__name__}")
        self._open_queue("release_result").release(result._result)

    # -- beyond the Panorama API ------------------------------------------------------------------------

    def preprocess_spec(self, input_index: int = 0):
        """The ``PreprocessSpec`` recorded with the model for input `input_index` (how
        ``batch(i, media)`` turns a frame into that input), or None when the model has none."""
        self._open_queue("preprocess_spec")
        index = operator.index(input_index)
        _pick(self._inputs, index, "input")
        pre = self._preprocess
        return pre.spec if pre is not None and pre.input == self._inputs[index].get_name() else None

    def _params_for(self, index: int):
        """The native parameters of the model's preprocessing spec for input `index` (made once)."""
        from .preprocess import native_params

        spec = self.preprocess_spec(index)
        if spec is None:
            name = self._inputs[index].get_name() if 0 <= index < len(self._inputs) else index
            raise ValueError(f"model '{self._name}' has no preprocessing spec for input {index} ('{name}'), so "
                             f"batch() cannot take a media for it; record one with `panorama models add "
                             f"{self._name} FILE --preprocess '{{\"size\": [W, H], ...}}'` or pass an array")
        if self._native_params is None:
            self._native_params = native_params(spec)
        return self._native_params

    def stats(self) -> dict:
        """name and batch_size; the engine: engine ("tensorrt", "onnxruntime-cuda", "torch-cuda" or
        "onnxruntime-cpu"), engine_detail, engine_reason (why a better engine was not used, or ""); the
        queue's counters:
        submitted, completed, failed, dropped, in_flight, unclaimed, outstanding, pool_allocated, pool_idle;
        and inference time and batch fill: inferences, inference_s (total), inference_last_ms,
        inference_mean_ms, batches, batch_items, batch_fill."""
        queue = self._open_queue("stats")
        return {"name": self._name, "batch_size": queue.batch_size, **self._engine, **queue.stats(),
                **self._counters.as_dict()}

    def __repr__(self) -> str:
        state = "finished" if self._finished else ("open" if self._queue is not None else "not open")
        return f"model({self._name!r}, {state})"


def _pick(items: list, index: int, kind: str):
    index = operator.index(index)
    if not 0 <= index < len(items):
        raise IndexError(f"{kind} index {index} is out of range; the model has {len(items)} {kind}s")
    return items[index]


def _track(m: model) -> None:
    global _atexit_registered
    with _open_lock:
        _open_models.add(m)
        if not _atexit_registered:
            atexit.register(finish_all)
            _atexit_registered = True


def open_models() -> list:
    """The models open now in this process (not finished), for the live statistics."""
    with _open_lock:
        return [m for m in _open_models if m._queue is not None and not m._finished]


def finish_all() -> None:
    """Finishes every open model (the runtime calls it when it stops; also run at interpreter exit)."""
    with _open_lock:
        models = list(_open_models)
    for m in models:
        try:
            m.finish()
        except Exception:  # noqa: BLE001 - shutting down: one failure must not stop the others
            log.exception("finishing model '%s' failed", m._name)
