"""An application that uses every member of SDK_API.md runs unmodified: two cameras, two models."""
from __future__ import annotations

import json

import make_media
import numpy as np
import onnx
import pytest
from cli_helpers import APPS, panorama
from onnx import TensorProto, helper

ort = pytest.importorskip("onnxruntime")
APP = APPS / "every_member" / "app.py"


def _save(model, path):
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """model_a: data [1,3,64,64] -> [1,10] (mean per 10 groups, times a weight); model_b: x [1,4] -> [1,4], [1,2]."""
    d = tmp_path_factory.mktemp("em-models")
    weights = np.linspace(0.5, 5.0, 10, dtype=np.float32)
    a = helper.make_graph(
        [helper.make_node("ReduceMean", ["data"], ["m"], axes=[1, 2, 3], keepdims=0),
         helper.make_node("Unsqueeze", ["m", "axis"], ["m1"]),
         helper.make_node("Mul", ["m1", "w"], ["out"])],
        "model_a",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 10])],
        [helper.make_tensor("w", TensorProto.FLOAT, [1, 10], weights),
         helper.make_tensor("axis", TensorProto.INT64, [1], [1])])
    b = helper.make_graph(
        [helper.make_node("Mul", ["x", "two"], ["doubled"]),
         helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["head"])],
        "model_b",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("doubled", TensorProto.FLOAT, [1, 4]),
         helper.make_tensor_value_info("head", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor("two", TensorProto.FLOAT, [1], [2.0]),
         helper.make_tensor("starts", TensorProto.INT64, [1], [0]),
         helper.make_tensor("ends", TensorProto.INT64, [1], [2]),
         helper.make_tensor("axes", TensorProto.INT64, [1], [1])])
    opset = [helper.make_opsetid("", 13)]
    return (_save(helper.make_model(a, opset_imports=opset), d / "a.onnx"),
            _save(helper.make_model(b, opset_imports=opset), d / "b.onnx"))


@pytest.fixture(scope="module")
def report(models, media_dir, tmp_path_factory):
    clip_a = make_media.encode_test_clip(media_dir / "em-a.mp4", width=320, height=240, frames=12)
    clip_b = make_media.encode_test_clip(media_dir / "em-b.mkv", width=160, height=120, frames=8)
    out = tmp_path_factory.mktemp("em-run")
    report_path = out / "report.json"
    r = panorama("run", APP, "--camera", clip_a, "--camera", clip_b, "--frames", 10,
                 "--model", f"model_a={models[0]}", "--model", f"model_b={models[1]}",
                 "--param", "fail_once=true", "--record", out / "em.mp4",
                 env={"EVERY_MEMBER_REPORT": str(report_path)}, timeout=180)
    assert r.returncode == 0, r.stderr[-4000:]
    data = json.loads(report_path.read_text())
    data["_stdout"], data["_stderr"], data["_out"] = r.stdout, r.stderr, out
    return data


def test_launch_environment(report):
    assert report["cwd"] == report["app_dir"]  # the app's folder is the working directory...
    assert report["sys_path0"] == report["app_dir"]  # ...and first on sys.path, so `import helpers` works
    assert report["np_float_is_float"] is True  # np.float works (restored on numpy >= 1.24)


def test_parameters_keep_their_decided_types(report):
    p = report["parameters"]
    assert p["repeat"] == {"type": "int", "value": 3} and report["repeat_range"] == [0, 1, 2]
    assert p["threshold"] == {"type": "float", "value": 0.25}
    assert p["seed"]["value"] == 4000000000 and p["shade"]["value"] == 200
    assert p["draw"]["type"] == "bool" and p["zone"]["value"] == [0.1, 0.2, 0.5, 0.6]
    assert p["model_a"] == {"type": "str", "value": "model_a"}
    assert report["unknown_parameter_error"]["type"] == "AttributeError"


def test_ports_at_init(report):
    init = report["init"]
    assert init["camera_count"] == 2 and init["output_count"] == 2 and init["state_size"] == 2
    assert init["inputs_is_port"] and init["inputs_is_list"] and init["outputs_is_list"] and init["media_types_ok"]
    assert init["image_shapes"] == [[240, 320, 3], [120, 160, 3]]
    assert len(set(init["stream_uris"])) == 2
    assert all(init["sdk_classes"].values())


def test_model_info(report):
    a, b = report["models"]["model_a"], report["models"]["model_b"]
    assert a["batch_size"] == 1 and a["input_names"] == ["data"] and a["output_count"] == 1
    assert a["inputs"][0]["dims"] == [1, 3, 64, 64] and a["inputs"][0]["dims_is_tuple"]
    assert a["inputs"][0]["type"] == "float32" and a["inputs"][0]["type_is_dtype"]
    assert a["outputs"][0]["dims"] == [1, 10] and a["outputs"][0]["index"] == 0
    assert b["output_names"] == ["doubled", "head"] and [o["dims"] for o in b["outputs"]] == [[1, 4], [1, 2]]


def test_error_probes(report):
    probes = report["probes"]
    missing = probes["missing_model"]
    assert "RuntimeError" in missing["mro"] and "FileNotFoundError" in missing["mro"]
    assert "model_a" in missing["message"] and "model_b" in missing["message"]  # lists the known names
    assert "RuntimeError" in probes["get_result_without_flush"]["mro"]
    assert "ValueError" in probes["batch_wrong_size"]["mro"]
    assert "3, 64, 64" in probes["batch_wrong_size"]["message"]
    assert "ValueError" in probes["batch_get_wrong_size"]["mro"]
    assert probes["result_is_batch_set"] and probes["batch_is_batch"]
    assert probes["batch_after_finish"] is not None and probes["flush_after_finish"] is not None


def test_inference_results_match_onnxruntime(report, models):
    sa = ort.InferenceSession(str(models[0]), providers=["CPUExecutionProvider"])
    sb = ort.InferenceSession(str(models[1]), providers=["CPUExecutionProvider"])
    assert len(report["results"]) == 2  # calls 1 and 4 (2 raises, 3 returns False), then finished at 4
    for entry in report["results"]:
        data = np.full((1, 3, 64, 64), entry["a_input_value"], np.float32)
        np.testing.assert_allclose(entry["a_out"], sa.run(None, {"data": data})[0][0], rtol=1e-5)
        expected_b = sb.run(None, {"x": np.array(entry["b_input"], np.float32)})
        for got, want in zip(entry["b_out"], expected_b):
            np.testing.assert_allclose(got, want[0], rtol=1e-6)
        assert entry["a_shapes_agree"] and all(entry["b_shapes_agree"])


def test_entry_failures_logged_and_run_continues(report):
    assert report["calls"] == 10 and report["fail_once_done"]
    assert "every_member: deliberate failure" in report["_stderr"]
    assert "entry() returned False" in report["_stderr"]


def test_frames_outputs_and_identity(report):
    per_call = {c["call"]: c for c in report["per_call"]}
    first = per_call[1]
    assert first["prefilled"] == [True, True] and first["truthy"] == [True, True] and first["iterated"] == 2
    assert not first["output_is_previous"] and per_call[5]["output_is_previous"]
    assert all(c["other_slots_untouched"] and c["slot0_assigned"] for c in per_call.values())
    # files deliver every frame: the 8-frame second camera repeats its last media (same object) after it ends
    assert per_call[9]["repeated"] == [False, True]
    # overlays never change the arrays the app keeps
    assert all(all(flags) for flags in report["kept_images_unchanged"])
    for stream in report["streams"].values():
        assert stream["stamp_types_ok"] and stream["image_facts_ok"] and stream["same_array_each_access"]
        assert stream["fresh_array_each_frame"] and not stream["uri_has_credentials"]
    # 10 calls minus the two that fail before looking at frames; the 8-frame camera repeats on calls 9 and 10
    assert sorted(s["frames"] for s in report["streams"].values()) == [6, 8]


def test_recordings_show_app_drawing_and_pass_through(report):
    cv2 = pytest.importorskip("cv2")
    out = report["_out"]
    assert make_media.count_frames(out / "em-0.mp4") == 10
    assert make_media.count_frames(out / "em-1.mp4") == 10
    ok, frame = cv2.VideoCapture(str(out / "em-0.mp4")).read()
    assert ok
    # the app's red OpenCV rectangle from (4,4) to (80,60), 3 px: its top edge is red in the output
    edge = frame[4:7, 20:60].reshape(-1, 3).mean(axis=0)
    assert edge[2] > 150 and edge[1] < 90 and edge[0] < 90
