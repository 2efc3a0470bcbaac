"""A model's preprocessing spec: recorded by `panorama models add`, checked against the model's input,
and used by ``model.batch(i, media)`` (the fast path) to write the tensor straight into the batch."""
from __future__ import annotations

import json
import re

import numpy as np
import onnx
import panoramasdk
import pytest
from cli_helpers import ROOT, panorama
from onnx import TensorProto, helper
from panoramasdk._native import core
from panoramasdk.errors import InvalidArgumentError
from panoramasdk.media import media
from panoramasdk.models.store import ModelStore
from test_people_counter import MODEL_NAME, crowd_clip, people_ssd, read_frames  # noqa: F401

cv2 = pytest.importorskip("cv2")

GUIDE_SPEC = {"size": [512, 512], "resize": "bilinear", "channel_order": "bgr",
              "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}


def identity_model(path, shape=(1, 3, 32, 48), dtype=TensorProto.FLOAT):
    """An ONNX model whose output is its input: what the batch holds is what comes back."""
    graph = helper.make_graph([helper.make_node("Identity", ["image"], ["same"])], "identity",
                              [helper.make_tensor_value_info("image", dtype, list(shape))],
                              [helper.make_tensor_value_info("same", dtype, list(shape))])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return path


def camera_frame(clip, index=3):
    return read_frames(clip, index + 1)[index]


def test_models_add_records_the_spec_embedded_in_the_sample_model(people_ssd, private_panorama_home):  # noqa: F811
    r = panorama("models", "add", "people-ssd", people_ssd)
    assert r.returncode == 0, r.stderr
    assert "preprocess: data <- 512x512 bilinear bgr nchw float32" in r.stdout
    saved = json.loads((private_panorama_home / "models" / "people-ssd" / "model.json").read_text())
    assert saved["preprocess"]["input"] == "data"
    assert saved["preprocess"]["mean"] == pytest.approx([0.485, 0.456, 0.406])
    listed = panorama("models", "list")
    assert "preprocess: data <- 512x512" in listed.stdout


def test_models_add_takes_a_spec_and_checks_it_against_the_input(tmp_path):
    model = identity_model(tmp_path / "identity.onnx")
    ok = panorama("models", "add", "ident", model, "--preprocess", json.dumps({"size": [48, 32]}))
    assert ok.returncode == 0, ok.stderr
    assert "image <- 48x32 bilinear rgb nchw float32" in ok.stdout

    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps({"size": [48, 32], "layout": "nhwc"}))
    bad = {
        "input 'image' takes (3, 32, 48)": json.dumps({"size": [32, 48]}),
        "set 'dtype' to 'float32'": json.dumps({"size": [48, 32], "dtype": "float16"}),
        "its inputs are: image": json.dumps({"size": [48, 32], "input": "pixels"}),
        "not valid JSON": "{size: 512",
        "fix 'size' (width, height) or 'layout'": f"@{spec_file}",
        "cannot read": f"@{tmp_path / 'missing.json'}",
    }
    for expected, value in bad.items():
        r = panorama("models", "add", "ident2", model, "--preprocess", value)
        assert r.returncode == 2, (value, r.stdout)
        assert expected in r.stderr, (value, r.stderr)
        assert "Traceback" not in r.stderr
    assert not (ModelStore().root / "ident2").exists()


def test_a_broken_spec_in_model_json_names_the_file_and_field(tmp_path):
    ModelStore().add("ident", identity_model(tmp_path / "identity.onnx"), preprocess={"size": [48, 32]})
    descriptor = ModelStore().root / "ident" / "model.json"
    data = json.loads(descriptor.read_text())
    data["preprocess"]["resize"] = "cubic"
    descriptor.write_text(json.dumps(data))
    with pytest.raises(InvalidArgumentError, match=re.escape(str(descriptor)) + ".*resize"):
        ModelStore().find("ident")


def test_batch_of_a_media_writes_the_preprocessed_frame_into_the_batch(tmp_path, crowd_clip):  # noqa: F811
    spec = {"size": [48, 32], "channel_order": "bgr", "mean": [0.4, 0.5, 0.6], "std": [0.2, 0.25, 0.3]}
    ModelStore().add("ident", identity_model(tmp_path / "identity.onnx"), preprocess=spec)
    image = camera_frame(crowd_clip)
    m = panoramasdk.model()
    m.open("ident", 1)
    m.batch(0, media(core.Frame.from_array(image), "test://camera"))
    m.flush()
    result = m.get_result()
    got = result.get(0).get(0)
    m.release_result(result)
    m.finish()

    expected = panoramasdk.preprocess(image, panoramasdk.PreprocessSpec.from_dict(spec))[0]
    np.testing.assert_array_equal(got, expected)
    # The same maths as the numpy route an application would write (cv2 rounds after resizing).
    resized = cv2.resize(image, (48, 32)).astype(np.float32) / 255.0
    numpy_route = ((resized - [0.4, 0.5, 0.6]) / [0.2, 0.25, 0.3]).transpose(2, 0, 1)
    assert np.abs(got - numpy_route).max() < 0.5 / 255 / 0.2 + 1e-5


def test_batch_of_a_media_without_a_spec_says_how_to_add_one(tmp_path, crowd_clip):  # noqa: F811
    ModelStore().add("plain", identity_model(tmp_path / "identity.onnx"))
    m = panoramasdk.model()
    m.open("plain", 1)
    frame = media(core.Frame.from_array(camera_frame(crowd_clip)), "test://camera")
    with pytest.raises(ValueError, match="no preprocessing spec.*--preprocess"):
        m.batch(0, frame)
    # Arrays keep working as the Panorama API documents.
    m.batch(0, np.zeros((1, 3, 32, 48), np.float32))
    m.flush()
    m.release_result(m.get_result())
    m.finish()


def test_fast_people_counter_counts_like_the_guides_app(people_ssd, crowd_clip):  # noqa: F811
    frames = 20
    counts = {}
    for app in ("app.py", "app_fast.py"):
        r = panorama("run", ROOT / "examples" / "people_counter" / app, "--camera", crowd_clip, "--frames", frames,
                     "--model", f"{MODEL_NAME}={people_ssd}", "--param", "threshold=0.5", timeout=300)
        assert r.returncode == 0, r.stderr[-3000:]
        counts[app] = [int(c) for c in re.findall(r"Frame \d+: people detected: (\d+)", r.stdout)]
        assert len(counts[app]) == frames
    # The guide's app shows frame k with the detections of frame k-1 (it double-buffers); the fast
    # path shows each frame with its own. Preprocessing differs by cv2's rounding to uint8 only.
    guide, fast = counts["app.py"][1:], counts["app_fast.py"][:-1]
    assert sum(f > 0 for f in fast) >= 0.8 * len(fast), fast
    same = sum(g == f for g, f in zip(guide, fast))
    assert same >= 0.8 * len(fast) and all(abs(g - f) <= 1 for g, f in zip(guide, fast)), (guide, fast)
