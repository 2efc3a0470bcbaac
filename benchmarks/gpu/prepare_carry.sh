#!/usr/bin/env bash
# Run HERE (a machine with FFmpeg, libffmpeg-nvenc-dev, libswscale-dev, libfreetype-dev, fonts-dejavu-core
# and pip reaching PyPI), before sending the tree to a bare GPU machine: puts what check.sh cannot make
# there into build/gpu-carry (git-ignored, about 20 MB):
#   include/ffnvcodec/   FFmpeg's NVDEC/NVENC loader headers (the NVDEC build needs only these)
#   clips/               H.264 and H.265 Annex-B test clips made by ffmpeg (libx264, libx265), with
#                        libavcodec's decode of the small ones as raw NV12 (the oracle for NVDEC), two
#                        MP4s for make_decoder's NVDEC path, and clips.txt: "file codec width height
#                        frames reference" a line
#   media/               what the media areas build and run with where the machine has no FFmpeg or
#                        FreeType (benchmarks/gpu/carry_media.sh makes it; its header lists the pieces)
#   python/              onnx2torch (pure Python, from PyPI) for the PyTorch engine, on machines that have
#                        PyTorch but not it; check.sh puts it on PYTHONPATH only there
#   include/nvjpeg.h,    nvJPEG from the PyPI wheel nvidia-nvjpeg (13.0, the lent machines' CUDA): the live
#   lib/libnvjpeg.so.13  view's GPU encoder builds with the header and opens the library at run time;
#                        check.sh uses them only where the machine's CUDA has no nvJPEG
#
#   bash benchmarks/gpu/prepare_carry.sh [DEST]      (DEST defaults to build/gpu-carry)
# then: run(command="bash benchmarks/gpu/check.sh", carry=["build/gpu-carry"])
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEST=${1:-$ROOT/build/gpu-carry}
for tool in ffmpeg ffprobe pkg-config; do
  command -v "$tool" >/dev/null || { echo "prepare_carry: $tool not found (apt-get install ffmpeg pkg-config)" >&2; exit 2; }
done
if ! pkg-config --exists ffnvcodec; then
  echo "prepare_carry: no ffnvcodec headers (apt-get install libffmpeg-nvenc-dev)" >&2
  exit 2
fi

rm -rf "$DEST"
mkdir -p "$DEST/include" "$DEST/clips"
cp -r "$(pkg-config --variable=includedir ffnvcodec)/ffnvcodec" "$DEST/include/"

CLIPS=$DEST/clips
MANIFEST=$CLIPS/clips.txt
: >"$MANIFEST"
# make_clip NAME CODEC WIDTH HEIGHT FRAMES REFERENCE(yes/no): testsrc2 (moving, textured) with B-frames
# and a key frame every 12 pictures, so the decoder sees reordering and several GOPs. A NAME ending in
# .mp4 is muxed into MP4 (length-prefixed NAL units, parameter sets in avcC/hvcC, time stamps), else the
# stream is raw Annex-B.
make_clip() {
  local name=$1 codec=$2 width=$3 height=$4 frames=$5 reference=$6 encoder
  if [ "$codec" = h264 ]; then
    encoder=(-c:v libx264 -preset veryfast -crf 28 -g 12 -bf 2 -f h264)
  else
    encoder=(-c:v libx265 -preset veryfast -crf 30 -x265-params "log-level=error:keyint=12:bframes=2:pools=2" -f hevc)
  fi
  if [[ $name == *.mp4 ]]; then
    encoder=("${encoder[@]:0:${#encoder[@]}-2}" -f mp4)
    [ "$codec" = hevc ] && encoder+=(-tag:v hvc1)
  fi
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=${width}x${height}:rate=30" \
    -frames:v "$frames" -pix_fmt yuv420p -threads 2 "${encoder[@]}" "$CLIPS/$name"
  # The frame count as libavcodec decodes it (not the count asked for).
  local decoded
  decoded=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
    -of default=nw=1:nk=1 "$CLIPS/$name")
  local ref=-
  if [ "$reference" = yes ]; then
    ref=$name.nv12
    ffmpeg -hide_banner -loglevel error -y -i "$CLIPS/$name" -f rawvideo -pix_fmt nv12 "$CLIPS/$ref"
  fi
  echo "$name $codec $width $height $decoded $ref" >>"$MANIFEST"
}

# The oracle clips: 320x180 is coded as 320x192 (H.264) / 320x184 (H.265), so cropping is exercised.
make_clip small.h264 h264 320 180 24 yes
make_clip small.h265 hevc 320 180 24 yes
# The benchmark clips (and frame counts at the size cameras send).
make_clip 1080p.h264 h264 1920 1080 60 no
make_clip 1080p.h265 hevc 1920 1080 60 no
# MP4 for make_decoder's GPU path (the mp4toannexb filters, then NVDEC); its oracle is libavcodec's
# decode of the same file on the GPU machine, through the same make_decoder.
make_clip small.h264.mp4 h264 640 360 30 no
make_clip small.h265.mp4 hevc 640 360 30 no

# onnx2torch, unpacked (a wheel is a zip): its own needs (torch, torchvision, onnx) must be on the machine.
mkdir -p "$DEST/python"
python3 -m pip download --quiet --no-deps --only-binary :all: -d "$DEST/python" onnx2torch
python3 -m zipfile -e "$DEST"/python/onnx2torch-*.whl "$DEST/python"
rm "$DEST"/python/onnx2torch-*.whl

# nvJPEG's header and library, unpacked from its wheel.
NVJPEG_WHEEL=$(mktemp -d)
python3 -m pip download --quiet --no-deps --only-binary :all: -d "$NVJPEG_WHEEL" "nvidia-nvjpeg==13.0.*"
python3 -m zipfile -e "$NVJPEG_WHEEL"/nvidia_nvjpeg-*.whl "$NVJPEG_WHEEL/x"
mkdir -p "$DEST/lib"
cp "$NVJPEG_WHEEL"/x/nvidia/cu13/include/nvjpeg.h "$DEST/include/"
cp "$NVJPEG_WHEEL"/x/nvidia/cu13/lib/libnvjpeg.so.13 "$DEST/lib/"
rm -rf "$NVJPEG_WHEEL"

# The media areas' build pieces (FFmpeg 7.1, FreeType, a font, pkgconf): carry_media.sh lists them.
bash "$ROOT/benchmarks/gpu/carry_media.sh" "$DEST/media"

echo "prepare_carry: $(du -sh "$DEST" | cut -f1) in $DEST"
cat "$MANIFEST"
