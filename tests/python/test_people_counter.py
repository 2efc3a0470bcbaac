"""The guide's sample application, unmodified, on the real pedestrian clip and the real detector."""
from __future__ import annotations

import re
import subprocess
import sys

import make_media
import numpy as np
import pytest
from cli_helpers import ROOT, panorama

cv2 = pytest.importorskip("cv2")
ort = pytest.importorskip("onnxruntime")

APP = ROOT / "examples" / "people_counter" / "app.py"
MODEL_NAME = "aws-panorama-sample-model"
FRAMES = 30


@pytest.fixture(scope="session")
def people_ssd(tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "people-ssd.onnx"
    subprocess.run([sys.executable, str(ROOT / "examples" / "models" / "build_people_ssd.py"), str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def crowd_clip(sample_clip, media_dir):
    """4 s of the pedestrian clip from t = 18 s (a key frame: GOP 20 at 10 fps), stream-copied."""
    out = media_dir / "pedestrians-18s.mp4"
    subprocess.run([make_media.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-ss", "18",
                    "-i", str(sample_clip), "-t", "4", "-c", "copy", str(out)], check=True)
    return out


def guide_preprocess(image):
    resized = cv2.resize(image, (512, 512)).astype(np.float32) / 255.0
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    return ((resized - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)


def read_frames(path, count):
    cap = cv2.VideoCapture(str(path))
    frames = []
    while len(frames) < count:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    return frames


def test_people_counter_end_to_end(people_ssd, crowd_clip, tmp_path):
    out = tmp_path / "people.mp4"
    r = panorama("run", APP, "--camera", crowd_clip, "--frames", FRAMES,
                 "--model", f"{MODEL_NAME}={people_ssd}", "--record", out, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]

    counts = [int(c) for c in re.findall(r"Frame \d+: people detected: (\d+)", r.stdout)]
    assert len(counts) == FRAMES
    assert sum(c > 0 for c in counts) >= 0.8 * FRAMES, counts

    assert make_media.count_frames(out) == FRAMES
    recorded = read_frames(out, FRAMES)
    source = read_frames(crowd_clip, FRAMES)
    session = ort.InferenceSession(str(people_ssd), providers=["CPUExecutionProvider"])

    # The app double-buffers: output k (k >= 1) is source frame k-1 with that frame's detections.
    checked_boxes = 0
    for k in (5, 15, 25):
        original, drawn = source[k - 1], recorded[k]
        h, w, _ = original.shape
        classes, scores, boxes = session.run(None, {"data": guide_preprocess(original)})
        people = [i for i in range(100) if int(classes[0, i, 0]) == 14 and scores[0, i, 0] >= 0.10]
        assert people, f"the detector found nobody in frame {k - 1}"
        diff = np.abs(drawn.astype(int) - original.astype(int)).sum(axis=2)
        for i in people:
            left, top, right, bottom = np.clip(boxes[0, i] / 512.0, 0, 1) * [w, h, w, h]
            x0, x1 = int(round(left)), int(round(right))
            y0, y1 = int(round(top)), int(round(bottom))
            if x1 - x0 < 12 or y1 - y0 < 24:
                continue
            # the left edge of the box is drawn: strong difference along it, over the middle half of its height
            column = diff[y0 + (y1 - y0) // 4: y1 - (y1 - y0) // 4, max(x0 - 1, 0): x0 + 2]
            assert column.mean() > 40, (k, i, column.mean())
            checked_boxes += 1
        # "People detected: N" at (0.02, 0.9): label pixels differ from the source
        label_region = diff[int(0.9 * h) + 2: int(0.9 * h) + 14, int(0.02 * w) + 2: int(0.02 * w) + 80]
        assert label_region.mean() > 40
    assert checked_boxes >= 3
