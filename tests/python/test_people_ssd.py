"""people-ssd.onnx (examples/models/build_people_ssd.py): NanoDet-m behind the guide's SSD interface.

Runs the built model with ONNX Runtime on real frames of the pedestrian clip, prepared exactly as the
guide's sample application prepares them, and checks it against an independent numpy decode of the raw
NanoDet outputs.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest

ROOT = Path(__file__).resolve().parents[2]
NANODET = ROOT / "examples" / "assets" / "nanodet-m-416-coco.onnx"
VOC_PERSON = 14
COCO_PERSON = 0
# The 20 COCO classes that have a Pascal VOC counterpart, in VOC order.
COCO_OF_VOC = [4, 1, 14, 8, 39, 5, 2, 15, 56, 19, 60, 16, 17, 3, 0, 58, 18, 57, 6, 62]


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_people_ssd", ROOT / "examples" / "models" / "build_people_ssd.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def guide_preprocess(img: np.ndarray) -> np.ndarray:
    """The AWS Panorama guide's preprocess(): BGR frame -> [1, 3, 512, 512], ImageNet mean/std on B, G, R."""
    resized = cv2.resize(img, (512, 512))
    mean = [0.485, 0.456, 0.406]
    std = [0.229, 0.224, 0.225]
    img = resized.astype(np.float32) / 255.
    x1 = [[[], [], []]]
    x1[0][0] = (img[:, :, 0] - mean[0]) / std[0]
    x1[0][1] = (img[:, :, 1] - mean[1]) / std[1]
    x1[0][2] = (img[:, :, 2] - mean[2]) / std[2]
    return np.asarray(x1)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("people_ssd") / "people-ssd.onnx"
    assert _load_builder().main([str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def session(model_path) -> ort.InferenceSession:
    return ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def frame_20s(sample_clip) -> np.ndarray:
    """Frame 200 (t = 20 s at 10 fps), decoded in order from the start."""
    cap = cv2.VideoCapture(str(sample_clip))
    assert cap.isOpened(), f"cannot open {sample_clip}"
    for _ in range(201):
        ok, frame = cap.read()
        assert ok, f"{sample_clip}: ended before frame 200"
    cap.release()
    assert frame.shape == (576, 768, 3)
    return frame


def _run(session, frame):
    class_ids, scores, boxes = session.run(None, {"data": guide_preprocess(frame)})
    return class_ids, scores, boxes


def _check_layout(class_ids, scores, boxes) -> int:
    """Shared invariants of one output set; returns the number of real (unpadded) rows."""
    assert class_ids.shape == (1, 100, 1) and scores.shape == (1, 100, 1) and boxes.shape == (1, 100, 4)
    assert class_ids.dtype == scores.dtype == boxes.dtype == np.float32
    c, s, b = class_ids[0, :, 0], scores[0, :, 0], boxes[0]
    assert np.all(np.diff(s) <= 0), "scores must be sorted best first"
    valid = c >= 0
    count = int(valid.sum())
    assert np.all(valid[:count]), "padding rows must come after every detection"
    assert np.all(c[:count] == np.round(c[:count])) and np.all(c[:count] <= 19)
    assert np.all(s[:count] > 0.05) and np.all(s[:count] <= 1)
    kept = b[:count]
    assert np.all((kept >= 0) & (kept <= 512)), "boxes must lie in the 512x512 input"
    assert np.all(kept[:, 0] < kept[:, 2]) and np.all(kept[:, 1] < kept[:, 3]), "need left<right, top<bottom"
    assert np.all(c[count:] == -1) and np.all(s[count:] == 0) and np.all(b[count:] == 0)
    return count


def test_interface(session):
    inputs, outputs = session.get_inputs(), session.get_outputs()
    assert [(i.name, i.shape, i.type) for i in inputs] == [("data", [1, 3, 512, 512], "tensor(float)")]
    assert [(o.name, o.shape, o.type) for o in outputs] == [
        ("class_ids", [1, 100, 1], "tensor(float)"),
        ("scores", [1, 100, 1], "tensor(float)"),
        ("boxes", [1, 100, 4], "tensor(float)"),
    ]


def test_build_is_deterministic(model_path, tmp_path):
    again = tmp_path / "again.onnx"
    assert _load_builder().main([str(again)]) == 0
    assert again.read_bytes() == model_path.read_bytes()


def test_people_at_20s(session, frame_20s):
    class_ids, scores, boxes = _run(session, frame_20s)
    count = _check_layout(class_ids, scores, boxes)
    assert count > 0
    people = (class_ids[0, :, 0] == VOC_PERSON) & (scores[0, :, 0] >= 0.5)
    assert people.sum() >= 5, f"expected several people scoring >= 0.5 at t=20 s, got {people.sum()}"
    # People are upright and person-sized in this scene (about 15-40 px wide, 45-95 px tall at 512).
    sizes = boxes[0, people, 2:] - boxes[0, people, :2]
    assert np.all(sizes[:, 1] > sizes[:, 0]) and np.all((sizes[:, 1] > 30) & (sizes[:, 1] < 150))


def test_padding_when_few_detections(session, frame_20s):
    # One walker pasted on a grey frame: a handful of detections, the rest padding.
    scene = np.full_like(frame_20s, 128)
    scene[240:400, 590:690] = frame_20s[240:400, 590:690]
    class_ids, scores, boxes = _run(session, scene)
    count = _check_layout(class_ids, scores, boxes)
    assert 1 <= count < 100
    assert class_ids[0, 0, 0] == VOC_PERSON and scores[0, 0, 0] >= 0.5
    # ... and it sits where it was pasted (frame pixels scaled to 512: x by 2/3, y by 8/9).
    left, top, right, bottom = boxes[0, 0]
    assert 590 * 2 / 3 <= left < right <= 690 * 2 / 3 and 240 * 8 / 9 <= top < bottom <= 400 * 8 / 9
    blank_ids, blank_scores, blank_boxes = _run(session, np.full_like(frame_20s, 128))
    assert _check_layout(blank_ids, blank_scores, blank_boxes) == 0


def _reference_top_person(frame_input: np.ndarray) -> tuple[float, np.ndarray]:
    """Best person (score, box at 512) from raw NanoDet outputs, decoded here in plain numpy."""
    mean = np.array([0.485, 0.456, 0.406], np.float32).reshape(3, 1, 1)
    std = np.array([0.229, 0.224, 0.225], np.float32).reshape(3, 1, 1)
    bgr = frame_input[0] * std + mean                      # undo the app's normalisation
    rgb = bgr[::-1].transpose(1, 2, 0)                     # HWC, RGB, 0..1
    rgb416 = cv2.resize(np.ascontiguousarray(rgb), (416, 416), interpolation=cv2.INTER_LINEAR)
    raw = ort.InferenceSession(str(NANODET), providers=["CPUExecutionProvider"])
    out = dict(zip([o.name for o in raw.get_outputs()],
                   raw.run(None, {"input_1:0": rgb416.transpose(2, 0, 1)[None].copy()})))
    best_score, best_box = -1.0, None
    for stride, score_name, box_name in ((8, "Identity:0", "Identity_3:0"),
                                         (16, "Identity_1:0", "Identity_4:0"),
                                         (32, "Identity_2:0", "Identity_5:0")):
        cells = 416 // stride
        voc_scores = out[score_name][0][:, COCO_OF_VOC]
        person = np.where(voc_scores.argmax(1) == VOC_PERSON, out[score_name][0][:, COCO_PERSON], -1)
        i = int(person.argmax())
        if person[i] <= best_score:
            continue
        logits = out[box_name][0][i].reshape(4, 11)
        prob = np.exp(logits - logits.max(1, keepdims=True))
        prob /= prob.sum(1, keepdims=True)
        left, top, right, bottom = (prob * np.arange(11)).sum(1) * stride
        cx, cy = (i % cells + 0.5) * stride, (i // cells + 0.5) * stride
        best_score = float(person[i])
        best_box = np.array([cx - left, cy - top, cx + right, cy + bottom]) * (512 / 416)
    return best_score, np.clip(best_box, 0, 512)


def test_top_person_matches_reference_decode(session, frame_20s):
    frame_input = guide_preprocess(frame_20s)
    class_ids, scores, boxes = session.run(None, {"data": frame_input})
    top = int(np.flatnonzero(class_ids[0, :, 0] == VOC_PERSON)[0])
    ref_score, ref_box = _reference_top_person(frame_input)
    assert abs(float(scores[0, top, 0]) - ref_score) < 0.02
    np.testing.assert_allclose(boxes[0, top], ref_box, atol=2.0)


def test_score_threshold_option(tmp_path, frame_20s, session):
    path = tmp_path / "people-ssd-0.3.onnx"
    assert _load_builder().main([str(path), "--score-threshold", "0.3"]) == 0
    strict = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    class_ids, scores, boxes = _run(strict, frame_20s)
    count = _check_layout(class_ids, scores, boxes)
    assert 5 <= count < 100 and np.all(scores[0, :count, 0] > 0.3)
    # The same detections as the default model, minus the weaker ones.
    default_ids, default_scores, default_boxes = _run(session, frame_20s)
    np.testing.assert_array_equal(class_ids[0, :count], default_ids[0, :count])
    np.testing.assert_allclose(boxes[0, :count], default_boxes[0, :count], atol=1e-3)
