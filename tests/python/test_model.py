"""panoramasdk.model on real ONNX models (tests/python/model_factory.py) run by ONNX Runtime."""
from __future__ import annotations

import inspect
import threading
import time

import model_factory as mf
import numpy as np
import panoramasdk
import pytest
from panoramasdk import errors
from panoramasdk.models import ModelStore, set_run_overrides


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx")
    for build in (mf.add_mul_model, mf.dynamic_batch_model, mf.detector_model, mf.slow_model, mf.gather_model):
        build(folder / f"{build.__name__}.onnx")
    return folder


@pytest.fixture
def store(onnx_dir):
    s = ModelStore()
    s.add("add-mul", onnx_dir / "add_mul_model.onnx")
    s.add("dynamic", onnx_dir / "dynamic_batch_model.onnx")
    s.add("detector", onnx_dir / "detector_model.onnx")
    s.add("gather", onnx_dir / "gather_model.onnx")
    return s


@pytest.fixture
def opened():
    """Opens models and finishes them after the test."""
    models = []

    def open_model(name, batch_size=1):
        m = panoramasdk.model()
        m.open(name, batch_size)
        models.append(m)
        return m

    yield open_model
    for m in models:
        m.finish()
    set_run_overrides(None)


def run_once(m, *arrays):
    for i, a in enumerate(arrays):
        m.batch(i, a)
    m.flush()
    return m.get_result()


def test_missing_model_lists_known_names_and_folder(store):
    m = panoramasdk.model()
    with pytest.raises(errors.NotFoundError) as info:
        m.open("people-ssd")
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, FileNotFoundError)
    text = str(info.value)
    assert "'people-ssd'" in text and str(store.root) in text
    for known in ("add-mul", "detector", "dynamic", "gather"):
        assert known in text


def test_description_includes_the_batch_dimension(store, opened):
    m = opened("add-mul")
    assert m.get_batch_size() == 1
    assert m.get_input_count() == 1 and m.get_output_count() == 2
    assert m.get_input_names() == ("data",) and m.get_output_names() == ("scaled", "argmax")
    i, o0, o1 = m.get_input(0), m.get_output(0), m.get_output(1)
    assert isinstance(i, panoramasdk.input_array) and isinstance(o0, panoramasdk.output_array)
    assert (i.get_name(), i.get_index(), i.get_dims(), i.get_type()) == ("data", 0, (1, 3, 8, 8), np.dtype("float32"))
    assert (o1.get_name(), o1.get_index(), o1.get_dims(), o1.get_type()) == ("argmax", 1, (1, 8, 8), np.dtype("int64"))
    assert i.get_size() == 192 and o0.get_size() == 192
    assert isinstance(o0.get_type(), np.dtype)
    m2 = opened("add-mul", 2)
    assert m2.get_input(0).get_dims() == (2, 3, 8, 8) and m2.get_output(1).get_dims() == (2, 8, 8)
    with pytest.raises(IndexError):
        m.get_output(2)


def test_results_match_numpy_into_arrays_shaped_like_get_dims(store, opened):
    m = opened("add-mul")
    data = np.random.default_rng(1).standard_normal((1, 3, 8, 8)).astype(np.float32)
    result = run_once(m, data)
    assert isinstance(result, panoramasdk.batch_set) and result.size() == 2
    scaled = np.empty(m.get_output(0).get_dims(), dtype=m.get_output(0).get_type())
    argmax = np.empty(m.get_output(1).get_dims(), dtype=m.get_output(1).get_type())
    out = result.get(0)
    assert isinstance(out, panoramasdk.batch)
    assert out.get(0, scaled) is scaled
    result.get(1).get(0, argmax)
    expected_scaled, expected_argmax = mf.add_mul_expected(data)
    np.testing.assert_allclose(scaled, expected_scaled, rtol=1e-6)
    np.testing.assert_array_equal(argmax, expected_argmax)
    # Like get_dims()[1:] as well.
    item = np.empty(m.get_output(0).get_dims()[1:], dtype=np.float32)
    result.get(0).get(0, item)
    np.testing.assert_allclose(item, expected_scaled[0], rtol=1e-6)
    m.release_result(result)


def test_array_likes_are_cast_and_items_may_omit_the_batch_dimension(store, opened):
    m = opened("add-mul")
    data = np.arange(192, dtype=np.float64).reshape(3, 8, 8) / 100  # float64, no batch dimension
    result = run_once(m, data.tolist())
    got = result.get(0).get(0)
    np.testing.assert_allclose(got, (data * 2 + 1).astype(np.float32), rtol=1e-6)


def test_wrong_element_count_names_the_expected_shape(store, opened):
    m = opened("add-mul", 2)
    with pytest.raises(ValueError) as info:
        m.batch(0, np.zeros((3, 7, 8), np.float32))
    text = str(info.value)
    assert "(1, 3, 8, 8)" in text and "(2, 3, 8, 8)" in text and "'data'" in text
    with pytest.raises(ValueError):
        m.batch(1, np.zeros((1, 3, 8, 8), np.float32))


def test_out_of_the_wrong_size_is_a_value_error(store, opened):
    m = opened("add-mul")
    result = run_once(m, np.zeros((1, 3, 8, 8), np.float32))
    with pytest.raises(ValueError) as info:
        result.get(0).get(0, np.empty((3, 8, 9), np.float32))
    assert "(1, 3, 8, 8)" in str(info.value)


@pytest.mark.parametrize("name", ["add-mul", "dynamic"])
def test_batch_of_two_item_by_item_equals_whole_batch(store, opened, name):
    m = opened(name, 2)
    shape = m.get_input(0).get_dims()
    data = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    m.batch(0, data[0])
    m.batch(0, data[1:2])
    m.flush()
    m.batch(0, data)
    m.flush()
    items, whole = m.get_result(), m.get_result()
    for k in range(m.get_output_count()):
        dims, dtype = m.get_output(k).get_dims(), m.get_output(k).get_type()
        a, b = np.empty(dims, dtype), np.empty(dims, dtype)
        for item in range(2):
            items.get(k).get(item, a)
            whole.get(k).get(item, b)
        np.testing.assert_array_equal(a, b)
    # Check against numpy too, and against a batch-1 model run on each item.
    out = np.empty(m.get_output(0).get_dims(), np.float32)
    whole.get(0).get(0, out)
    whole.get(0).get(1, out)
    expected = data * 2 + 1 if name == "add-mul" else np.maximum(data, 0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_partial_batch_items_are_zero(store, opened):
    m = opened("dynamic", 2)
    m.batch(0, np.full((3, 4, 4), -5.0, np.float32))
    m.flush()
    mean = np.empty(m.get_output(1).get_dims(), np.float32)
    result = m.get_result()
    result.get(1).get(0, mean)
    result.get(1).get(1, mean)
    np.testing.assert_allclose(mean, [-5.0, 0.0])


def test_detector_outputs_like_the_guide_sample(store, opened):
    m = opened("detector")
    class_info, prob_info, rect_info = m.get_output(0), m.get_output(1), m.get_output(2)
    class_array = np.empty(class_info.get_dims(), dtype=class_info.get_type())
    prob_array = np.empty(prob_info.get_dims(), dtype=prob_info.get_type())
    rect_array = np.empty(rect_info.get_dims(), dtype=rect_info.get_type())
    assert class_array.shape == (1, 100, 1) and rect_array.shape == (1, 100, 4)
    data = np.full((1, 3, 32, 32), 0.5, np.float32)
    results = run_once(m, data)
    results.get(0).get(0, class_array)
    results.get(1).get(0, prob_array)
    results.get(2).get(0, rect_array)
    m.release_result(results)
    i = np.arange(100)
    np.testing.assert_array_equal(class_array[0, :, 0], i % 20)
    np.testing.assert_allclose(prob_array[0, :, 0], 1 / (1 + np.exp(-(0.5 + i / 100 - 0.5))), rtol=1e-5)
    np.testing.assert_allclose(rect_array[0, 7], np.array([7, 7, 17, 17]) * 1.5, rtol=1e-5)


def test_flush_returns_at_once_while_inference_runs(onnx_dir, opened):
    ModelStore().add("slow", onnx_dir / "slow_model.onnx")
    m = opened("slow")
    data = np.random.default_rng(3).standard_normal((1, 384, 384)).astype(np.float32)
    run_once(m, data)  # warm up
    m.batch(0, data)
    start = time.perf_counter()
    m.flush()
    flushed = time.perf_counter()
    # The application keeps working (here: holding the GIL in Python) while the model runs.
    busy = 0
    while time.perf_counter() - flushed < 0.02:
        busy += 1
    m.get_result()
    done = time.perf_counter()
    flush_s, total_s = flushed - start, done - start
    assert total_s > 0.03, f"the slow model ran in {total_s:.3f} s; too fast to compare"
    assert flush_s < total_s / 4, f"flush took {flush_s:.3f} s of {total_s:.3f} s"


def test_get_result_without_flush_is_a_runtime_error(store, opened):
    m = opened("add-mul")
    with pytest.raises(RuntimeError) as info:
        m.get_result()
    assert "flush()" in str(info.value)


def test_inference_failure_names_the_model_and_the_model_goes_on(store, opened):
    m = opened("gather")
    m.batch(0, [[42]])
    m.flush()
    with pytest.raises(RuntimeError) as info:
        m.get_result()
    assert "'gather'" in str(info.value) and "42" in str(info.value)
    value = run_once(m, [[3]]).get(0).get(0)
    np.testing.assert_array_equal(value, [30.0])


def test_several_models_open_at_once(store, opened):
    a, d, g = opened("add-mul"), opened("dynamic", 2), opened("gather")
    data = np.ones((1, 3, 8, 8), np.float32)
    a.batch(0, data)
    d.batch(0, np.full((2, 3, 4, 4), 2.0, np.float32))
    g.batch(0, [[5]])
    for m in (a, d, g):
        m.flush()
    rg, rd, ra = g.get_result(), d.get_result(), a.get_result()
    np.testing.assert_array_equal(ra.get(0).get(0), np.full((3, 8, 8), 3.0, np.float32))
    np.testing.assert_array_equal(rd.get(1).get(1), np.float32(2.0))
    np.testing.assert_array_equal(rg.get(0).get(0), [50.0])


def test_two_batches_in_flight_complete_in_order(store, opened):
    m = opened("add-mul")
    m.batch(0, np.zeros((1, 3, 8, 8)))
    m.flush()
    m.batch(0, np.ones((1, 3, 8, 8)))
    m.flush()
    first, second = m.get_result(), m.get_result()
    assert first.get(0).get(0)[0, 0, 0] == 1.0 and second.get(0).get(0)[0, 0, 0] == 3.0


def test_release_result_is_idempotent(store, opened):
    m = opened("add-mul")
    result = run_once(m, np.zeros((1, 3, 8, 8)))
    kept = result.get(0).get(0)
    assert m.stats()["outstanding"] == 1
    m.release_result(result)
    m.release_result(result)
    assert m.stats()["outstanding"] == 0
    assert kept[0, 0, 0] == 1.0  # copies stay valid
    with pytest.raises(errors.StoppedError):
        result.get(0).get(0, np.empty((1, 3, 8, 8), np.float32))
    with pytest.raises(TypeError):
        m.release_result("not a result")


def test_memory_stays_bounded_when_results_are_never_released(store, opened):
    m = opened("add-mul")
    data = np.zeros((1, 3, 8, 8), np.float32)
    out = np.empty(m.get_output(0).get_dims(), np.float32)
    peak_outstanding = peak_pool = 0
    for i in range(2000):
        data[0, 0, 0, 0] = i
        m.batch(0, data)
        m.flush()
        result = m.get_result()  # never released: dropped when rebound
        result.get(0).get(0, out)
        stats = m.stats()
        peak_outstanding = max(peak_outstanding, stats["outstanding"])
        peak_pool = max(peak_pool, stats["pool_allocated"])
    assert out[0, 0, 0, 0] == 2 * 1999 + 1
    assert stats["submitted"] == 2000 and stats["completed"] == 2000
    assert peak_outstanding <= 2
    assert peak_pool <= 8, f"pooled buffers grew to {peak_pool}"


def test_calls_after_finish_raise_stopped(store):
    m = panoramasdk.model()
    m.open("add-mul")
    m.batch(0, np.zeros((1, 3, 8, 8)))
    m.flush()
    m.finish()
    m.finish()  # finishing twice is harmless
    calls = [lambda: m.batch(0, np.zeros((1, 3, 8, 8))), m.flush, m.get_result, m.get_batch_size,
             lambda: m.get_input(0), lambda: m.get_output(0), m.get_input_count, m.get_output_count,
             m.get_input_names, m.get_output_names]
    for call in calls:
        with pytest.raises(errors.StoppedError):
            call()


def test_calls_before_open_raise():
    m = panoramasdk.model()
    with pytest.raises(RuntimeError) as info:
        m.flush()
    assert "open" in str(info.value)


def test_finish_wakes_a_thread_waiting_for_a_result(onnx_dir, opened):
    ModelStore().add("slow", onnx_dir / "slow_model.onnx")
    m = opened("slow")
    m.batch(0, np.zeros((1, 384, 384), np.float32))
    m.flush()
    m.batch(0, np.zeros((1, 384, 384), np.float32))
    m.flush()
    outcome = []

    def wait():
        try:
            m.get_result()
            m.get_result()
            outcome.append("results")
        except errors.StoppedError:
            outcome.append("stopped")

    waiter = threading.Thread(target=wait)
    waiter.start()
    m.finish()
    waiter.join(timeout=10)
    assert not waiter.is_alive() and outcome and outcome[0] in ("stopped", "results")


def test_tvm_fp16_environment_is_harmless(store, opened, monkeypatch):
    monkeypatch.setenv("TVM_TENSORRT_USE_FP16", "1")
    m = opened("add-mul")
    assert m.get_output(0).get_type() == np.dtype("float32")
    np.testing.assert_allclose(run_once(m, np.ones((1, 3, 8, 8))).get(0).get(0), 3.0)


def test_run_override_opens_a_file_without_the_store(onnx_dir, opened, private_panorama_home):
    set_run_overrides({"aws-panorama-sample-model": onnx_dir / "detector_model.onnx"})
    m = opened("aws-panorama-sample-model")
    assert m.get_output(2).get_dims() == (1, 100, 4)
    assert not (private_panorama_home / "models").exists()


def test_fixed_batch_model_rejects_other_batch_sizes(tmp_path, opened):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "fixed4",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "fixed4.onnx"))
    ModelStore().add("fixed4", tmp_path / "fixed4.onnx")
    with pytest.raises(ValueError) as info:
        panoramasdk.model().open("fixed4", 2)
    assert "batch_size=4" in str(info.value)
    m = opened("fixed4", 4)
    assert m.get_input(0).get_dims() == (4, 2)


def test_every_public_method_has_a_docstring():
    for cls in (panoramasdk.model, panoramasdk.batch, panoramasdk.batch_set, panoramasdk.input_array,
                panoramasdk.output_array):
        assert cls.__doc__, cls
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                assert member.__doc__, f"{cls.__name__}.{name}"
