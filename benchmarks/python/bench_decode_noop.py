"""Frames/s of a 1080p H.264 file through `panorama run` with a no-op app, beside
`ffmpeg -threads N -i FILE -f null -` on the same file (a baseline measured in the same run).

Usage: python benchmarks/python/bench_decode_noop.py [--frames 600] [--threads 2]"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "tools"))
import make_media  # noqa: E402


def timed(cmd) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_media.encode_test_clip(Path(tmp) / "1080p.mp4", width=1920, height=1080, fps=30,
                                           frames=args.frames, gop=60)
        ffmpeg = min(timed([make_media.ffmpeg_binary(), "-threads", str(args.threads), "-i", str(clip),
                            "-f", "null", "-"]) for _ in range(3))
        ffmpeg_bgr = min(timed([make_media.ffmpeg_binary(), "-threads", str(args.threads), "-i", str(clip),
                                "-pix_fmt", "bgr24", "-f", "null", "-"]) for _ in range(3))
        ours = min(timed([sys.executable, "-m", "panoramasdk", "run", str(ROOT / "benchmarks/python/noop_app.py"),
                          "--camera", str(clip), "--log-file", str(Path(tmp) / "noop.log")]) for _ in range(3))
    n = args.frames
    print(f"| pipeline ({n} frames 1080p H.264, {args.threads} threads) | s | frames/s | ratio to ffmpeg -f null |")
    print("|---|---|---|---|")
    for name, secs in (("ffmpeg -f null (yuv420p)", ffmpeg), ("ffmpeg -pix_fmt bgr24 -f null", ffmpeg_bgr),
                       ("panorama run, no-op app (BGR frames in Python)", ours)):
        print(f"| {name} | {secs:.2f} | {n / secs:.0f} | {ffmpeg / secs:.2f} |")
    print("(panorama run includes interpreter start-up and import, about 0.3-0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
