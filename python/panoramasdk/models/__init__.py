"""Models by name: the store (``store``), what it records (``descriptor``), reading ONNX files
(``onnx_inspect``) and the engines that run them (``engine_onnxruntime``, chosen by ``engines``)."""
from .descriptor import ModelDescriptor, TensorInfo
from .store import ModelEntry, ModelStore, panorama_home, run_overrides, set_run_overrides, validate_model_name

__all__ = ["ModelDescriptor", "ModelEntry", "ModelStore", "TensorInfo", "panorama_home", "run_overrides",
           "set_run_overrides", "validate_model_name"]
