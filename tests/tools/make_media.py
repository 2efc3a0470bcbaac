"""Test video made on the spot with the ffmpeg command line (libx264), never downloaded."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def ffmpeg_binary() -> str:
    path = shutil.which("ffmpeg")
    if not path:
        raise RuntimeError("the ffmpeg command line is needed to make test video: apt-get install ffmpeg")
    return path


def encode_test_clip(
    path: Path,
    *,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    frames: int = 50,
    gop: int = 25,
    pattern: str = "testsrc2",
    bframes: int = 0,
) -> Path:
    """Encodes `frames` frames of an ffmpeg test pattern to H.264 in the container named by the suffix
    (.mp4, .mkv, or .h264 for a raw Annex B stream)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"{pattern}=size={width}x{height}:rate={fps}",
        "-frames:v", str(frames),
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-g", str(gop), "-bf", str(bframes), "-threads", "2",
    ]
    if path.suffix == ".h264":
        cmd += ["-f", "h264"]
    cmd.append(str(path))
    subprocess.run(cmd, check=True)
    return path


def count_frames(path: Path) -> int:
    """Decodes the whole file with the ffmpeg command line and returns the number of video frames."""
    out = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-nostats", "-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr
    frames = [line for line in out.splitlines() if line.startswith("frame=")]
    if not frames:
        raise RuntimeError(f"ffmpeg reported no frame count for {path}:\n{out[-2000:]}")
    return int(frames[-1].split("frame=")[1].split()[0])
