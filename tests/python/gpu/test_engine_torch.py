"""The PyTorch engine (onnx2torch's conversion of the store's ONNX file) against ONNX Runtime on the CPU: the
sample people-ssd model on real frames (tolerance in detections.py), models with two inputs, two outputs of
different dtypes, a dynamic batch and a batch fixed at 1 (run item by item), and device arrays taken where
they are. The conversion itself is checked on the CPU wherever torch and onnx2torch are installed; the GPU
tests also need a CUDA device. Skipped, naming what is missing, without them."""
from __future__ import annotations

import model_factory as mf
import numpy as np
import pytest
from cli_helpers import ROOT
from detections import assert_same_detections
from panoramasdk import errors
from panoramasdk.models import ModelStore
from panoramasdk.models.engine_onnxruntime import OnnxRuntimeEngine
from panoramasdk.models.engine_torch import TorchEngine, torch_missing
from panoramasdk.preprocess import preprocess
from people_counter_run import build_people_ssd

CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"


@pytest.fixture(autouse=True)
def torch_engine():
    missing = torch_missing()
    if missing:
        pytest.skip(f"PyTorch engine test skipped: {missing}")


def cpu_engine(entry, batch):
    return OnnxRuntimeEngine(entry.path, entry.descriptor, batch, device="cpu")


def real_frames(count: int):
    """`count` BGR frames of the pedestrian clip from 18 s on, where people walk."""
    cv2 = pytest.importorskip("cv2", reason="opencv-python-headless not installed")
    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 180)
    frames = []
    for _ in range(count):
        ok, frame = cap.read()
        assert ok, f"{CLIP}: could not read a frame"
        frames.append(frame)
    return frames


def check_people_ssd(tmp_path, device: str):
    entry = ModelStore().add("people-ssd", build_people_ssd(tmp_path / "people-ssd.onnx"))
    engine = TorchEngine(entry, 1, device=device)
    assert engine.engine_name == f"torch-{device}" and "onnx2torch" in engine.detail
    cpu = cpu_engine(entry, 1)
    sure = 0
    for k, frame in enumerate(real_frames(3)):
        x = preprocess(frame, entry.descriptor.preprocess.spec)
        ours, theirs = engine.run([x]), cpu.run([x])
        assert [o.dtype for o in ours] == [t.dtype for t in theirs]
        assert [o.shape for o in ours] == [t.shape for t in theirs]
        sure += assert_same_detections(ours, theirs, f"frame {k}")
    assert sure >= 3, "the frames should hold at least one sure person each"


def check_inputs_outputs_and_batches(tmp_path, device: str):
    rng = np.random.default_rng(7)
    # Two outputs, float32 and int64, in the model's order.
    entry = ModelStore().add("add-mul", mf.add_mul_model(tmp_path / "add_mul.onnx"))
    x = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
    scaled, argmax = TorchEngine(entry, 1, device=device).run([x])
    expected = mf.add_mul_expected(x)
    np.testing.assert_allclose(scaled, expected[0], rtol=1e-6)
    assert argmax.dtype == np.int64 and np.array_equal(argmax, expected[1])
    # A batch fixed at 1 asked for 3: item by item, stacked.
    x3 = rng.standard_normal((3, 3, 8, 8)).astype(np.float32)
    engine = TorchEngine(entry, 3, device=device)
    assert engine.item_by_item
    scaled, argmax = engine.run([x3])
    np.testing.assert_allclose(scaled, mf.add_mul_expected(x3)[0], rtol=1e-6)
    assert argmax.shape == (3, 8, 8)
    # Two inputs, in the model's order.
    entry = ModelStore().add("dynamic-hw", mf.dynamic_hw_model(tmp_path / "dynamic_hw.onnx"), ["data:1,3,5,7"])
    inputs = [rng.standard_normal((1, 3, 5, 7)).astype(np.float32), np.array([3.0], dtype=np.float32)]
    for ours, theirs in zip(TorchEngine(entry, 1, device=device).run(inputs), cpu_engine(entry, 1).run(inputs)):
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    # A dynamic batch runs whole.
    entry = ModelStore().add("dynamic", mf.dynamic_batch_model(tmp_path / "dynamic.onnx"))
    x3 = rng.standard_normal((3, 3, 4, 4)).astype(np.float32)
    engine = TorchEngine(entry, 3, device=device)
    assert not engine.item_by_item
    for ours, theirs in zip(engine.run([x3]), cpu_engine(entry, 3).run([x3])):
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_the_conversion_matches_onnx_runtime_on_the_cpu(tmp_path):
    check_people_ssd(tmp_path, "cpu")
    check_inputs_outputs_and_batches(tmp_path, "cpu")


def test_a_graph_onnx2torch_cannot_convert_is_a_clear_error(tmp_path):
    from onnx import TensorProto, helper

    node = helper.make_node("Det", ["data"], ["det"])  # a determinant: an op onnx2torch has no converter for
    graph = helper.make_graph([node], "det", [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 3])],
                              [helper.make_tensor_value_info("det", TensorProto.FLOAT, [1])])
    path = mf._save(graph, tmp_path / "det.onnx")
    entry = ModelStore().add("det", path)
    with pytest.raises(errors.InvalidArgumentError) as info:
        TorchEngine(entry, 1, device="cpu")
    message = str(info.value)
    assert message.startswith(f"model 'det': {entry.path} cannot be converted for PyTorch by onnx2torch: ")
    assert "Det" in message


@pytest.mark.gpu
def test_people_ssd_on_the_gpu_matches_the_cpu(tmp_path):
    check_people_ssd(tmp_path, "cuda")


@pytest.mark.gpu
def test_inputs_outputs_and_batches_on_the_gpu(tmp_path):
    check_inputs_outputs_and_batches(tmp_path, "cuda")


@pytest.mark.gpu
def test_device_arrays_are_used_where_they_are(tmp_path, cupy):
    entry = ModelStore().add("dynamic", mf.dynamic_batch_model(tmp_path / "dynamic.onnx"))
    x = np.random.default_rng(3).standard_normal((4, 3, 4, 4)).astype(np.float32)
    engine = TorchEngine(entry, 4, device="cuda")
    from_host = engine.run([x])
    from_device = engine.run([cupy.asarray(x)])
    for a, b in zip(from_host, from_device):
        assert isinstance(b, np.ndarray) and np.array_equal(a, b)
    np.testing.assert_allclose(from_host[0], np.maximum(x, 0))
