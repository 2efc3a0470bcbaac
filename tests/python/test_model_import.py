"""`panorama models import|describe|delete` and ModelStore.import_model: real ONNX files from model_factory,
TorchScript / torch.export / SavedModel models when their converters are installed (skipped, naming them,
when not), and the messages that say which converter to install."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys

import model_factory as mf
import numpy as np
import pytest
from panoramasdk import errors
from panoramasdk.cli.main import main as panorama_main
from panoramasdk.cli.models_cmd import ProgressLine
from panoramasdk.models import ModelStore
from panoramasdk.models.store import _copy_with_progress


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx")
    for build in (mf.detector_model, mf.dynamic_hw_model, mf.add_mul_model):
        build(folder / f"{build.__name__}.onnx")
    return folder


def _recorder():
    calls = []
    return calls, lambda stage, fraction: calls.append((stage, fraction))


# -- the API ------------------------------------------------------------------------------------------

def test_import_of_an_onnx_file_records_its_source_and_reports_progress(onnx_dir, private_panorama_home):
    calls, progress = _recorder()
    entry = ModelStore().import_model("det", onnx_dir / "detector_model.onnx", progress=progress)
    folder = private_panorama_home / "models" / "det"
    assert entry.path == folder / "model.onnx"
    assert entry.path.read_bytes() == (onnx_dir / "detector_model.onnx").read_bytes()
    recorded = json.loads((folder / "model.json").read_text())
    assert recorded["source_format"] == "onnx" and recorded["source_file"] == "detector_model.onnx"
    stages = [stage for stage, _ in calls]
    assert stages[0] == "checking the model with ONNX Runtime" and stages[-1] == "copying into the store"
    copied = [f for stage, f in calls if stage == "copying into the store"]
    assert copied[0] == 0.0 and copied[-1] == 1.0


def test_copy_reports_growing_fractions(tmp_path):
    source = tmp_path / "src.bin"
    source.write_bytes(os.urandom(10_000))
    calls, progress = _recorder()
    _copy_with_progress(source, tmp_path / "dst.bin", progress, chunk=3_000)
    assert [f for _, f in calls] == [0.0, 0.3, 0.6, 0.9, 1.0]
    assert (tmp_path / "dst.bin").read_bytes() == source.read_bytes()


def test_describe_reports_checksum_size_and_the_onnx_header(onnx_dir):
    store = ModelStore()
    store.import_model("hw", onnx_dir / "dynamic_hw_model.onnx", ["data:1,3,16,16"])
    info = store.describe("hw")
    artefact = store.root / "hw" / "model.onnx"
    assert info["name"] == "hw" and info["framework"] == "onnx"
    assert info["source_format"] == "onnx" and info["source_file"] == "dynamic_hw_model.onnx"
    assert info["path"] == str(artefact) and info["run_override"] is False
    assert info["size_bytes"] == artefact.stat().st_size
    assert info["sha256"] == hashlib.sha256(artefact.read_bytes()).hexdigest()
    assert info["inputs"] == [{"name": "data", "shape": [1, 3, 16, 16], "dtype": "float32"},
                              {"name": "gain", "shape": [1], "dtype": "float32"}]
    assert info["outputs"] == [{"name": "pooled", "shape": [1, 3, 1, 1], "dtype": "float32"}]
    assert info["dynamic_batch"] is False and info["preprocess"] is None and info["created"]
    assert info["onnx"] == {"opset": mf.OPSET, "producer_name": "model_factory", "producer_version": "",
                            "ir_version": 8}
    json.dumps(info)  # JSON-ready as it is


def test_describe_of_a_run_override(onnx_dir, monkeypatch):
    monkeypatch.setenv("PANORAMA_MODELS", f"am={onnx_dir / 'add_mul_model.onnx'}")
    info = ModelStore().describe("am")
    assert info["run_override"] is True and info["path"] == str((onnx_dir / "add_mul_model.onnx").resolve())
    assert [o["dtype"] for o in info["outputs"]] == ["float32", "int64"]


def test_delete_and_its_old_name_remove(onnx_dir):
    store = ModelStore()
    store.import_model("a", onnx_dir / "add_mul_model.onnx")
    store.import_model("b", onnx_dir / "add_mul_model.onnx")
    store.delete("a")
    assert not (store.root / "a").exists() and [e.name for e in store.list()] == ["b"]
    store.remove("b")
    assert store.list() == []
    store.import_model("c", onnx_dir / "add_mul_model.onnx")
    with pytest.raises(errors.NotFoundError) as info:
        store.delete("a")
    assert "'a' not found" in str(info.value) and "known models: c" in str(info.value)


def test_a_descriptor_written_before_sources_were_recorded_still_loads(onnx_dir):
    store = ModelStore()
    store.add("old", onnx_dir / "detector_model.onnx")
    path = store.root / "old" / "model.json"
    data = json.loads(path.read_text())
    del data["source_format"], data["source_file"]
    path.write_text(json.dumps(data))
    d = store.find("old").descriptor
    assert (d.source_format, d.source_file) == ("onnx", "")
    assert store.describe("old")["source_file"] == ""
    data["source_format"] = "caffe"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError) as info:
        store.find("old")
    assert str(path) in str(info.value) and "source_format 'caffe'" in str(info.value)


def test_input_names_and_shapes_are_checked_against_the_model(onnx_dir):
    store = ModelStore()
    path = onnx_dir / "dynamic_hw_model.onnx"
    with pytest.raises(ValueError) as info:
        store.import_model("hw", path, ["image:1,3,16,16"])
    assert "no input 'image'; its inputs are: data (N, 3, H, W), gain (1,)" in str(info.value)
    with pytest.raises(ValueError) as info:
        store.import_model("hw", path, ["data:1,4,16,16"])
    assert "has shape (N, 3, H, W)" in str(info.value) and "dim 1 is fixed at 3" in str(info.value)
    with pytest.raises(ValueError) as info:
        store.import_model("hw", path)
    assert "--input data:1,3,<H>,<W>" in str(info.value)
    assert store.list() == []


def test_an_existing_name_is_refused_before_any_conversion(onnx_dir, tmp_path):
    store = ModelStore()
    store.import_model("m", onnx_dir / "add_mul_model.onnx")
    archive = tmp_path / "model.pt"
    archive.write_bytes(b"not looked at")
    with pytest.raises(ValueError) as info:
        store.import_model("m", archive, ["x:1,3,8,8"])
    assert "model 'm' already exists" in str(info.value) and "panorama models delete m" in str(info.value)


@pytest.mark.parametrize("filename, expected", [
    ("weights.bin", "the model format is not known from its name; expected an ONNX file (.onnx), a TorchScript"),
    ("model.h5", "is a Keras .h5 file, which is not supported: save the model as a SavedModel folder"),
    ("model.keras", "is a Keras .keras file, which is not supported"),
])
def test_unknown_formats_are_named_with_the_formats_accepted(tmp_path, filename, expected):
    path = tmp_path / filename
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError) as info:
        ModelStore().import_model("m", path)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        ModelStore().import_model("m", tmp_path / "nothing.pt")
    assert "nothing.pt does not exist" in str(info.value)


def test_a_folder_without_saved_model_pb_is_no_tensorflow_model(tmp_path):
    folder = tmp_path / "exported"
    (folder / "variables").mkdir(parents=True)
    (folder / "variables" / "variables.index").write_bytes(b"\x00" * 16)
    with pytest.raises(ValueError) as info:
        ModelStore().import_model("tf", folder)
    assert f"No valid TensorFlow model found in {folder}: expected saved_model.pb" in str(info.value)


# -- converters that are not installed ----------------------------------------------------------------

def _import_with_modules_blocked(blocked, *argv):
    """`panorama models import ...` in a child whose `import` of each blocked module fails, as when the
    package is not installed."""
    code = ("import sys; sys.modules.update(dict.fromkeys(sys.argv[1].split(','))); "
            "from panoramasdk.cli.main import main; sys.exit(main(sys.argv[2:]))")
    return subprocess.run([sys.executable, "-c", code, ",".join(blocked), "models", "import", *map(str, argv)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("blocked, model, expected", [
    (["torch"], "model.pt", "converting the PyTorch model model.pt to ONNX needs PyTorch, which is not installed: "
                            "pip install torch"),
    (["torch"], "model.pt2", "needs PyTorch, which is not installed: pip install torch"),
    (["tensorflow", "tf2onnx"], "saved", "converting the TensorFlow SavedModel {path} to ONNX needs TensorFlow, "
                                         "which is not installed: pip install tensorflow tf2onnx"),
])
def test_a_missing_converter_names_the_package_to_install(tmp_path, blocked, model, expected):
    path = tmp_path / model
    if model == "saved":
        path.mkdir()
        (path / "saved_model.pb").write_bytes(b"\x08\x01")
    else:
        path.write_bytes(b"PK\x03\x04 archive")
    proc = _import_with_modules_blocked(blocked, "m", path, "--input", "x:1,3,8,8")
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and expected.format(path=path) in last
    assert not (tmp_path / "panorama-home" / "models" / "m").exists()


# -- the command line ---------------------------------------------------------------------------------

def test_cli_import_describe_list_delete(onnx_dir, capsys):
    assert panorama_main(["models", "import", "det", str(onnx_dir / "detector_model.onnx")]) == 0
    captured = capsys.readouterr()
    assert "imported onnx model 'det'" in captured.out and "boxes (1, 100, 4) float32" in captured.out
    assert captured.err.splitlines() == ["import det: checking the model with ONNX Runtime",
                                         "import det: copying into the store"]
    assert panorama_main(["models", "describe", "det"]) == 0
    text = capsys.readouterr().out
    assert "source:        onnx (detector_model.onnx)" in text
    assert f"opset {mf.OPSET}, IR version 8, producer model_factory" in text
    assert "inputs:        data (1, 3, 32, 32) float32" in text
    assert panorama_main(["models", "describe", "det", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["sha256"] == hashlib.sha256((onnx_dir / "detector_model.onnx").read_bytes()).hexdigest()
    assert panorama_main(["models", "list"]) == 0
    assert capsys.readouterr().out.split("\t")[:2] == ["det", "onnx"]
    assert panorama_main(["models", "delete", "det"]) == 0
    assert "deleted model 'det'" in capsys.readouterr().out
    assert panorama_main(["models", "list"]) == 0
    assert capsys.readouterr().out.startswith("no models in ")


@pytest.mark.parametrize("argv, expected", [
    (["models", "import", "hw", "{hw}", "--input", "image:1,3,8,8"], "its inputs are: data (N, 3, H, W)"),
    (["models", "import", "hw", "{hw}", "--input", "data:1,4,8,8"], "dim 1 is fixed at 3"),
    (["models", "import", "x", "{missing}"], "does not exist"),
    (["models", "describe", "nothing"], "'nothing' not found"),
    (["models", "delete", "nothing"], "'nothing' not found"),
])
def test_cli_errors_end_with_one_error_line_and_exit_2(onnx_dir, tmp_path, capsys, argv, expected):
    paths = {"hw": onnx_dir / "dynamic_hw_model.onnx", "missing": tmp_path / "missing.pt"}
    argv = [a.format(**{k: str(v) for k, v in paths.items()}) for a in argv]
    assert panorama_main(argv) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("error: ") and expected in lines[-1], lines


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_rewrites_one_line_on_a_terminal():
    stream = _Terminal()
    line = ProgressLine(stream, "import m")
    line("converting", None)
    line("copying into the store", 0.5)
    line("copying into the store", 1.0)
    line.close()
    text = stream.getvalue()
    assert "\n" not in text and text.count("\r") == 5  # three updates, then cleared
    assert "\rimport m: converting ..." in text and "import m: copying into the store  50%" in text
    assert "import m: copying into the store 100%" in text and text.endswith("\r")


def test_progress_line_writes_one_line_per_stage_elsewhere():
    stream = io.StringIO()
    line = ProgressLine(stream, "import m")
    for stage, fraction in [("converting", None), ("copying", 0.0), ("copying", 0.5), ("copying", 1.0)]:
        line(stage, fraction)
    line.close()
    assert stream.getvalue() == "import m: converting\nimport m: copying\n"


# -- conversions, where the converters are installed --------------------------------------------------

def _tiny_torch_net(torch):
    """A 3 -> 4 channel 3x3 convolution and ReLU; outputs the feature map and its per-channel mean."""
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)

        def forward(self, x):
            y = torch.relu(self.conv(x))
            return y, y.mean(dim=(2, 3))

    torch.manual_seed(0)
    return Net().eval()


def _run_onnx(path, feeds):
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)


def _assert_computes_like_torch(torch, net, entry, seed):
    x = np.random.default_rng(seed).standard_normal((1, 3, 8, 8)).astype(np.float32)
    got = _run_onnx(entry.path, {entry.descriptor.inputs[0].name: x})
    with torch.no_grad():
        want = net(torch.from_numpy(x))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-4, atol=1e-5)


def test_torchscript_model_is_converted_and_computes_what_torch_does(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed: the TorchScript conversion needs it")
    net = _tiny_torch_net(torch)
    archive = tmp_path / "net.pt"
    torch.jit.save(torch.jit.script(net), str(archive))
    calls, progress = _recorder()
    entry = ModelStore().import_model("net", archive, ["x:1,3,8,8"], progress=progress)
    d = entry.descriptor
    assert (d.source_format, d.source_file) == ("torchscript", "net.pt")
    assert [(t.name, t.shape, t.dtype) for t in d.inputs] == [("x", (1, 3, 8, 8), "float32")]
    assert [(t.name, t.shape) for t in d.outputs] == [("output0", (1, 4, 8, 8)), ("output1", (1, 4))]
    assert "exporting to ONNX (torch.onnx.export)" in [stage for stage, _ in calls]
    _assert_computes_like_torch(torch, net, entry, seed=3)


def test_torchscript_inputs_are_checked_against_forward(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed: the TorchScript conversion needs it")
    archive = tmp_path / "net.pt"
    torch.jit.save(torch.jit.script(_tiny_torch_net(torch)), str(archive))
    store = ModelStore()
    with pytest.raises(ValueError) as info:
        store.import_model("net", archive)
    assert "needs the shape of each input of forward(x)" in str(info.value) and "--input x:" in str(info.value)
    with pytest.raises(ValueError) as info:
        store.import_model("net", archive, ["image:1,3,8,8"])
    assert "net.pt has no input 'image'; its inputs are: x" in str(info.value)
    with pytest.raises(ValueError) as info:
        store.import_model("net", archive, ["x:1,5,8,8"])
    assert "failed on float32 zeros of shapes x:1,5,8,8" in str(info.value)
    weights = tmp_path / "weights.pt"
    torch.save(_tiny_torch_net(torch).state_dict(), str(weights))
    with pytest.raises(ValueError) as info:
        store.import_model("w", weights, ["x:1,3,8,8"])
    assert "is not a TorchScript archive" in str(info.value) and "torch.jit.save" in str(info.value)
    assert store.list() == []


def test_torch_export_model_is_converted_and_computes_what_torch_does(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed: the torch.export conversion needs it")
    pytest.importorskip("onnxscript", reason="onnxscript is not installed: torch.onnx needs it for .pt2")
    net = _tiny_torch_net(torch)
    archive = tmp_path / "net.pt2"
    torch.export.save(torch.export.export(net, (torch.zeros(1, 3, 8, 8),)), str(archive))
    entry = ModelStore().import_model("net2", archive)
    d = entry.descriptor
    assert (d.source_format, d.source_file) == ("torch.export", "net.pt2")
    assert [(t.shape, t.dtype) for t in d.inputs] == [((1, 3, 8, 8), "float32")]
    assert [t.shape for t in d.outputs] == [(1, 4, 8, 8), (1, 4)]
    assert set(os.listdir(entry.folder)) == {"model.json", "model.onnx"}  # weights inside, no external data
    _assert_computes_like_torch(torch, net, entry, seed=4)


def test_torch_export_without_onnxscript_names_it(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed: the torch.export conversion needs it")
    archive = tmp_path / "net.pt2"
    torch.export.save(torch.export.export(_tiny_torch_net(torch), (torch.zeros(1, 3, 8, 8),)), str(archive))
    proc = _import_with_modules_blocked(["onnxscript"], "net2", archive)
    assert proc.returncode == 1, proc.stderr
    assert "needs ONNX Script" in proc.stderr and "pip install onnxscript" in proc.stderr


def test_saved_model_is_converted_and_computes_what_tensorflow_does(tmp_path):
    tf = pytest.importorskip("tensorflow", reason="tensorflow is not installed: the SavedModel conversion needs it")
    pytest.importorskip("tf2onnx", reason="tf2onnx is not installed: the SavedModel conversion needs it")

    class Affine(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def __call__(self, x):
            return {"y": x * 2.0 + 1.0}

    folder = tmp_path / "affine"
    module = Affine()
    tf.saved_model.save(module, str(folder), signatures=module.__call__)
    entry = ModelStore().import_model("affine", folder)
    d = entry.descriptor
    assert (d.source_format, d.source_file) == ("tensorflow", "affine")
    assert [(t.shape, t.dtype) for t in d.inputs] == [((1, 4), "float32")]
    x = np.arange(4, dtype=np.float32).reshape(1, 4)
    np.testing.assert_allclose(_run_onnx(entry.path, {d.inputs[0].name: x})[0], x * 2 + 1)
