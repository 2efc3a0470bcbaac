#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU (a bare x86 test box or a Jetson) it builds
# panoramasdk from this tree into a fresh folder, runs the GPU tests (C++ and Python) and prints the GPU
# figures. Without a GPU it still builds (the CUDA sources are compiled) and reports why the GPU tests
# were skipped. It installs nothing and needs no network.
#
#   bash benchmarks/gpu/check.sh
#
# Environment (all optional): OUT (folder for gpu_check.md and gpu_check.log; default build/gpu-check-out),
# BUILD_DIR (default build/gpu-check), PYTHON (default python3), CUDA_ARCH (default: the local GPU's,
# else the toolkit's list in cmake/cuda.cmake), PANORAMA_WITH_MEDIA (ON/OFF; default: ON when FFmpeg and
# FreeType are here or carried), JOBS (default: all cores), PANORAMA_GPU_CARRY (default build/gpu-carry:
# the ffnvcodec headers, NVDEC test clips, FFmpeg 7.1, FreeType and a font that
# benchmarks/gpu/prepare_carry.sh makes where FFmpeg is, for machines without them), MEDIA_FROM (auto:
# the machine's FFmpeg/FreeType/font where it has them, else the carried ones; carry: the carried ones).
# Exit status: 0 when the build and every test that ran passed, 1 when one failed, 2 when a tool is missing.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
OUT_DIR=${OUT:-$ROOT/build/gpu-check-out}
BUILD=${BUILD_DIR:-$ROOT/build/gpu-check}
JOBS=${JOBS:-$(nproc)}
PY=${PYTHON:-python3}
mkdir -p "$OUT_DIR"
MD=$OUT_DIR/gpu_check.md
LOG=$OUT_DIR/gpu_check.log
: >"$MD"
: >"$LOG"
START=$(date +%s)
STATUS=0

# say: a line of the report (stdout and gpu_check.md); everything else goes to gpu_check.log.
say() { printf '%s\n' "$*" | tee -a "$MD"; }
note() { printf '%s\n' "$*" >>"$LOG"; }
elapsed() { echo $(($(date +%s) - START)); }
# run_logged TITLE CMD...: runs CMD with its output in the log; on failure shows the log's tail.
run_logged() {
  local title=$1
  shift
  note "" "### $title" "\$ $*"
  if "$@" >>"$LOG" 2>&1; then
    return 0
  fi
  say "FAILED: $title (the last lines of $LOG follow)"
  tail -n 40 "$LOG"
  return 1
}

say "# panoramasdk GPU check"
say ""
say "- tree: $ROOT ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'))"
# shellcheck source=/dev/null
say "- machine: $(uname -m), $(nproc) cores, $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown OS}")"

# --- What is here (cheap checks only) ------------------------------------------------------------
# pip-installed tools (cmake, ninja) live beside the Python that has them; nvcc in /usr/local/cuda/bin.
PY_PATH=$(command -v "$PY" || true)
if [ -z "$PY_PATH" ]; then
  say "FAILED: no $PY on PATH (set PYTHON)"
  exit 2
fi
PATH="$PATH:$(dirname "$PY_PATH")"
command -v nvcc >/dev/null || PATH="$PATH:/usr/local/cuda/bin"
export PATH

if ! command -v nvcc >/dev/null; then
  say "FAILED: nvcc not found (on PATH or in /usr/local/cuda/bin): the GPU check needs a CUDA toolkit"
  exit 2
fi
say "- nvcc: $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') ($(command -v nvcc))"
if ! command -v cmake >/dev/null; then
  say "FAILED: cmake not found (on PATH or beside $PY_PATH)"
  exit 2
fi
say "- cmake: $(cmake --version | head -n 1 | awk '{print $3}')"
GENERATOR="Unix Makefiles"
command -v ninja >/dev/null && GENERATOR=Ninja
say "- generator: $GENERATOR"

GPU_LINE=""
if command -v nvidia-smi >/dev/null; then
  GPU_LINE=$(nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader 2>/dev/null | head -n 1)
fi
ARCH=${CUDA_ARCH:-}
if [ -n "$GPU_LINE" ]; then
  say "- GPU: $GPU_LINE"
  [ -z "$ARCH" ] && ARCH=$(echo "$GPU_LINE" | awk -F', *' '{gsub(/\./, "", $2); print $2}')
elif [ -e /dev/nvhost-ctrl-gpu ] || [ -e /dev/nvidia0 ]; then
  say "- GPU: present (no nvidia-smi query; a Jetson?)"
  [ -z "$ARCH" ] && ARCH=native
else
  say "- GPU: none found (no nvidia-smi answer, no /dev/nvidia0): the build compiles the CUDA sources, GPU tests will skip"
fi
ARCH_TEXT=${ARCH:-"the list for this toolkit (cmake/cuda.cmake)"}
say "- CUDA architectures: $ARCH_TEXT"

PY_INFO=$("$PY" -c 'import sys, sysconfig, os, numpy, pybind11
print(sys.version.split()[0], numpy.__version__, pybind11.get_cmake_dir(),
      os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>>"$LOG")
BUILD_PYTHON=OFF
if [ -n "$PY_INFO" ]; then
  read -r PY_VERSION NP_VERSION PYBIND11_DIR HAVE_PYTHON_H <<<"$PY_INFO"
  if [ "$HAVE_PYTHON_H" = True ]; then
    BUILD_PYTHON=ON
    say "- python: $PY_PATH $PY_VERSION, numpy $NP_VERSION, pybind11 $PYBIND11_DIR"
  else
    say "- python: $PY_PATH $PY_VERSION has no Python.h: the _core module and the Python tests are left out"
  fi
else
  say "- python: $PY_PATH lacks numpy or pybind11: the _core module and the Python tests are left out"
fi
HAVE_PYTEST=no
"$PY" -c 'import pytest' 2>/dev/null && HAVE_PYTEST=yes
CUPY=$("$PY" -c 'import cupy; print(cupy.__version__)' 2>/dev/null || echo "not installed")
say "- pytest: $HAVE_PYTEST, cupy: $CUPY"

# The media areas need FFmpeg and FreeType development files and a font. Where the machine lacks them,
# check.sh takes the pieces prepare_carry.sh put in $CARRY/media (FFmpeg 7.1, FreeType, DejaVu Sans,
# pkgconf), each only where the machine has none of its own; MEDIA_FROM=carry takes them all from
# there (to build here against FFmpeg 7.1).
CARRY=${PANORAMA_GPU_CARRY:-$ROOT/build/gpu-carry}
export PANORAMA_GPU_CARRY=$CARRY
CARRIED=$CARRY/media
MEDIA_FROM=${MEDIA_FROM:-auto}
MEDIA=${PANORAMA_WITH_MEDIA:-ON}
MEDIA_ARGS=()
FFMPEG_FROM=""  # "carry" when the build uses the carried FFmpeg
if [ "$MEDIA" != OFF ]; then
  PKG_CONFIG=$(command -v pkg-config || true)
  if [ -z "$PKG_CONFIG" ] && [ -x "$CARRIED/bin/pkgconf" ]; then
    PKG_CONFIG=$CARRIED/bin/pkgconf
    say "- pkg-config: absent, using the carried $("$PKG_CONFIG" --version 2>/dev/null | head -n 1) pkgconf"
  fi
  [ -n "$PKG_CONFIG" ] && MEDIA_ARGS+=("-DPKG_CONFIG_EXECUTABLE=$PKG_CONFIG")
  if [ "$MEDIA_FROM" != carry ] && [ -n "$PKG_CONFIG" ] &&
    "$PKG_CONFIG" --exists 'libavformat >= 59.27' libavcodec libavutil libswscale 2>/dev/null; then
    say "- FFmpeg: the machine's (libavformat $("$PKG_CONFIG" --modversion libavformat), pkg-config)"
  elif [ -n "$PKG_CONFIG" ] && [ -f "$CARRIED/lib/pkgconfig/libavformat.pc" ]; then
    FFMPEG_FROM=carry
    export PKG_CONFIG_PATH=$CARRIED/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
    export LD_LIBRARY_PATH=$CARRIED/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    say "- FFmpeg: carried in $CARRIED: $(head -n 1 "$CARRIED/VERSIONS")"
  else
    say "- FFmpeg development files: absent (benchmarks/gpu/prepare_carry.sh carries FFmpeg 7.1)"
    MEDIA=OFF
  fi
  SYSTEM_FREETYPE=$(ldconfig -p 2>/dev/null | awk '/libfreetype\.so\.6 .*x86-64/ {print $NF; exit}')
  if [ "$MEDIA_FROM" != carry ] && [ -n "$PKG_CONFIG" ] && "$PKG_CONFIG" --exists freetype2 2>/dev/null; then
    say "- FreeType: the machine's ($("$PKG_CONFIG" --modversion freetype2), pkg-config)"
  elif [ -d "$CARRIED/freetype/include/freetype2" ]; then
    FREETYPE_LIB=$CARRIED/freetype/lib/libfreetype.so.6
    if [ "$MEDIA_FROM" != carry ] && [ -n "$SYSTEM_FREETYPE" ]; then
      FREETYPE_LIB=$SYSTEM_FREETYPE
    else
      # libfreetype's own needs (libpng16, brotli) lie beside it: the linker and the tests find them here.
      export LD_LIBRARY_PATH=$CARRIED/freetype/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    fi
    MEDIA_ARGS+=("-DFREETYPE_INCLUDE_DIR_ft2build=$CARRIED/freetype/include/freetype2"
      "-DFREETYPE_INCLUDE_DIR_freetype2=$CARRIED/freetype/include/freetype2" "-DFREETYPE_LIBRARY=$FREETYPE_LIB")
    say "- FreeType: carried headers ($(grep -m 1 '^FreeType' "$CARRIED/VERSIONS" | cut -d: -f1)), library $FREETYPE_LIB"
  else
    say "- FreeType development files: absent (benchmarks/gpu/prepare_carry.sh carries them)"
    MEDIA=OFF
  fi
  DEJAVU=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
  if [ -z "${PANORAMA_FONT:-}" ] && { [ "$MEDIA_FROM" = carry ] || [ ! -f "$DEJAVU" ]; } &&
    [ -f "$CARRIED/fonts/DejaVuSans.ttf" ]; then
    export PANORAMA_FONT=$CARRIED/fonts/DejaVuSans.ttf
  fi
  FONT_TEXT="the machine's DejaVu Sans (default_font_path())"
  say "- overlay font: ${PANORAMA_FONT:-$FONT_TEXT}"
fi
if [ "$MEDIA" = OFF ]; then
  say "- media areas: OFF (PANORAMA_WITH_MEDIA=OFF: core, image, infer and CUDA only)"
else
  say "- media areas: ON"
fi
# NVDEC needs FFmpeg's ffnvcodec loader headers at build time only: from pkg-config, else the copy
# prepare_carry.sh put in the carry folder with the test clips (made by ffmpeg, absent here).
NVDEC_ARGS=()
if pkg-config --exists ffnvcodec 2>/dev/null; then
  say "- ffnvcodec headers: $(pkg-config --modversion ffnvcodec) (pkg-config)"
elif [ -f "$CARRY/include/ffnvcodec/dynlink_loader.h" ]; then
  NVDEC_ARGS=("-DFFNVCODEC_INCLUDE_DIR=$CARRY/include")
  say "- ffnvcodec headers: carried in $CARRY/include"
else
  say "- ffnvcodec headers: absent (run benchmarks/gpu/prepare_carry.sh where FFmpeg is and carry build/gpu-carry): NVDEC left out"
fi
# The live view's nvJPEG encoder: the header at build time (the CUDA toolkit's, else the carried one), the
# library at run time (the loader's, else the toolkit's folder, else the carried one).
NVJPEG_ARGS=()
CUDA_HOME_DIR=$(dirname "$(dirname "$(command -v nvcc)")")
if [ ! -f "$CUDA_HOME_DIR/include/nvjpeg.h" ] && [ -f "$CARRY/include/nvjpeg.h" ]; then
  NVJPEG_ARGS=("-DNVJPEG_INCLUDE_DIR=$CARRY/include")
fi
if [ -z "${PANORAMA_NVJPEG_LIBRARY:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libnvjpeg\.so\.13 '; then
  for candidate in "$CUDA_HOME_DIR/lib64/libnvjpeg.so.13" "$CARRY/lib/libnvjpeg.so.13"; do
    if [ -f "$candidate" ]; then
      export PANORAMA_NVJPEG_LIBRARY=$candidate
      break
    fi
  done
fi
say "- nvJPEG: header ${NVJPEG_ARGS[*]:-from the CUDA toolkit}, library ${PANORAMA_NVJPEG_LIBRARY:-found by the dynamic loader}"
if [ -f "$CARRY/clips/clips.txt" ]; then
  say "- NVDEC test clips: $CARRY/clips ($(wc -l <"$CARRY/clips/clips.txt") clips)"
else
  say "- NVDEC test clips: absent from $CARRY/clips (benchmarks/gpu/prepare_carry.sh makes them): NVDEC tests skip"
fi
BUILD_TESTS=OFF
if pkg-config --exists gtest 2>/dev/null || [ -f /usr/include/gtest/gtest.h ] || [ -f /usr/src/googletest/CMakeLists.txt ]; then
  BUILD_TESTS=ON
else
  say "- GoogleTest: absent, the C++ tests are left out"
fi

# --- Build -----------------------------------------------------------------------------------------
say ""
rm -rf "$BUILD"
CONFIG=(-S "$ROOT" -B "$BUILD" -G "$GENERATOR" -DCMAKE_BUILD_TYPE=Release
  -DPANORAMA_WITH_CUDA=ON "-DCMAKE_CUDA_COMPILER=$(command -v nvcc)" "-DPANORAMA_WITH_MEDIA=$MEDIA"
  "-DPANORAMA_BUILD_TESTS=$BUILD_TESTS" -DPANORAMA_BUILD_BENCHMARKS=ON "-DPANORAMA_BUILD_PYTHON=$BUILD_PYTHON")
[ -n "$ARCH" ] && CONFIG+=("-DCMAKE_CUDA_ARCHITECTURES=$ARCH")
CONFIG+=("${NVDEC_ARGS[@]}" "${NVJPEG_ARGS[@]}" "${MEDIA_ARGS[@]}")
[ "$BUILD_PYTHON" = ON ] && CONFIG+=("-DPython_EXECUTABLE=$PY_PATH" "-Dpybind11_DIR=$PYBIND11_DIR")
if ! run_logged "configure" cmake "${CONFIG[@]}"; then
  exit 1
fi
if ! run_logged "build" cmake --build "$BUILD" -j "$JOBS"; then
  exit 1
fi
say "build: OK in $(elapsed) s ($BUILD, $JOBS jobs; CUDA sources compiled for $ARCH_TEXT)"
if [ "$MEDIA" = ON ]; then
  # What the built code loads, not what was asked for.
  LINKED=$(find "$BUILD" -maxdepth 3 \( -name 'test_media' -o -name '_core*.so' \) -type f | head -n 1)
  [ -n "$LINKED" ] && say "FFmpeg at run time: $(ldd "$LINKED" | awk '/libavformat|libfreetype/ {printf "%s%s => %s", sep, $1, $3; sep="; "}')"
fi

# --- Tests -----------------------------------------------------------------------------------------
# run_ctest TITLE NAME CTEST_ARGS...: runs ctest into $OUT_DIR/NAME.txt and reports its summary, why
# tests skipped (each distinct reason with its count, from the outputs ctest keeps in LastTest.log) and
# the failures.
run_ctest() {
  local title=$1 out=$OUT_DIR/$2.txt rc summary skipped
  shift 2
  ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" "$@" >"$out" 2>&1
  rc=$?
  cat "$out" >>"$LOG"
  cp "$BUILD"/Testing/Temporary/LastTest.log "$out.full" 2>/dev/null
  summary=$(grep -E 'tests passed|tests failed|No tests were found' "$out" | tail -n 1)
  skipped=$(grep -c '(Skipped)$' "$out")
  say "$title: ${summary:-no summary (see the log)}; $skipped skipped"
  if [ "$skipped" -gt 0 ]; then
    awk 'prev ~ /: Skipped$/ {print} {prev = $0}' "$out.full" 2>/dev/null | sort | uniq -c | sort -rn |
      sed 's/^ *\([0-9]*\) /  skipped (\1): /' | tee -a "$MD"
  fi
  if [ "$rc" -ne 0 ]; then
    STATUS=1
    grep -E '\(Failed\)|\*\*\*Failed|Exception' "$out" | head -n 20 | tee -a "$MD"
  fi
}

if [ "$BUILD_TESTS" = ON ]; then
  GPU_TESTS='Cuda|YuvToBgr|Preprocess|Nvdec|DrawOverlay|OverlayDrawList|GlyphAtlas'
  # Tests that need what the carried FFmpeg (a minimal build) leaves out: not run, each named with why.
  LACKING=""
  if [ "$FFMPEG_FROM" = carry ]; then
    lacking() {
      LACKING="${LACKING:+$LACKING|}$1"
      say "  not run with the carried FFmpeg: $1 ($2)"
    }
    say "C++ tests left out (the carried FFmpeg is a minimal build):"
    lacking 'FileSource.FileWithoutVideoIsAClearError' "its WAV file needs the wav demuxer"
    lacking 'Decoder.CorruptBytesCostAFewFramesNeverTheStream' "a raw .h264 file: no h264 demuxer"
    lacking 'DecodeContainer.EveryFrameInOrder/h264' "a raw .h264 file: no h264 demuxer"
    lacking 'DecoderNvdecOnGpu.MatchesLibavcodecFrameForFrame/h264' "a raw .h264 file: no h264 demuxer"
    lacking 'StreamGroup.LiveGroupIsNotHeldBackBySlowOrDeadStreams' "an rtsp:// camera: no RTSP demuxer, no network protocols"
  fi
  EXCLUDE=()
  [ -n "$LACKING" ] && EXCLUDE=(-E "$LACKING")
  # The GPU tests, and the CPU oracles they compare with.
  run_ctest "C++ GPU tests" ctest -R "$GPU_TESTS" "${EXCLUDE[@]}"
  # make_decoder's NVDEC path on the carried MP4s (the test prints its largest difference).
  grep -h 'NVDEC via make_decoder' "$OUT_DIR/ctest.txt.full" 2>/dev/null | sed 's/^/  /' | tee -a "$MD"
  if [ "$MEDIA" = ON ]; then
    # Everything else: core, image, infer, overlay and the media areas (media, decode, sink) on the CPU,
    # against the FFmpeg above.
    run_ctest "C++ CPU tests (media areas on)" ctest_cpu -E "$GPU_TESTS${LACKING:+|$LACKING}"
  fi
else
  say "C++ tests: not built (GoogleTest absent)"
fi

# The PyTorch engine needs onnx2torch beside torch: the carried copy where the machine has torch but not it.
PY_EXTRA=""
if "$PY" -c 'import torch' 2>/dev/null && ! "$PY" -c 'import onnx2torch' 2>/dev/null &&
  [ -d "$CARRY/python/onnx2torch" ]; then
  PY_EXTRA=":$CARRY/python"
fi
TORCH_INFO='import importlib.metadata as m, torch, onnx2torch
print("torch", torch.__version__, "(CUDA:", torch.cuda.is_available(), "), onnx2torch", m.version("onnx2torch"))'
TORCH_LINE=$(PYTHONPATH="$ROOT/python$PY_EXTRA" "$PY" -c "$TORCH_INFO" 2>/dev/null ||
  echo "not importable (the PyTorch engine tests will skip)")
say "- PyTorch engine: $TORCH_LINE${PY_EXTRA:+ (onnx2torch carried)}"

if [ "$BUILD_PYTHON" = ON ] && [ "$HAVE_PYTEST" = yes ]; then
  PYTEST_OUT=$OUT_DIR/pytest.txt
  # --confcutdir: only the GPU tests' own conftest (the suite's needs FFmpeg-made clips); tests/python on
  # the path for the helper modules some GPU tests import (model_factory, cli_helpers, detections).
  PYTHONPATH="$ROOT/python:$ROOT/tests/python$PY_EXTRA" PANORAMA_CORE_DIR="$BUILD" "$PY" -m pytest -q -rs -p no:cacheprovider \
    --confcutdir "$ROOT/tests/python/gpu" "$ROOT/tests/python/gpu" >"$PYTEST_OUT" 2>&1
  PYTEST_RC=$?
  cat "$PYTEST_OUT" >>"$LOG"
  say "Python tests: $(tail -n 1 "$PYTEST_OUT")"
  grep -m 3 '^SKIPPED' "$PYTEST_OUT" | sed 's/^/  /' | tee -a "$MD"
  if [ "$PYTEST_RC" -ne 0 ]; then
    STATUS=1
    grep -E '^(FAILED|ERROR)' "$PYTEST_OUT" | head -n 20 | tee -a "$MD"
  fi
else
  say "Python tests: not run (no _core module or no pytest for $PY)"
fi

# --- Figures ---------------------------------------------------------------------------------------
say ""
say "## Figures"
say ""
# run_bench NAME: runs $BUILD/NAME (it exits non-zero when its GPU and CPU results differ), its output into
# the report, the log and $OUT_DIR/NAME.txt.
run_bench() {
  local name=$1 out=$OUT_DIR/$1.txt
  if [ ! -x "$BUILD/$name" ]; then
    say "$name was not built"
    STATUS=1
    return
  fi
  "$BUILD/$name" >"$out" 2>&1 || STATUS=1
  tee -a "$MD" <"$out"
  cat "$out" >>"$LOG"
  say ""
}

run_bench bench_preprocess_cuda
run_bench bench_decode_nvdec
# The overlay on the GPU against the CPU compositor.
run_bench bench_draw_cuda

# Whole frames crossing between host and GPU while `panorama run --device auto` runs (goal 0): needs the
# _core module with media (panorama run) and a GPU with NVDEC.
if [ "$BUILD_PYTHON" = ON ] && [ "$MEDIA" = ON ] && [ -n "$GPU_LINE$([ -e /dev/nvidia0 ] && echo yes)" ]; then
  HOT_OUT=$OUT_DIR/hot_path.txt
  PYTHONPATH="$ROOT/python$PY_EXTRA" PANORAMA_CORE_DIR="$BUILD" "$PY" "$ROOT/benchmarks/gpu/hot_path.py" 30 >"$HOT_OUT" 2>&1 ||
    STATUS=1
  tee -a "$MD" <"$HOT_OUT"
  cat "$HOT_OUT" >>"$LOG"
  say ""
else
  say "Hot-path copies: not measured (needs the Python module with media and a GPU)"
fi

if [ "$STATUS" -eq 0 ]; then
  say "GPU check: PASSED in $(elapsed) s (report: $MD, log: $LOG)"
else
  say "GPU check: FAILED in $(elapsed) s (report: $MD, log: $LOG)"
fi
exit "$STATUS"
