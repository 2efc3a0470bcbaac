"""Small real ONNX models built with onnx.helper for the model tests. Each function writes the model to
`path` and returns the path; the docstring says what it computes, so tests can check results with numpy."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def _save(graph, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="model_factory")
    model.ir_version = 8  # readable by every onnxruntime the project supports
    onnx.checker.check_model(model)
    path = Path(path)
    onnx.save(model, str(path))
    return path


def add_mul_model(path: Path) -> Path:
    """Input "data" float32 (1, 3, 8, 8). Outputs "scaled" = data * 2 + 1 (float32, (1, 3, 8, 8)) and
    "argmax" = argmax of data over the channel axis (int64, (1, 8, 8))."""
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two")
    one = numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one")
    nodes = [helper.make_node("Mul", ["data", "two"], ["doubled"]),
             helper.make_node("Add", ["doubled", "one"], ["scaled"]),
             helper.make_node("ArgMax", ["data"], ["argmax"], axis=1, keepdims=0)]
    graph = helper.make_graph(
        nodes, "add_mul",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("scaled", TensorProto.FLOAT, [1, 3, 8, 8]),
         helper.make_tensor_value_info("argmax", TensorProto.INT64, [1, 8, 8])],
        initializer=[two, one])
    return _save(graph, path)


def add_mul_expected(data: np.ndarray) -> tuple:
    """What add_mul_model computes for `data` shaped (N, 3, 8, 8)."""
    data = data.astype(np.float32)
    return data * 2 + 1, np.argmax(data, axis=1).astype(np.int64)


def dynamic_batch_model(path: Path) -> Path:
    """Input "data" float32 (N, 3, 4, 4). Outputs "relu" = max(data, 0) (N, 3, 4, 4) and "mean" = the mean
    of each item (N,)."""
    nodes = [helper.make_node("Relu", ["data"], ["relu"]),
             helper.make_node("ReduceMean", ["data"], ["mean"], axes=[1, 2, 3], keepdims=0)]
    graph = helper.make_graph(
        nodes, "dynamic_batch",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, ["N", 3, 4, 4])],
        [helper.make_tensor_value_info("relu", TensorProto.FLOAT, ["N", 3, 4, 4]),
         helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["N"])])
    return _save(graph, path)


def dynamic_hw_model(path: Path) -> Path:
    """Input "data" float32 (N, 3, H, W) and "gain" float32 (1,). Output "pooled" = global average pool of
    data * gain, (N, 3, 1, 1): output shapes are not static, so the store runs it once to learn them."""
    nodes = [helper.make_node("Mul", ["data", "gain"], ["scaled"]),
             helper.make_node("GlobalAveragePool", ["scaled"], ["pooled"])]
    graph = helper.make_graph(
        nodes, "dynamic_hw",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, ["N", 3, "H", "W"]),
         helper.make_tensor_value_info("gain", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["N", 3, 1, 1])])
    return _save(graph, path)


def detector_model(path: Path) -> Path:
    """The guide's SSD interface: input "data" float32 (1, 3, 32, 32); outputs "classes" (1, 100, 1)
    (detection i has class i % 20), "scores" (1, 100, 1) = sigmoid(mean(data) + i / 100 - 0.5) and
    "boxes" (1, 100, 4) = [i, i, i + 10, i + 10] * (1 + mean(data)), all float32."""
    idx = np.arange(100, dtype=np.float32).reshape(1, 100, 1)
    classes = numpy_helper.from_array((idx % 20).astype(np.float32), "classes_const")
    offsets = numpy_helper.from_array(idx / 100 - 0.5, "score_offsets")
    boxes = numpy_helper.from_array(np.concatenate([idx, idx, idx + 10, idx + 10], axis=2), "box_base")
    one = numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one")
    shape = numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), "shape111")
    nodes = [helper.make_node("ReduceMean", ["data"], ["mean4"], keepdims=1),
             helper.make_node("Reshape", ["mean4", "shape111"], ["mean"]),
             helper.make_node("Identity", ["classes_const"], ["classes"]),
             helper.make_node("Add", ["score_offsets", "mean"], ["logits"]),
             helper.make_node("Sigmoid", ["logits"], ["scores"]),
             helper.make_node("Add", ["mean", "one"], ["factor"]),
             helper.make_node("Mul", ["box_base", "factor"], ["boxes"])]
    graph = helper.make_graph(
        nodes, "detector",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("classes", TensorProto.FLOAT, [1, 100, 1]),
         helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 100, 1]),
         helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, 100, 4])],
        initializer=[classes, offsets, boxes, one, shape])
    return _save(graph, path)


def slow_model(path: Path, rounds: int = 40, size: int = 384) -> Path:
    """Input "data" float32 (1, size, size); output "out" = data @ W @ W ... (`rounds` MatMuls with one
    orthogonal W, so values stay bounded). Slow enough to time flush() against get_result()."""
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((size, size)))
    weight = numpy_helper.from_array(q.astype(np.float32), "W")
    nodes, previous = [], "data"
    for i in range(rounds):
        name = "out" if i == rounds - 1 else f"m{i}"
        nodes.append(helper.make_node("MatMul", [previous, "W"], [name]))
        previous = name
    graph = helper.make_graph(
        nodes, "slow",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, size, size])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, size, size])],
        initializer=[weight])
    return _save(graph, path)


def gather_model(path: Path) -> Path:
    """Input "index" int64 (1, 1); output "value" float32 (1, 1) = table[index] with table = 10 * [0..9].
    An index outside 0..9 makes ONNX Runtime fail at run time (to test failure propagation)."""
    table = numpy_helper.from_array(np.arange(10, dtype=np.float32) * 10, "table")
    nodes = [helper.make_node("Gather", ["table", "index"], ["value"], axis=0)]
    graph = helper.make_graph(
        nodes, "gather",
        [helper.make_tensor_value_info("index", TensorProto.INT64, [1, 1])],
        [helper.make_tensor_value_info("value", TensorProto.FLOAT, [1, 1])],
        initializer=[table])
    return _save(graph, path)
