"""Batch queues whose inputs live on the GPU (``input_device``), as a GPU engine gets them: the engine
receives DeviceTensor objects that CuPy and PyTorch read in place, host arrays are uploaded once, items
never written read as zeros even in a reused buffer, and `model.batch(i, media)` of an NVDEC frame puts the
preprocessed tensor straight into the batch: neither the frame nor the tensor crosses to the host. Without
a GPU a queue asked for device inputs refuses, naming what is missing."""
from __future__ import annotations

import model_factory as mf
import numpy as np
import panoramasdk
import pytest
from onnx import TensorProto, helper
from panoramasdk import media
from panoramasdk._native import core
from panoramasdk.models import ModelStore
from panoramasdk.models.engines import engines_for
from panoramasdk.preprocess import preprocess
from test_device_frames import _frames

SIZE = 64
SPEC = {"size": [SIZE, SIZE], "channel_order": "rgb", "scale": 1 / 255, "mean": [0.485, 0.456, 0.406],
        "std": [0.229, 0.224, 0.225]}


def _queue(engine, batch: int = 2, device: int = 0):
    return core.BatchQueue("device-batch", [core.TensorSpec("x", [batch, 3, 4, 4], "float32")],
                           [core.TensorSpec("sums", [batch], "float32")], batch, engine, input_device=device)


def _copies() -> dict:
    return dict(core.host_device_copy_counts())


def test_without_a_gpu_device_inputs_are_refused_naming_why():
    reason = core.cuda_unavailable_reason()
    if not reason:
        pytest.skip("a CUDA device is present; this checks the machine without one")
    with pytest.raises(RuntimeError) as info:
        _queue(lambda inputs: [np.zeros(2, np.float32)])
    assert str(info.value) == (f"model 'device-batch': inputs on CUDA device 0 were asked for, but {reason}")


@pytest.mark.gpu
def test_the_engine_reads_the_batch_where_it_is(cupy):
    seen = []

    def engine(inputs):
        (x,) = inputs
        array = cupy.asarray(x)  # through __cuda_array_interface__: no copy
        seen.append((type(x).__name__, x.device, list(x.shape), x.dtype, array.data.ptr == x.data_ptr))
        return [cupy.asnumpy(array.sum(axis=(1, 2, 3)))]

    queue = _queue(engine)
    ones = np.ones((2, 3, 4, 4), np.float32)
    item = np.arange(48, dtype=np.float32).reshape(1, 3, 4, 4)
    core.reset_host_device_copy_counts()
    queue.put(0, ones)  # the whole batch
    queue.flush()
    first = queue.wait_result()
    queue.put(0, item)  # item 0 only, in the buffer the first batch used: item 1 must read as zeros
    queue.flush()
    second = queue.wait_result()
    copies = _copies()
    assert seen == [("DeviceTensor", 0, [2, 3, 4, 4], "float32", True)] * 2
    np.testing.assert_array_equal(first.output(0), [48, 48])
    np.testing.assert_array_equal(second.output(0), [item.sum(), 0])
    assert copies["host_to_device"] == 2 and copies["host_to_device_bytes"] == ones.nbytes + item.nbytes
    assert copies["device_to_host"] == 0
    assert queue.input_device == 0 and queue.stats()["pool_allocated"] >= 2
    queue.close()


@pytest.mark.gpu
def test_a_device_tensor_downloads_on_request_and_says_what_it_is(cupy):
    got = {}

    def engine(inputs):
        got["repr"], got["host"] = repr(inputs[0]), inputs[0].download()
        return [got["host"].sum(axis=(1, 2, 3))]

    queue = _queue(engine, batch=1)
    x = np.random.default_rng(1).standard_normal((1, 3, 4, 4)).astype(np.float32)
    queue.put(0, x)
    queue.flush()
    np.testing.assert_allclose(queue.wait_result().output(0), x.sum(axis=(1, 2, 3)), rtol=1e-6)
    assert got["repr"] == "DeviceTensor((1, 3, 4, 4), float32, cuda:0)"
    assert np.array_equal(got["host"], x)
    queue.close()


def _pooled_model(path):
    """Input "data" float32 (1, 3, 64, 64); outputs "mean" and "max" over each channel, (1, 3)."""
    nodes = [helper.make_node("ReduceMean", ["data"], ["mean"], axes=[2, 3], keepdims=0),
             helper.make_node("ReduceMax", ["data"], ["max"], axes=[2, 3], keepdims=0)]
    graph = helper.make_graph(
        nodes, "pooled", [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, 3]),
         helper.make_tensor_value_info("max", TensorProto.FLOAT, [1, 3])])
    return mf._save(graph, path)


@pytest.mark.gpu
def test_model_batch_of_camera_frames_for_a_gpu_engine(tmp_path, monkeypatch, cupy):
    """NVDEC frames move nothing to the host; libavcodec frames move only their tensors to the GPU. The
    oracle: the CPU preprocessing of the same pixels (the NV12 read by CuPy), reduced with numpy."""
    if not core.built_with_media():
        pytest.skip("GPU test skipped: built without media (FFmpeg), which streams need")
    if core.nvdec_unavailable_reason():
        pytest.skip(f"GPU test skipped: NVDEC unavailable: {core.nvdec_unavailable_reason()}")
    try:
        engine = engines_for("cuda").engines[0]
    except RuntimeError as exc:
        pytest.skip(f"GPU test skipped: {exc}")
    ModelStore().add("pooled", _pooled_model(tmp_path / "pooled.onnx"), preprocess=SPEC)
    monkeypatch.setenv("PANORAMA_DEVICE", "cuda")
    frames = _frames("cuda", 3)
    model = panoramasdk.model()
    model.open("pooled", 1)
    assert model.stats()["engine"] == engine
    core.reset_host_device_copy_counts()
    results = _run(model, frames)
    copies = _copies()
    assert copies["device_to_host"] == copies["host_to_device"] == 0, copies
    assert not any(f.downloaded for f in frames)
    spec = ModelStore().find("pooled").descriptor.preprocess.spec
    for result, frame in zip(results, frames):
        nv12 = cupy.asnumpy(cupy.asarray(frame.device_frame))
        _assert_pooled(result, preprocess(nv12, spec, format="nv12", full_range=frame.device_frame.full_range))

    # Frames libavcodec decoded (a codec NVDEC lacks): preprocessed on the CPU, only the tensor uploaded.
    host_frames = _frames("cpu", 2)
    core.reset_host_device_copy_counts()
    results = _run(model, host_frames)
    copies = _copies()
    model.finish()
    assert copies["frames_host_to_device"] == copies["device_to_host"] == 0, copies
    assert copies["host_to_device"] == 2 and copies["host_to_device_bytes"] == 2 * 3 * SIZE * SIZE * 4, copies
    for result, frame in zip(results, host_frames):
        _assert_pooled(result, preprocess(frame.array(), spec))


def _run(model, frames) -> list:
    results = []
    for frame in frames:
        model.batch(0, media(frame, "clip"))
        model.flush()
        result = model.get_result()
        results.append([result.get(k).get(0) for k in range(2)])
        model.release_result(result)
    return results


def _assert_pooled(result, tensor):
    mean, peak = result
    np.testing.assert_allclose(mean.reshape(-1), tensor.mean(axis=(2, 3)).reshape(-1), rtol=0, atol=1e-4)
    np.testing.assert_allclose(peak.reshape(-1), tensor.max(axis=(2, 3)).reshape(-1), rtol=0, atol=1e-4)
