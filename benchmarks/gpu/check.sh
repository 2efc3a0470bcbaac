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
# else the toolkit's list in cmake/cuda.cmake), PANORAMA_WITH_MEDIA (ON/OFF; default: ON when the FFmpeg
# and FreeType development files are present), JOBS (default: all cores), PANORAMA_GPU_CARRY (default
# build/gpu-carry: the ffnvcodec headers and NVDEC test clips that benchmarks/gpu/prepare_carry.sh makes
# where FFmpeg is, for machines without them).
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

MEDIA=${PANORAMA_WITH_MEDIA:-}
if [ -z "$MEDIA" ]; then
  MEDIA=ON
  if ! pkg-config --exists 'libavformat >= 59.27' libavcodec libavutil libswscale 2>/dev/null; then
    say "- FFmpeg development files: absent"
    MEDIA=OFF
  fi
  if ! pkg-config --exists freetype2 2>/dev/null; then
    say "- FreeType development files: absent"
    MEDIA=OFF
  fi
fi
if [ "$MEDIA" = OFF ]; then
  say "- media areas: OFF (PANORAMA_WITH_MEDIA=OFF: core, image, infer and CUDA only)"
else
  say "- media areas: ON (FFmpeg and FreeType found)"
fi
# NVDEC needs FFmpeg's ffnvcodec loader headers at build time only: from pkg-config, else the copy
# prepare_carry.sh put in the carry folder with the test clips (made by ffmpeg, absent here).
CARRY=${PANORAMA_GPU_CARRY:-$ROOT/build/gpu-carry}
export PANORAMA_GPU_CARRY=$CARRY
NVDEC_ARGS=()
if pkg-config --exists ffnvcodec 2>/dev/null; then
  say "- ffnvcodec headers: $(pkg-config --modversion ffnvcodec) (pkg-config)"
elif [ -f "$CARRY/include/ffnvcodec/dynlink_loader.h" ]; then
  NVDEC_ARGS=("-DFFNVCODEC_INCLUDE_DIR=$CARRY/include")
  say "- ffnvcodec headers: carried in $CARRY/include"
else
  say "- ffnvcodec headers: absent (run benchmarks/gpu/prepare_carry.sh where FFmpeg is and carry build/gpu-carry): NVDEC left out"
fi
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
CONFIG+=("${NVDEC_ARGS[@]}")
[ "$BUILD_PYTHON" = ON ] && CONFIG+=("-DPython_EXECUTABLE=$PY_PATH" "-Dpybind11_DIR=$PYBIND11_DIR")
if ! run_logged "configure" cmake "${CONFIG[@]}"; then
  exit 1
fi
if ! run_logged "build" cmake --build "$BUILD" -j "$JOBS"; then
  exit 1
fi
say "build: OK in $(elapsed) s ($BUILD, $JOBS jobs; CUDA sources compiled for $ARCH_TEXT)"

# --- Tests -----------------------------------------------------------------------------------------
if [ "$BUILD_TESTS" = ON ]; then
  # The GPU tests, and the CPU oracles they compare with.
  CTEST_OUT=$OUT_DIR/ctest.txt
  ctest --test-dir "$BUILD" -R 'Cuda|YuvToBgr|Preprocess|Nvdec|DrawOverlay|OverlayDrawList|GlyphAtlas' --output-on-failure -j "$JOBS" >"$CTEST_OUT" 2>&1
  CTEST_RC=$?
  cat "$CTEST_OUT" >>"$LOG"
  SUMMARY=$(grep -E 'tests passed|tests failed' "$CTEST_OUT" | tail -n 1)
  SKIPPED=$(grep -c '(Skipped)$' "$CTEST_OUT")
  say "C++ tests: ${SUMMARY:-no summary (see the log)}; $SKIPPED skipped"
  if [ "$SKIPPED" -gt 0 ]; then
    # ctest keeps every test's output (skipped ones included) in LastTest.log.
    REASON=$(grep -h -m 1 -o 'GPU test skipped: .*' "$BUILD"/Testing/Temporary/LastTest*.log 2>/dev/null | head -n 1)
    say "  skipped because: ${REASON:-see $LOG}"
  fi
  if [ "$CTEST_RC" -ne 0 ]; then
    STATUS=1
    grep -E '\(Failed\)|\*\*\*Failed|Exception' "$CTEST_OUT" | head -n 20 | tee -a "$MD"
  fi
else
  say "C++ tests: not built (GoogleTest absent)"
fi

if [ "$BUILD_PYTHON" = ON ] && [ "$HAVE_PYTEST" = yes ]; then
  PYTEST_OUT=$OUT_DIR/pytest.txt
  # --confcutdir: only the GPU tests' own conftest (the suite's needs FFmpeg-made clips); tests/python on
  # the path for the helper modules some GPU tests import (model_factory, cli_helpers, detections).
  PYTHONPATH="$ROOT/python:$ROOT/tests/python" PANORAMA_CORE_DIR="$BUILD" "$PY" -m pytest -q -rs -p no:cacheprovider \
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
if [ -x "$BUILD/bench_preprocess_cuda" ]; then
  BENCH_OUT=$OUT_DIR/bench_preprocess_cuda.txt
  "$BUILD/bench_preprocess_cuda" >"$BENCH_OUT" 2>&1
  BENCH_RC=$?
  tee -a "$MD" <"$BENCH_OUT"
  cat "$BENCH_OUT" >>"$LOG"
  [ "$BENCH_RC" -ne 0 ] && STATUS=1
else
  say "bench_preprocess_cuda was not built"
  STATUS=1
fi

say ""
if [ -x "$BUILD/bench_decode_nvdec" ]; then
  NVDEC_OUT=$OUT_DIR/bench_decode_nvdec.txt
  "$BUILD/bench_decode_nvdec" >"$NVDEC_OUT" 2>&1
  NVDEC_RC=$?
  tee -a "$MD" <"$NVDEC_OUT"
  cat "$NVDEC_OUT" >>"$LOG"
  [ "$NVDEC_RC" -ne 0 ] && STATUS=1
else
  say "bench_decode_nvdec was not built"
  STATUS=1
fi

say ""
# The overlay on the GPU against the CPU compositor (exits 1 when their pixels differ).
if [ -x "$BUILD/bench_draw_cuda" ]; then
  DRAW_OUT=$OUT_DIR/bench_draw_cuda.txt
  "$BUILD/bench_draw_cuda" >"$DRAW_OUT" 2>&1 || STATUS=1
  tee -a "$MD" <"$DRAW_OUT"
  cat "$DRAW_OUT" >>"$LOG"
else
  say "bench_draw_cuda was not built"
  STATUS=1
fi

say ""
if [ "$STATUS" -eq 0 ]; then
  say "GPU check: PASSED in $(elapsed) s (report: $MD, log: $LOG)"
else
  say "GPU check: FAILED in $(elapsed) s (report: $MD, log: $LOG)"
fi
exit "$STATUS"
