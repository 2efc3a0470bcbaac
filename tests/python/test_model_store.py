"""The model store and `panorama models`: real ONNX files from tests/python/model_factory.py."""
from __future__ import annotations

import json
import os

import model_factory as mf
import numpy as np
import pytest
from panoramasdk import errors
from panoramasdk.cli.main import main as panorama_main
from panoramasdk.models import ModelStore, run_overrides, set_run_overrides, validate_model_name
from panoramasdk.models.onnx_inspect import parse_input_overrides


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx")
    for build in (mf.add_mul_model, mf.dynamic_batch_model, mf.dynamic_hw_model, mf.detector_model):
        build(folder / f"{build.__name__}.onnx")
    return folder


@pytest.fixture(autouse=True)
def no_run_overrides():
    set_run_overrides(None)
    yield
    set_run_overrides(None)


def test_add_list_remove(onnx_dir, private_panorama_home):
    store = ModelStore()
    assert store.root == private_panorama_home / "models"
    assert store.list() == []
    entry = store.add("people-ssd", onnx_dir / "detector_model.onnx")
    folder = private_panorama_home / "models" / "people-ssd"
    assert entry.folder == folder and entry.path == folder / "model.onnx"
    assert (folder / "model.onnx").read_bytes() == (onnx_dir / "detector_model.onnx").read_bytes()
    recorded = json.loads((folder / "model.json").read_text())
    assert recorded["name"] == "people-ssd" and recorded["framework"] == "onnx" and recorded["file"] == "model.onnx"
    assert recorded["inputs"] == [{"name": "data", "shape": [1, 3, 32, 32], "dtype": "float32"}]
    assert [o["shape"] for o in recorded["outputs"]] == [[1, 100, 1], [1, 100, 1], [1, 100, 4]]
    assert recorded["created"] and recorded["dynamic_batch"] is False
    store.add("add.mul_2", onnx_dir / "add_mul_model.onnx")
    assert [e.name for e in store.list()] == ["add.mul_2", "people-ssd"]
    assert store.find("add.mul_2").descriptor.outputs[1].dtype == "int64"
    store.remove("people-ssd")
    assert not folder.exists()
    assert [e.name for e in store.list()] == ["add.mul_2"]
    with pytest.raises(errors.NotFoundError):
        store.remove("people-ssd")


def test_adding_an_existing_name_needs_replace(onnx_dir):
    store = ModelStore()
    store.add("m", onnx_dir / "add_mul_model.onnx")
    with pytest.raises(ValueError) as info:
        store.add("m", onnx_dir / "detector_model.onnx")
    assert "already exists" in str(info.value)
    store.add("m", onnx_dir / "detector_model.onnx", replace=True)
    assert len(store.find("m").descriptor.outputs) == 3


def test_dynamic_batch_is_recorded(onnx_dir):
    d = ModelStore().add("dyn", onnx_dir / "dynamic_batch_model.onnx").descriptor
    assert d.dynamic_batch is True
    assert d.inputs[0].shape == (1, 3, 4, 4)
    assert [o.shape for o in d.outputs] == [(1, 3, 4, 4), (1,)]  # learned by running once on zeros


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (os.urandom(4096), "not a loadable ONNX model"),
    (b"people-ssd weights\n", "not a loadable ONNX model"),
])
def test_bad_files_are_rejected_naming_the_file(tmp_path, content, expected):
    path = tmp_path / ("notes.txt" if content.startswith(b"people") else "bad.onnx")
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        ModelStore().add("bad", path)
    assert expected in str(info.value) and str(path) in str(info.value)
    assert "expected an ONNX model" in str(info.value)
    assert ModelStore().list() == []


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        ModelStore().add("m", tmp_path / "nothing.onnx")
    assert "nothing.onnx" in str(info.value)
    with pytest.raises(ValueError) as info:
        ModelStore().add("m", tmp_path)
    assert "is a folder" in str(info.value)


@pytest.mark.parametrize("name", ["", "a/b", "../up", ".hidden", "with space", "x" * 200, "a\\b"])
def test_invalid_names(onnx_dir, name):
    with pytest.raises(ValueError) as info:
        ModelStore().add(name, onnx_dir / "add_mul_model.onnx")
    assert "not valid" in str(info.value)
    assert validate_model_name("people-ssd_v1.2") == "people-ssd_v1.2"


def test_dynamic_input_needs_its_shape(onnx_dir):
    with pytest.raises(ValueError) as info:
        ModelStore().add("hw", onnx_dir / "dynamic_hw_model.onnx")
    text = str(info.value)
    assert "'data'" in text and "dynamic shape" in text and "--input data:1,3," in text


def test_input_override_records_shapes_from_a_zero_run(onnx_dir):
    d = ModelStore().add("hw", onnx_dir / "dynamic_hw_model.onnx", "data:1,3,64,48").descriptor
    assert d.inputs[0].shape == (1, 3, 64, 48) and d.inputs[1].shape == (1,)
    assert d.outputs[0].shape == (1, 3, 1, 1)


def test_input_override_errors(onnx_dir):
    store = ModelStore()
    path = onnx_dir / "dynamic_hw_model.onnx"
    with pytest.raises(ValueError) as info:
        store.add("hw", path, "image:1,3,64,64")
    assert "no input 'image'" in str(info.value) and "data" in str(info.value) and "gain" in str(info.value)
    with pytest.raises(ValueError) as info:
        store.add("hw", path, "data:1,3,64")
    assert "has 3" in str(info.value)
    with pytest.raises(ValueError) as info:
        store.add("hw", path, "data:1,4,64,64")
    assert "dim 1 is fixed at 3" in str(info.value)
    with pytest.raises(ValueError):
        store.add("hw", path, "data:1,3,x,64")
    with pytest.raises(ValueError):
        store.add("hw", path, "1,3,64,64")
    assert store.list() == []


def test_parse_input_overrides():
    assert parse_input_overrides("data:1,3,512,512") == {"data": (1, 3, 512, 512)}
    assert parse_input_overrides(["input:0:1x224x224x3", "b:2"]) == {"input:0": (1, 224, 224, 3), "b": (2,)}
    assert parse_input_overrides({"x": [1, 2]}) == {"x": (1, 2)}
    with pytest.raises(ValueError):
        parse_input_overrides("data:0,3")


def test_unknown_name_lists_known_names_and_folder(onnx_dir):
    store = ModelStore()
    store.add("alpha", onnx_dir / "add_mul_model.onnx")
    store.add("beta", onnx_dir / "detector_model.onnx")
    with pytest.raises(errors.NotFoundError) as info:
        store.find("gamma")
    text = str(info.value)
    assert "'gamma'" in text and "alpha, beta" in text and str(store.root) in text
    assert isinstance(info.value, RuntimeError)


def test_run_overrides_come_first_and_touch_nothing(onnx_dir, private_panorama_home):
    store = ModelStore()
    set_run_overrides({"people-ssd": onnx_dir / "detector_model.onnx"})
    entry = store.find("people-ssd")
    assert entry.is_override and entry.path == (onnx_dir / "detector_model.onnx").resolve()
    assert len(entry.descriptor.outputs) == 3
    assert not private_panorama_home.exists()
    assert "people-ssd" in store.names()
    with pytest.raises(ValueError):
        set_run_overrides({"../x": onnx_dir / "detector_model.onnx"})


def test_models_environment_variable(onnx_dir, monkeypatch):
    monkeypatch.setenv("PANORAMA_MODELS", f"det={onnx_dir / 'detector_model.onnx'}")
    assert run_overrides() == {"det": (onnx_dir / "detector_model.onnx").resolve()}
    assert ModelStore().find("det").descriptor.inputs[0].shape == (1, 3, 32, 32)


def test_a_broken_folder_is_skipped(onnx_dir, private_panorama_home):
    store = ModelStore()
    store.add("good", onnx_dir / "add_mul_model.onnx")
    broken = store.root / "broken"
    broken.mkdir()
    (broken / "model.json").write_text("{not json")
    assert [e.name for e in store.list()] == ["good"]


# -- panorama models ---------------------------------------------------------------------------------

def test_cli_add_list_remove(onnx_dir, capsys):
    assert panorama_main(["models", "add", "people-ssd", str(onnx_dir / "detector_model.onnx")]) == 0
    out = capsys.readouterr().out
    assert "added model 'people-ssd'" in out and "boxes (1, 100, 4) float32" in out
    assert panorama_main(["models", "add", "hw", str(onnx_dir / "dynamic_hw_model.onnx"),
                          "--input", "data:1,3,32,32"]) == 0
    capsys.readouterr()
    assert panorama_main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["hw", "people-ssd"]
    assert panorama_main(["models", "remove", "hw"]) == 0
    capsys.readouterr()
    assert panorama_main(["models", "list"]) == 0
    assert capsys.readouterr().out.split("\t")[0] == "people-ssd"


@pytest.mark.parametrize("argv, expected", [
    (["models", "add", "x", "{missing}"], "does not exist"),
    (["models", "add", "a/b", "{detector}"], "not valid"),
    (["models", "add", "hw", "{hw}"], "--input data:"),
    (["models", "add", "hw", "{hw}", "--input", "data:1,4,8,8"], "fixed at 3"),
    (["models", "add", "bad", "{text}"], "not a loadable ONNX model"),
    (["models", "remove", "nothing"], "known models"),
])
def test_cli_errors_are_one_line_with_exit_2(onnx_dir, tmp_path, capsys, argv, expected):
    text = tmp_path / "readme.txt"
    text.write_text("not a model\n")
    paths = {"missing": tmp_path / "missing.onnx", "detector": onnx_dir / "detector_model.onnx",
             "hw": onnx_dir / "dynamic_hw_model.onnx", "text": text}
    argv = [a.format(**{k: str(v) for k, v in paths.items()}) for a in argv]
    assert panorama_main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err and err.count("\n") == 1, err


def test_cli_added_model_opens_in_the_sdk(onnx_dir, capsys):
    import panoramasdk

    assert panorama_main(["models", "add", "am", str(onnx_dir / "add_mul_model.onnx")]) == 0
    m = panoramasdk.model()
    m.open("am")
    m.batch(0, np.ones((1, 3, 8, 8)))
    m.flush()
    np.testing.assert_allclose(m.get_result().get(0).get(0), 3.0)
    m.finish()
