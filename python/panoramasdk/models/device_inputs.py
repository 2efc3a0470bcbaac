"""Batch inputs that may live on the GPU: a queue opened with ``input_device`` hands its engine
``_core.DeviceTensor`` objects (``__cuda_array_interface__``) instead of numpy arrays, so an engine on the
same GPU reads them where they are. These helpers let an engine take either kind."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np


def device_pointer(x, shape: Optional[Sequence[int]] = None, dtype=None) -> Optional[int]:
    """The device address of `x` when it is a device array (``__cuda_array_interface__``, C-contiguous)
    of `shape` and `dtype` (each checked when given), else None: the caller then takes host_array(x)."""
    cai = getattr(x, "__cuda_array_interface__", None)
    if cai is None or cai.get("strides") is not None:
        return None
    if shape is not None and tuple(cai["shape"]) != tuple(shape):
        return None
    if dtype is not None and np.dtype(cai["typestr"]) != np.dtype(dtype):
        return None
    return int(cai["data"][0])


def host_array(x) -> np.ndarray:
    """`x` as a numpy array: downloaded (one copy) when it lives on the GPU."""
    if hasattr(x, "__cuda_array_interface__"):
        return x.download()
    return np.asarray(x)
