"""Batch sizes an engine cannot take in one call: a model whose batch dimension is fixed at 1 runs larger
batches item by item and the outputs are stacked, so every batch size works with every model (shared by
the engines)."""
from __future__ import annotations

from typing import Callable, List, Sequence

import numpy as np

from ..errors import InvalidArgumentError
from .descriptor import ModelDescriptor


def runs_item_by_item(descriptor: ModelDescriptor, batch_size: int) -> bool:
    """Whether batches of `batch_size` must run one item at a time. A model with a fixed batch size other
    than 1 takes only that size (InvalidArgumentError naming it)."""
    fixed = descriptor.inputs[0].shape[0]
    if descriptor.dynamic_batch or batch_size == fixed:
        return False
    if fixed != 1:
        raise InvalidArgumentError(f"model '{descriptor.name}' has a fixed batch size of {fixed}; "
                                   f"open it with batch_size={fixed}")
    return True


def run_item_by_item(run_once: Callable[[List[np.ndarray]], List[np.ndarray]], inputs: Sequence[np.ndarray],
                     batch_size: int) -> List[np.ndarray]:
    """`run_once` on each item (arrays of batch 1), the outputs concatenated along the batch axis."""
    per_item = [run_once([x[i:i + 1] for x in inputs]) for i in range(batch_size)]
    return [np.concatenate([item[k] for item in per_item], axis=0) for k in range(len(per_item[0]))]
