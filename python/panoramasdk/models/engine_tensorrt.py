"""The TensorRT engine: builds a serialised engine from the store's ONNX file (or loads it from the model's
engine cache, see engine_cache.py) and runs the C++ batch queue's batches with it.

TensorRT >= 10 through its Python API, imported only when this engine is asked for. The build parses the
ONNX file with ``OnnxParser``, sets FP16 when asked for and possible (tensorrt_options.py), adds an
optimisation profile for a dynamic batch dimension and keeps a timing cache beside the engines. A batch
whose inputs the queue keeps on the GPU (``input_device``) is read there; host inputs are copied into
pinned memory and uploaded. It runs with ``set_tensor_address`` + ``execute_async_v3`` on the engine's own
CUDA stream and its outputs are downloaded, all on the queue's worker thread (TensorRT and the stream wait
release the GIL).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable, List, Optional

import numpy as np

from ..errors import InternalError, InvalidArgumentError, NoCudaError, UnsupportedError
from .batching import run_item_by_item, runs_item_by_item
from .cuda_buffers import open_buffers
from .device_inputs import device_pointer, host_array
from .engine_cache import EngineCache, engine_folder, load_or_build, write_atomically
from .store import ModelEntry
from .tensorrt_options import BuildPlan, plan_build

log = logging.getLogger("panoramasdk.models")

INSTALL_HINT = "pip install tensorrt"
Progress = Callable[[str, Optional[float]], None]

_logger_lock = threading.Lock()
_trt_logger = None  # one ILogger for every builder and runtime, alive as long as the process


def tensorrt_missing() -> str:
    """Why TensorRT cannot be used ("" when it can), naming what to install."""
    try:
        import tensorrt as trt
    except ImportError:
        return f"TensorRT is not installed ({INSTALL_HINT})"
    except Exception as exc:  # noqa: BLE001 - a broken install (missing libnvinfer) must not stop the CPU path
        return f"TensorRT does not import ({type(exc).__name__}: {exc}); reinstall it ({INSTALL_HINT})"
    try:
        major = int(str(trt.__version__).split(".")[0])
    except ValueError:
        return f"TensorRT reports an unknown version {trt.__version__!r}"
    if major < 10:
        return f"TensorRT {trt.__version__} is older than 10 (pip install -U tensorrt)"
    return ""


def _tensorrt():
    reason = tensorrt_missing()
    if reason:
        raise UnsupportedError(reason)
    import tensorrt as trt

    return trt


def _logger(trt):
    """TensorRT's messages go to the models log (its INFO as DEBUG; VERBOSE dropped)."""
    global _trt_logger
    with _logger_lock:
        if _trt_logger is None:
            severity = trt.ILogger.Severity
            levels = {severity.INTERNAL_ERROR: logging.ERROR, severity.ERROR: logging.ERROR,
                      severity.WARNING: logging.WARNING, severity.INFO: logging.DEBUG}

            class _Logger(trt.ILogger):
                def __init__(self):
                    trt.ILogger.__init__(self)

                def log(self, severity, msg):
                    level = levels.get(severity)
                    if level is not None:
                        log.log(level, "TensorRT: %s", msg)

            _trt_logger = _Logger()
        return _trt_logger


def _progress_monitor(trt, report: Progress):
    """Reports the builder's top-level phases and their steps as report(phase, fraction)."""

    class _Monitor(trt.IProgressMonitor):
        def __init__(self):
            trt.IProgressMonitor.__init__(self)
            self._lock = threading.Lock()
            self._top = {}  # top-level phase -> its step count

        def phase_start(self, phase_name, parent_phase, num_steps):
            if parent_phase is None:
                with self._lock:
                    self._top[phase_name] = max(1, num_steps)
                report(phase_name, 0.0)

        def step_complete(self, phase_name, step):
            with self._lock:
                steps = self._top.get(phase_name)
            if steps is not None:
                report(phase_name, min(1.0, (step + 1) / steps))
            return True  # False would cancel the build

        def phase_finish(self, phase_name):
            with self._lock:
                self._top.pop(phase_name, None)

    return _Monitor()


def first_gpu() -> dict:
    """The CUDA device TensorRT builds for (the current one, device 0), as device.cuda_devices() says."""
    from ..device import cuda_devices, cuda_unavailable_reason

    devices = cuda_devices()
    if not devices:
        raise NoCudaError(f"TensorRT needs an NVIDIA GPU, but {cuda_unavailable_reason()}")
    return devices[0]


def build_plan(trt, entry: ModelEntry, plan: BuildPlan, timing_cache: Path, progress: Optional[Progress]) -> bytes:
    """Builds and serialises the engine that `plan` describes from `entry`'s ONNX file."""
    logger = _logger(trt)
    builder = trt.Builder(logger)
    network = builder.create_network(0)  # explicit batch: TensorRT 10's only mode
    parser = trt.OnnxParser(network, logger)
    if progress:
        progress("parsing the ONNX model", None)
    if not parser.parse_from_file(str(entry.path)):
        errors = [str(parser.get_error(i)) for i in range(parser.num_errors)]
        raise UnsupportedError(f"model '{entry.name}': TensorRT cannot parse {entry.path}: "
                               f"{'; '.join(errors[:3]) or 'no reason given'}")
    config = builder.create_builder_config()
    if plan.key.fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    _add_profile(builder, network, config, plan, entry.name)
    cache_data = timing_cache.read_bytes() if timing_cache.is_file() else b""
    cache = config.create_timing_cache(cache_data)
    if not config.set_timing_cache(cache, False):  # a foreign cache is refused: start an empty one
        log.warning("model '%s': timing cache %s does not match this GPU or TensorRT; starting a new one",
                    entry.name, timing_cache)
        config.set_timing_cache(config.create_timing_cache(b""), False)
    if progress and hasattr(config, "progress_monitor"):
        monitor = _progress_monitor(trt, progress)
        config.progress_monitor = monitor
    elif progress:
        progress("building the engine (TensorRT reports no progress)", None)
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise InternalError(f"model '{entry.name}': TensorRT could not build an engine; its log says why")
    write_atomically(timing_cache, bytes(memoryview(config.get_timing_cache().serialize())))
    return bytes(memoryview(serialized))


def _add_profile(builder, network, config, plan: BuildPlan, model: str) -> None:
    """An optimisation profile with the key's shapes for every input whose shape the network leaves open."""
    shapes = {p.name: p for p in plan.key.profile}
    profile, needed = builder.create_optimization_profile(), False
    for i in range(network.num_inputs):
        tensor = network.get_input(i)
        if all(d >= 0 for d in tensor.shape):
            continue
        p = shapes.get(tensor.name)
        if p is None:
            raise InvalidArgumentError(f"model '{model}': TensorRT input '{tensor.name}' is not in the model's "
                                       f"descriptor (inputs: {', '.join(shapes)})")
        profile.set_shape(tensor.name, p.min, p.opt, p.max)
        needed = True
    if needed:
        config.add_optimization_profile(profile)


def _log_phases(model: str) -> Progress:
    """Build progress for the log: one line as each top-level phase starts."""
    def report(stage: str, fraction: Optional[float]) -> None:
        if not fraction:
            log.info("model '%s': TensorRT build: %s", model, stage)
    return report


def _plan(trt, entry: ModelEntry, batch_size: int, max_batch: Optional[int], fp16: Optional[bool]) -> BuildPlan:
    plan = plan_build(entry.descriptor, entry.path, first_gpu(), str(trt.__version__),
                      hasattr(trt.BuilderFlag, "FP16"), batch_size, max_batch, fp16)
    if plan.fp16_note:
        log.warning("model '%s': FP16 was asked for, but %s", entry.name, plan.fp16_note)
    return plan


def _engine_for(trt, entry: ModelEntry, plan: BuildPlan, runtime, progress: Optional[Progress]):
    cache = EngineCache(engine_folder(entry), entry.name)

    def deserialize(data: bytes):
        try:
            return runtime.deserialize_cuda_engine(data)
        except Exception as exc:  # noqa: BLE001 - some versions raise instead of returning None
            log.warning("model '%s': TensorRT cannot deserialise a cached engine: %s", entry.name, exc)
            return None

    return load_or_build(cache, plan.key, lambda: build_plan(trt, entry, plan, cache.timing_cache_path(plan.key),
                                                             progress), deserialize)


def compile_model(entry: ModelEntry, fp16: Optional[bool] = None, max_batch: Optional[int] = None,
                  progress: Optional[Progress] = None) -> dict:
    """Builds (or finds) the engine of `entry` for batch sizes up to `max_batch` ahead of time.
    Returns {"path", "how", "fp16", "max_batch", "tensorrt"}."""
    d = entry.descriptor
    fixed = d.inputs[0].shape[0]
    if max_batch is not None and not d.dynamic_batch and max_batch != fixed:
        raise InvalidArgumentError(f"model '{entry.name}' has a fixed batch size of {fixed}, so --max-batch "
                                   f"{max_batch} cannot be built (larger batches run item by item)")
    trt = _tensorrt()
    plan = _plan(trt, entry, max_batch or fixed or 1, max_batch, fp16)
    _, key, how = _engine_for(trt, entry, plan, trt.Runtime(_logger(trt)), progress)
    return {"path": str(EngineCache(engine_folder(entry), entry.name).plan_path(key)), "how": how,
            "fp16": key.fp16, "max_batch": max(p.max[0] for p in key.profile), "tensorrt": str(trt.__version__)}


class TensorRtEngine:
    """Runs batches of `batch_size` items of `entry` with TensorRT on the GPU."""

    engine_name = "tensorrt"

    def __init__(self, entry: ModelEntry, batch_size: int, fp16: Optional[bool] = None):
        trt = _tensorrt()
        d = entry.descriptor
        self.name = d.name
        self.batch_size = batch_size
        self.item_by_item = runs_item_by_item(d, batch_size)
        run_batch = 1 if self.item_by_item else batch_size
        self._buffers = open_buffers()  # before a build of minutes that could not run without them
        plan = _plan(trt, entry, run_batch, None, fp16)
        self._runtime = trt.Runtime(_logger(trt))
        self._engine, key, how = _engine_for(trt, entry, plan, self._runtime, _log_phases(d.name))
        self._context = self._engine.create_execution_context()
        names = [self._engine.get_tensor_name(i) for i in range(self._engine.num_io_tensors)]
        for t in d.inputs + d.outputs:
            if t.name not in names:
                raise InternalError(f"model '{d.name}': the TensorRT engine has no tensor '{t.name}' "
                                    f"(it has {', '.join(names)})")
        for t in d.inputs:
            shape = (run_batch, *t.shape[1:])
            if not self._context.set_input_shape(t.name, shape):
                raise InternalError(f"model '{d.name}': the TensorRT engine refuses input '{t.name}' of shape "
                                    f"{shape}; its log says why")
        self._input_names = [t.name for t in d.inputs]
        self._inputs = [self._stage(trt, t.name) for t in d.inputs]
        self.input_device = -1 if self.item_by_item else 0  # the device CuPy or PyTorch allocate on
        self._outputs = [self._stage(trt, t.name) for t in d.outputs]
        self._output_dtypes = [np.dtype(t.dtype) for t in d.outputs]
        self.detail = f"TensorRT {trt.__version__}, {'fp16' if key.fp16 else 'fp32'}, engine {how}"
        log.debug("model '%s': %s, batch %d%s", d.name, self.detail, batch_size,
                  " (item by item)" if self.item_by_item else "")

    def _stage(self, trt, name: str):
        shape = tuple(self._context.get_tensor_shape(name))
        if any(d < 0 for d in shape):
            raise UnsupportedError(f"model '{self.name}': output '{name}' has a data-dependent shape {shape}, "
                                   f"which this TensorRT engine does not support; use --device cpu")
        staged = self._buffers.tensor(shape, np.dtype(trt.nptype(self._engine.get_tensor_dtype(name))))
        self._context.set_tensor_address(name, staged.device_ptr)
        return staged

    def run(self, inputs: list) -> list:
        """One batch: arrays shaped (batch_size, ...) in input order -> arrays in output order."""
        if self.item_by_item:
            return run_item_by_item(self._run_once, inputs, self.batch_size)
        return self._run_once(inputs)

    def _run_once(self, inputs: List[np.ndarray]) -> List[np.ndarray]:
        for name, staged, x in zip(self._input_names, self._inputs, inputs):
            pointer = device_pointer(x, staged.host.shape, staged.host.dtype)
            if pointer is not None:  # on the device already: TensorRT reads it there
                self._context.set_tensor_address(name, pointer)
                continue
            self._context.set_tensor_address(name, staged.device_ptr)
            np.copyto(staged.host, np.reshape(host_array(x), staged.host.shape), casting="unsafe")
            self._buffers.upload(staged)
        if not self._context.execute_async_v3(self._buffers.stream_handle):
            raise InternalError(f"model '{self.name}': TensorRT could not enqueue the batch; its log says why")
        for staged in self._outputs:
            self._buffers.download(staged)
        self._buffers.synchronize()
        return [staged.host.astype(dtype, copy=True) for staged, dtype in zip(self._outputs, self._output_dtypes)]
