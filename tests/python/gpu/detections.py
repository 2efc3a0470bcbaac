"""Compares two SSD outputs (class ids, scores, boxes; the guide's sample model's layout) detection by
detection, for the GPU engines' tests against ONNX Runtime on the CPU."""
from __future__ import annotations

import numpy as np

# A detection scoring >= SURE on one side must be on the other among those scoring >= MAYBE, with the same
# class, boxes overlapping by IoU >= MIN_IOU and scores within SCORE_TOL.
SURE, MAYBE, MIN_IOU, SCORE_TOL = 0.5, 0.4, 0.9, 0.02


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0


def _rows(a) -> np.ndarray:
    """(1, 100, k) or (100, k) -> (100, k)."""
    a = np.asarray(a)
    return a.reshape(-1, a.shape[-1])


def unmatched(ours: list, theirs: list) -> list:
    """Detections of `ours` (classes, scores, boxes of one item) scoring >= SURE without a match in `theirs`."""
    classes, scores, boxes = (_rows(a) for a in ours)
    t_classes, t_scores, t_boxes = (_rows(a) for a in theirs)
    missing = []
    for i in np.flatnonzero(scores[:, 0] >= SURE):
        candidates = [j for j in np.flatnonzero(t_scores[:, 0] >= MAYBE)
                      if t_classes[j, 0] == classes[i, 0] and abs(t_scores[j, 0] - scores[i, 0]) <= SCORE_TOL
                      and _iou(boxes[i], t_boxes[j]) >= MIN_IOU]
        if not candidates:
            missing.append((int(classes[i, 0]), float(scores[i, 0]), boxes[i].round(1).tolist()))
    return missing


def assert_same_detections(gpu: list, cpu: list, where: str) -> int:
    """Both ways: every sure detection of each side is found on the other. Returns the CPU's sure count."""
    assert not unmatched(cpu, gpu), f"{where}: CPU detections the GPU engine missed: {unmatched(cpu, gpu)}"
    assert not unmatched(gpu, cpu), f"{where}: GPU detections the CPU did not make: {unmatched(gpu, cpu)}"
    return int((np.asarray(cpu[1]) >= SURE).sum())
