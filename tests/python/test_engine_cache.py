"""The TensorRT engine cache and build options without TensorRT: the cache key, the FP16 and batch-profile
decisions for real models (model_factory.py) in the store, and stale, foreign and corrupt plan files on
disk, which are rebuilt and never loaded."""
from __future__ import annotations

import dataclasses
import json

import model_factory as mf
import pytest
from panoramasdk import errors
from panoramasdk.models import ModelStore, set_run_overrides
from panoramasdk.models.engine_cache import EngineCache, EngineKey, ProfileShape, engine_folder, load_or_build
from panoramasdk.models.tensorrt_options import FP16_ENV, batch_profile, fp16_requested, plan_build

# What device.cuda_devices() gives for one GPU (the fields the key uses, and the rest).
GPU = {"index": 0, "name": "NVIDIA H100 80GB HBM3", "compute_capability": (9, 0),
       "total_memory_bytes": 85 << 30, "multiprocessors": 132, "integrated": False}
MAGIC = b"PLAN"  # the test plans' header: what `deserialize` below accepts, as TensorRT accepts its own


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx")
    mf.detector_model(folder / "detector.onnx")
    mf.dynamic_batch_model(folder / "dynamic.onnx")
    mf.add_mul_model(folder / "add_mul.onnx")
    return folder


@pytest.fixture
def store(onnx_dir):
    s = ModelStore()
    s.add("detector", onnx_dir / "detector.onnx")
    s.add("dynamic", onnx_dir / "dynamic.onnx")
    return s


def plan_for(entry, batch_size=1, max_batch=None, fp16=None, gpu=GPU, trt="10.3.0", fp16_flag=True, env=None):
    return plan_build(entry.descriptor, entry.path, gpu, trt, fp16_flag, batch_size, max_batch, fp16,
                      environ=env if env is not None else {})


def deserialize(data: bytes):
    """Loads a test plan: its header must be MAGIC, as TensorRT refuses a plan that is not its own."""
    return data[len(MAGIC):].decode() if data.startswith(MAGIC) else None


class Builder:
    """Makes plans and counts the builds."""

    def __init__(self, body: str = "engine"):
        self.body, self.calls = body, 0

    def __call__(self) -> bytes:
        self.calls += 1
        return MAGIC + f"{self.body} #{self.calls}".encode()


# -- the key ---------------------------------------------------------------------------------------------------


def test_key_is_stable_for_the_same_build_and_survives_its_record(store):
    entry = store.find("detector")
    first, again = plan_for(entry).key, plan_for(entry).key
    assert first == again and first.digest == again.digest
    assert EngineKey.from_json(json.loads(json.dumps(first.to_json()))).digest == first.digest
    assert first.model_sha256 == store.describe("detector")["sha256"]


@pytest.mark.parametrize("field, value", [
    ("model_sha256", "0" * 64), ("gpu_name", "NVIDIA A10"), ("compute_capability", (8, 6)),
    ("tensorrt_version", "10.4.0"), ("fp16", True),
    ("profile", (ProfileShape("data", (1, 3, 32, 32), (2, 3, 32, 32), (2, 3, 32, 32)),)),
    ("profile", (ProfileShape("data", (1, 3, 64, 64), (1, 3, 64, 64), (1, 3, 64, 64)),)),
])
def test_each_component_changes_the_key(store, field, value):
    key = plan_for(store.find("detector")).key
    changed = dataclasses.replace(key, **{field: value})
    assert changed.digest != key.digest
    assert not key.covers(changed) and key.mismatch(changed)  # an engine for `key` does not serve `changed`


def test_another_model_file_changes_the_key(store, onnx_dir):
    before = plan_for(store.find("detector")).key
    store.add("detector", onnx_dir / "add_mul.onnx", replace=True)
    after = plan_for(store.find("detector")).key
    assert after.model_sha256 != before.model_sha256 and after.digest != before.digest


# -- what would be built ---------------------------------------------------------------------------------------


def test_guide_fp16_variable_is_honoured_in_the_build(store):
    entry = store.find("detector")
    assert plan_for(entry).key.fp16 is False
    assert plan_for(entry, env={FP16_ENV: "1"}).key.fp16 is True
    assert plan_for(entry, env={FP16_ENV: "0"}).key.fp16 is False
    assert plan_for(entry, fp16=False, env={FP16_ENV: "1"}).key.fp16 is False  # --no-fp16 wins
    assert plan_for(entry, fp16=True).key.fp16 is True


def test_fp16_is_not_used_where_it_cannot_be_and_says_why(store):
    entry = store.find("detector")
    pascal = dict(GPU, name="Tesla P4", compute_capability=(6, 1))
    plan = plan_for(entry, gpu=pascal, env={FP16_ENV: "1"})
    assert plan.key.fp16 is False and "no fast FP16" in plan.fp16_note and "6.1" in plan.fp16_note
    plan = plan_for(entry, trt="11.0.0", fp16_flag=False, env={FP16_ENV: "1"})
    assert plan.key.fp16 is False and "strongly typed" in plan.fp16_note
    assert plan_for(entry, gpu=dict(GPU, compute_capability=(8, 7)), env={FP16_ENV: "1"}).key.fp16  # Orin
    assert plan_for(entry, gpu=dict(GPU, compute_capability=(7, 2)), env={FP16_ENV: "1"}).key.fp16  # Xavier


def test_a_bad_fp16_variable_names_itself():
    with pytest.raises(ValueError, match=FP16_ENV):
        fp16_requested(None, {FP16_ENV: "maybe"})


def test_profile_covers_batch_sizes_one_to_n_of_a_dynamic_batch(store):
    d = store.find("dynamic").descriptor
    (p,) = batch_profile(d, 4)
    assert (p.name, p.min, p.opt, p.max) == ("data", (1, 3, 4, 4), (4, 3, 4, 4), (4, 3, 4, 4))
    (p,) = batch_profile(d, 2, max_batch=8)
    assert (p.min[0], p.opt[0], p.max[0]) == (1, 8, 8)
    (fixed,) = batch_profile(store.find("detector").descriptor, 1, max_batch=8)
    assert fixed.min == fixed.opt == fixed.max == (1, 3, 32, 32)  # larger batches run item by item
    with pytest.raises(ValueError, match="batch sizes must be >= 1"):
        batch_profile(d, 0)


def test_engines_live_in_the_model_folder_or_the_cache_for_run_overrides(store, onnx_dir, private_panorama_home):
    assert engine_folder(store.find("detector")) == private_panorama_home / "models" / "detector" / "engines"
    set_run_overrides({"override": onnx_dir / "detector.onnx"})
    try:
        assert engine_folder(ModelStore().find("override")) == private_panorama_home / "cache" / "engines" / "override"
    finally:
        set_run_overrides(None)


# -- the cache on disk -----------------------------------------------------------------------------------------


@pytest.fixture
def cache(store):
    return EngineCache(engine_folder(store.find("detector")), "detector")


@pytest.fixture
def key(store):
    return plan_for(store.find("detector")).key


def test_built_once_then_loaded_from_the_cache(cache, key):
    build = Builder()
    engine, built_for, how = load_or_build(cache, key, build, deserialize)
    assert (engine, built_for, build.calls) == ("engine #1", key, 1) and how.startswith("built in ")
    assert cache.plan_path(key).read_bytes() == MAGIC + b"engine #1"
    record = json.loads(cache.record_path(key).read_text())
    assert record["key"] == key.to_json() and record["plan_bytes"] == len(MAGIC) + 9
    engine, _, how = load_or_build(cache, key, build, deserialize)
    assert (engine, how, build.calls) == ("engine #1", "cached", 1)


def test_a_corrupt_plan_is_rebuilt_and_never_loaded(cache, key, caplog):
    build = Builder()
    load_or_build(cache, key, build, deserialize)
    data = bytearray(cache.plan_path(key).read_bytes())
    data[-1] ^= 0xFF  # one flipped bit, same size
    cache.plan_path(key).write_bytes(bytes(data))
    found = cache.find(key)
    assert found.plan is None and any("corrupt" in r and "SHA-256" in r for r in found.rejected)
    assert not cache.plan_path(key).exists()  # removed on the way
    engine, _, how = load_or_build(cache, key, build, deserialize)
    assert engine == "engine #2" and how.startswith("built")


def test_a_truncated_plan_is_rebuilt(cache, key, caplog):
    build = Builder()
    load_or_build(cache, key, build, deserialize)
    cache.plan_path(key).write_bytes(cache.plan_path(key).read_bytes()[:3])
    with caplog.at_level("INFO", logger="panoramasdk.models"):
        engine, _, _ = load_or_build(cache, key, build, deserialize)
    assert engine == "engine #2"
    assert "bytes, its record says" in caplog.text and "building a TensorRT engine" in caplog.text


def test_a_plan_without_record_is_not_loaded(cache, key):
    cache.folder.mkdir(parents=True)
    cache.plan_path(key).write_bytes(MAGIC + b"copied in")
    found = cache.find(key)
    assert found.plan is None and any("has no record" in r for r in found.rejected)
    engine, _, _ = load_or_build(cache, key, Builder(), deserialize)
    assert engine == "engine #1"


def test_a_foreign_engine_is_left_alone_and_not_loaded(cache, key):
    other_gpu = dataclasses.replace(key, gpu_name="NVIDIA A10", compute_capability=(8, 6))
    cache.store(other_gpu, MAGIC + b"for the A10", 1.0)
    found = cache.find(key)
    assert found.plan is None
    assert found.rejected == [f"{other_gpu.digest}.plan: built for GPU 'NVIDIA A10', wanted '{key.gpu_name}'"]
    engine, _, _ = load_or_build(cache, key, Builder(), deserialize)
    assert engine == "engine #1"
    assert cache.plan_path(other_gpu).exists()  # another machine sharing the folder may still use it
    assert load_or_build(cache, other_gpu, Builder(), deserialize)[0] == "for the A10"


def test_a_record_that_lies_about_its_key_is_foreign(cache, key):
    cache.store(key, MAGIC + b"mine", 1.0)
    other = dataclasses.replace(key, tensorrt_version="8.6.1")
    record = json.loads(cache.record_path(key).read_text())
    record["key"] = other.to_json()  # a record edited or copied from elsewhere under this plan's name
    cache.record_path(key).write_text(json.dumps(record))
    found = cache.find(key)
    assert found.plan is None and any("holds the key of" in r for r in found.rejected)


def test_an_engine_of_an_older_model_is_stale_and_removed(cache, key):
    old = dataclasses.replace(key, model_sha256="f" * 64)
    cache.store(old, MAGIC + b"old model", 1.0)
    found = cache.find(key)
    assert found.plan is None and any("is stale" in r and "model sha256" in r for r in found.rejected)
    assert not cache.plan_path(old).exists() and not cache.record_path(old).exists()


def test_a_plan_the_runtime_refuses_is_discarded_and_rebuilt(cache, key, caplog):
    cache.store(key, b"not a plan of this TensorRT", 1.0)  # valid record and checksum; TensorRT says no
    with caplog.at_level("INFO", logger="panoramasdk.models"):
        engine, _, how = load_or_build(cache, key, Builder(), deserialize)
    assert engine == "engine #1" and how.startswith("built")
    assert "cannot deserialise" in caplog.text and "could not be deserialised" in caplog.text
    assert cache.plan_path(key).read_bytes() == MAGIC + b"engine #1"


def test_a_build_whose_plan_the_runtime_refuses_is_an_error(cache, key):
    with pytest.raises(errors.InternalError, match="cannot load the engine it has just built"):
        load_or_build(cache, key, lambda: b"garbage", deserialize)
    assert not cache.plan_path(key).exists()


def test_an_ahead_of_time_engine_with_a_larger_batch_range_serves_smaller_batches(store):
    entry = store.find("dynamic")
    cache = EngineCache(engine_folder(entry), "dynamic")
    compiled = plan_for(entry, max_batch=8).key
    cache.store(compiled, MAGIC + b"batches up to 8", 1.0)
    for batch in (1, 2, 8):
        engine, used, how = load_or_build(cache, plan_for(entry, batch).key, Builder(), deserialize)
        assert (engine, used, how) == ("batches up to 8", compiled, "cached")
    larger = plan_for(entry, 16).key
    found = cache.find(larger)
    assert found.plan is None and any("do not cover" in r for r in found.rejected)
