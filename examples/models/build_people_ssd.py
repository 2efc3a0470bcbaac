"""Build ``people-ssd.onnx``: NanoDet-m wrapped to look like the AWS Panorama guide's sample model.

The guide's sample application (``examples/people_counter/app.py``) was written for an SSD trained on
Pascal VOC. This script wraps the real, pretrained COCO detector NanoDet-m
(``examples/assets/nanodet-m-416-coco.onnx``, see ``examples/assets/PROVENANCE.md``) into ONE ONNX graph
that presents that model's interface, so the application runs unmodified:

- input ``data``: float32 [1, 3, 512, 512], NCHW, prepared exactly as the guide's ``preprocess()`` does:
  the BGR frame from OpenCV resized to 512x512 (aspect ratio not kept), scaled to 0..1, and channel ``c``
  (0 = B, 1 = G, 2 = R) normalised with ``(x - mean[c]) / std[c]`` for the ImageNet
  mean [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225] (the app applies them in B, G, R order);
- outputs, in this order: ``class_ids`` float32 [1, 100, 1] (Pascal VOC numbering, person = 14),
  ``scores`` float32 [1, 100, 1], ``boxes`` float32 [1, 100, 4] as (left, top, right, bottom) in pixels
  of the 512x512 input; sorted by score, descending; rows past the last detection hold class -1,
  score 0 and box 0.

In the graph: undo the normalisation, reverse the channels to RGB, resize 512 -> 416 (bilinear), run
NanoDet, decode its Generalized-Focal-Loss boxes (softmax over 11 bins per side, expected bin x stride =
distance from the cell centre ``(i + 0.5) * stride``), keep the 20 COCO classes that have a VOC
counterpart, give each box its best class, run per-class NonMaxSuppression, keep the best 100.

The guide's preprocessing is also recorded in the model's metadata (``panoramasdk.preprocess``, see
``python/panoramasdk/models/preprocess_spec.py``): ``panorama models add`` picks it up, and an
application may then pass a frame straight to ``model.batch(0, media)`` (the fast path, no numpy code).

Usage: ``python examples/models/build_people_ssd.py [OUTPUT] [--nanodet PATH] [--score-threshold S]``
(default output ``build/models/people-ssd.onnx``). The result is byte-for-byte deterministic.

Scores are NanoDet's own (quality-focal-loss estimates): walkers score about 0.5-0.8, cones, posts and
parts of people 0.1-0.4, so an application threshold of 0.4-0.5 counts people; the guide's 0.10 shows
the clutter too. ``--score-threshold`` (default 0.05, as NanoDet's own post-processing) drops boxes at or
below it inside the graph.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NANODET = ROOT / "examples" / "assets" / "nanodet-m-416-coco.onnx"
DEFAULT_OUTPUT = ROOT / "build" / "models" / "people-ssd.onnx"

INPUT_SIZE = 512  # the guide's HEIGHT = WIDTH = 512
NANODET_SIZE = 416
NANODET_INPUT = "input_1:0"
# NanoDet-m heads per stride: (class scores [1, N, 80], box distributions [1, N, 4 * 11]).
NANODET_LEVELS = ((8, "Identity:0", "Identity_3:0"),
                  (16, "Identity_1:0", "Identity_4:0"),
                  (32, "Identity_2:0", "Identity_5:0"))
GFL_BINS = 11
# The guide's preprocess() applies these to tensor channels 0, 1, 2, which hold B, G, R.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# The same preprocessing as a spec for panoramasdk's fused preprocess (the fast path).
PREPROCESS_SPEC = {"input": "data", "size": [INPUT_SIZE, INPUT_SIZE], "resize": "bilinear",
                   "channel_order": "bgr", "scale": 1.0 / 255.0, "mean": list(IMAGENET_MEAN),
                   "std": list(IMAGENET_STD), "layout": "nchw", "dtype": "float32"}

# Pascal VOC class names in VOC numbering, with the COCO-80 index (0-based) of the same class.
VOC_FROM_COCO = (
    ("aeroplane", 4), ("bicycle", 1), ("bird", 14), ("boat", 8), ("bottle", 39),
    ("bus", 5), ("car", 2), ("cat", 15), ("chair", 56), ("cow", 19),
    ("diningtable", 60), ("dog", 16), ("horse", 17), ("motorbike", 3), ("person", 0),
    ("pottedplant", 58), ("sheep", 18), ("sofa", 57), ("train", 6), ("tvmonitor", 62),
)
VOC_PERSON = 14

MAX_DETECTIONS = 100
IOU_THRESHOLD = 0.6
SCORE_THRESHOLD = 0.05
OPSET = 13  # NanoDet's own opset; everything below exists there
PREFIX = "nanodet/"


def _const(name: str, array: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(np.ascontiguousarray(array), name)


def _anchor_constants() -> tuple[np.ndarray, np.ndarray]:
    """Cell centres [1, A, 4] as (cx, cy, cx, cy) and signed strides [1, A, 4], in 512-pixel units.

    box = centre + distance_in_bins * signed_stride, with the 416 -> 512 scale folded in.
    """
    scale = INPUT_SIZE / NANODET_SIZE
    centres, strides = [], []
    for stride, _, _ in NANODET_LEVELS:
        cells = NANODET_SIZE // stride
        ys, xs = np.mgrid[0:cells, 0:cells]  # anchors are row-major: index = y * cells + x
        cx = (xs.ravel() + 0.5) * stride
        cy = (ys.ravel() + 0.5) * stride
        centres.append(np.stack([cx, cy, cx, cy], axis=1))
        strides.append(np.tile(np.array([-stride, -stride, stride, stride]), (cells * cells, 1)))
    centre = np.concatenate(centres)[None] * scale
    signed = np.concatenate(strides)[None] * scale
    return centre.astype(np.float32), signed.astype(np.float32)


def _preprocess_nodes() -> tuple[list, list]:
    """data (normalised B,G,R at 512) -> NanoDet input (RGB 0..1 at 416)."""
    inits = [
        _const("pre/std", np.array(IMAGENET_STD, np.float32).reshape(1, 3, 1, 1)),
        _const("pre/mean", np.array(IMAGENET_MEAN, np.float32).reshape(1, 3, 1, 1)),
        _const("pre/bgr_to_rgb", np.array([2, 1, 0], np.int64)),
        _const("pre/size", np.array([1, 3, NANODET_SIZE, NANODET_SIZE], np.int64)),
    ]
    nodes = [
        helper.make_node("Mul", ["data", "pre/std"], ["pre/scaled"], name="pre/unstd"),
        helper.make_node("Add", ["pre/scaled", "pre/mean"], ["pre/bgr"], name="pre/unmean"),
        helper.make_node("Gather", ["pre/bgr", "pre/bgr_to_rgb"], ["pre/rgb"], name="pre/to_rgb", axis=1),
        helper.make_node("Resize", ["pre/rgb", "", "", "pre/size"], [PREFIX + NANODET_INPUT],
                         name="pre/resize", mode="linear", coordinate_transformation_mode="half_pixel"),
    ]
    return nodes, inits


def _postprocess_nodes(score_threshold: float) -> tuple[list, list]:
    """NanoDet heads -> class_ids, scores, boxes (SSD-style, VOC numbering, top 100)."""
    centre, signed_stride = _anchor_constants()
    anchors = centre.shape[1]
    inits = [
        _const("post/bins", np.arange(GFL_BINS, dtype=np.float32).reshape(GFL_BINS, 1)),
        _const("post/dist_shape", np.array([1, anchors, 4, GFL_BINS], np.int64)),
        _const("post/box_shape", np.array([1, anchors, 4], np.int64)),
        _const("post/centre", centre),
        _const("post/signed_stride", signed_stride),
        _const("post/zero", np.array(0.0, np.float32)),
        _const("post/size", np.array(float(INPUT_SIZE), np.float32)),
        _const("post/voc_from_coco", np.array([coco for _, coco in VOC_FROM_COCO], np.int64)),
        _const("post/max_per_class", np.array([MAX_DETECTIONS], np.int64)),
        _const("post/iou", np.array([IOU_THRESHOLD], np.float32)),
        _const("post/score_min", np.array([score_threshold], np.float32)),
        _const("post/col1", np.array([1], np.int64)),
        _const("post/col2", np.array([2], np.int64)),
        _const("post/k", np.array([MAX_DETECTIONS], np.int64)),
        _const("post/pad_scores", np.zeros([MAX_DETECTIONS], np.float32)),
        _const("post/pad_classes", np.full([MAX_DETECTIONS], -1.0, np.float32)),
        _const("post/pad_boxes", np.zeros([MAX_DETECTIONS, 4], np.float32)),
        _const("post/class_shape", np.array([1, MAX_DETECTIONS, 1], np.int64)),
        _const("post/out_box_shape", np.array([1, MAX_DETECTIONS, 4], np.int64)),
    ]
    n = helper.make_node
    nodes = [
        # Scores: all levels, then the 20 VOC classes in VOC order.
        n("Concat", [PREFIX + s for _, s, _ in NANODET_LEVELS], ["post/coco_scores"], name="post/cat_scores", axis=1),
        n("Gather", ["post/coco_scores", "post/voc_from_coco"], ["post/voc_scores"], name="post/voc", axis=2),
        # One class per box: zero every score but its best, so per-class NMS sees each box once.
        n("ReduceMax", ["post/voc_scores"], ["post/best"], name="post/best", axes=[2], keepdims=1),
        n("Equal", ["post/voc_scores", "post/best"], ["post/is_best"], name="post/is_best"),
        n("Where", ["post/is_best", "post/voc_scores", "post/zero"], ["post/best_only"], name="post/best_only"),
        n("Transpose", ["post/best_only"], ["post/nms_scores"], name="post/nms_scores", perm=[0, 2, 1]),
        # Boxes: softmax over the bins, expected bin, times the signed stride, from the cell centre.
        n("Concat", [PREFIX + b for _, _, b in NANODET_LEVELS], ["post/dist_logits"], name="post/cat_boxes", axis=1),
        n("Reshape", ["post/dist_logits", "post/dist_shape"], ["post/dist_bins"], name="post/split_bins"),
        n("Softmax", ["post/dist_bins"], ["post/dist_prob"], name="post/softmax", axis=-1),
        n("MatMul", ["post/dist_prob", "post/bins"], ["post/dist_expect"], name="post/expectation"),
        n("Reshape", ["post/dist_expect", "post/box_shape"], ["post/dist"], name="post/dist"),
        n("Mul", ["post/dist", "post/signed_stride"], ["post/offsets"], name="post/offsets"),
        n("Add", ["post/centre", "post/offsets"], ["post/raw_boxes"], name="post/raw_boxes"),
        n("Clip", ["post/raw_boxes", "post/zero", "post/size"], ["post/all_boxes"], name="post/clip"),
        # NMS per class; selected rows are (batch, class, box).
        n("NonMaxSuppression", ["post/all_boxes", "post/nms_scores", "post/max_per_class", "post/iou",
                                "post/score_min"], ["post/selected"], name="post/nms"),
        n("GatherND", ["post/nms_scores", "post/selected"], ["post/sel_scores"], name="post/sel_scores"),
        n("Gather", ["post/selected", "post/col1"], ["post/sel_class_2d"], name="post/sel_class", axis=1),
        n("Squeeze", ["post/sel_class_2d", "post/col1"], ["post/sel_class_i"], name="post/sel_class_1d"),
        n("Cast", ["post/sel_class_i"], ["post/sel_class"], name="post/sel_class_f", to=TensorProto.FLOAT),
        n("Gather", ["post/selected", "post/col2"], ["post/sel_box_2d"], name="post/sel_box", axis=1),
        n("Squeeze", ["post/sel_box_2d", "post/col1"], ["post/sel_box_i"], name="post/sel_box_1d"),
        n("Squeeze", ["post/all_boxes", "post/zero_axis"], ["post/boxes_2d"], name="post/boxes_2d"),
        n("Gather", ["post/boxes_2d", "post/sel_box_i"], ["post/sel_boxes"], name="post/sel_boxes", axis=0),
        # Pad to at least 100 rows (class -1, score 0, box 0), then the best 100, sorted.
        n("Concat", ["post/sel_scores", "post/pad_scores"], ["post/cand_scores"], name="post/pad_s", axis=0),
        n("Concat", ["post/sel_class", "post/pad_classes"], ["post/cand_classes"], name="post/pad_c", axis=0),
        n("Concat", ["post/sel_boxes", "post/pad_boxes"], ["post/cand_boxes"], name="post/pad_b", axis=0),
        n("TopK", ["post/cand_scores", "post/k"], ["post/top_scores", "post/top_index"], name="post/topk",
          axis=0, largest=1, sorted=1),
        n("Gather", ["post/cand_classes", "post/top_index"], ["post/top_classes"], name="post/top_c", axis=0),
        n("Gather", ["post/cand_boxes", "post/top_index"], ["post/top_boxes"], name="post/top_b", axis=0),
        n("Reshape", ["post/top_classes", "post/class_shape"], ["class_ids"], name="out/class_ids"),
        n("Reshape", ["post/top_scores", "post/class_shape"], ["scores"], name="out/scores"),
        n("Reshape", ["post/top_boxes", "post/out_box_shape"], ["boxes"], name="out/boxes"),
    ]
    inits.append(_const("post/zero_axis", np.array([0], np.int64)))
    return nodes, inits


def _nanodet_graph(path: Path) -> onnx.GraphProto:
    """NanoDet's graph with every name prefixed, so it cannot collide with the wrapper's names."""
    model = onnx.load(str(path))
    default_opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if default_opset > OPSET:
        raise ValueError(f"{path}: NanoDet uses opset {default_opset}; this wrapper expects <= {OPSET}")
    used_domains = {node.domain for node in model.graph.node} - {"", "ai.onnx"}
    if used_domains:
        raise ValueError(f"{path}: unexpected operator domains {sorted(used_domains)}; expected only ONNX ops")
    names = [i.name for i in model.graph.input]
    if names != [NANODET_INPUT]:
        raise ValueError(f"{path}: NanoDet input names {names}; expected ['{NANODET_INPUT}']")
    outputs = {o.name for o in model.graph.output}
    expected = {name for _, s, b in NANODET_LEVELS for name in (s, b)}
    if outputs != expected:
        raise ValueError(f"{path}: NanoDet outputs {sorted(outputs)}; expected {sorted(expected)}")
    graph = onnx.compose.add_prefix_graph(model.graph, PREFIX)
    return graph


def build_people_ssd(nanodet_path: Path | str = DEFAULT_NANODET,
                     score_threshold: float = SCORE_THRESHOLD) -> onnx.ModelProto:
    """Return the wrapped model (checked with the ONNX checker)."""
    if not 0.0 <= score_threshold < 1.0:
        raise ValueError(f"score_threshold {score_threshold}: expected 0 <= value < 1")
    nanodet = _nanodet_graph(Path(nanodet_path))
    pre_nodes, pre_inits = _preprocess_nodes()
    post_nodes, post_inits = _postprocess_nodes(score_threshold)
    graph = helper.make_graph(
        pre_nodes + list(nanodet.node) + post_nodes,
        "people_ssd",
        inputs=[helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, INPUT_SIZE, INPUT_SIZE])],
        outputs=[
            helper.make_tensor_value_info("class_ids", TensorProto.FLOAT, [1, MAX_DETECTIONS, 1]),
            helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, MAX_DETECTIONS, 1]),
            helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, MAX_DETECTIONS, 4]),
        ],
        initializer=pre_inits + list(nanodet.initializer) + post_inits,
        doc_string="NanoDet-m (COCO) presented as an SSD-style Pascal VOC detector for the AWS Panorama "
                   "sample application: data [1,3,512,512] ImageNet-normalised B,G,R -> class_ids, "
                   "scores [1,100,1], boxes [1,100,4] (left, top, right, bottom in 512-pixel units).",
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="panoramasdk examples/models/build_people_ssd.py")
    model.ir_version = 7  # NanoDet's; keeps the model loadable by older runtimes
    labels = ",".join(name for name, _ in VOC_FROM_COCO)
    helper.set_model_props(model, {"labels": labels, "person_class": str(VOC_PERSON),
                                   "score_threshold": repr(float(score_threshold)),
                                   "iou_threshold": repr(IOU_THRESHOLD),
                                   "source": "examples/assets/nanodet-m-416-coco.onnx",
                                   "panoramasdk.preprocess": json.dumps(PREPROCESS_SPEC)})
    onnx.checker.check_model(model)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the model (default: {DEFAULT_OUTPUT.relative_to(ROOT)})")
    parser.add_argument("--nanodet", type=Path, default=DEFAULT_NANODET, help="NanoDet-m ONNX file")
    parser.add_argument("--score-threshold", type=float, default=SCORE_THRESHOLD,
                        help=f"drop boxes scoring at or below this inside the graph (default {SCORE_THRESHOLD})")
    args = parser.parse_args(argv)
    model = build_people_ssd(args.nanodet, args.score_threshold)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(args.output))
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
