"""Benchmark input video, made here with the ffmpeg command line and cached under build/bench/.

The 1080p clip is the pedestrian clip of examples/assets (a real fixed camera over a walkway: a still
background, people moving through it) stretched to 1920x1080 and played at 30 frames/s. Upscaled 576p
video is soft, and x264 would spend 1-2 Mbit/s on it: too easy a decode. Temporal noise stands in for a
real 1080p sensor's grain and fine detail, so a camera-like encoding (High profile, no B-frames, fixed GOP,
about 6 Mbit/s constant) really spends its bits. Synthetic patterns are either trivially compressible
(testsrc2) or pure noise; neither decodes like a camera.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PEDESTRIANS = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
sys.path.insert(0, str(ROOT / "tests" / "tools"))
import make_media  # noqa: E402  (the tests' ffmpeg helpers: one place that finds the binary and encodes)


def bench_dir() -> Path:
    path = ROOT / "build" / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _encode(path: Path, args: list) -> Path:
    """Runs ffmpeg into a private temporary name, then renames: two benchmarks asking for the same clip
    at once never see half a file."""
    if path.exists():
        return path
    tmp = path.with_name(f".{path.stem}.{os.getpid()}{path.suffix}")
    cmd = [make_media.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *args, str(tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"ffmpeg could not make benchmark clip {path.name}:\n{proc.stderr[-2000:]}")
    os.replace(tmp, path)
    return path


def pedestrians_1080p(frames: int = 600, *, fps: int = 30, bitrate_mbps: float = 6.0, gop: int = 60,
                      width: int = 1920, height: int = 1080) -> Path:
    """The camera-like H.264 clip described above (`frames` frames; the source has 795, so more loop it)."""
    if frames <= 0:
        raise ValueError(f"pedestrians_1080p: frames must be positive, got {frames}")
    path = bench_dir() / f"pedestrians-{width}x{height}-{fps}fps-{bitrate_mbps:g}M-gop{gop}-{frames}f.mp4"
    rate = f"{bitrate_mbps:g}M"
    return _encode(path, [
        "-stream_loop", "-1", "-i", str(PEDESTRIANS),
        "-vf", f"setpts=N/({fps}*TB),scale={width}:{height}:flags=bicubic,noise=alls=8:allf=t",
        "-r", str(fps), "-frames:v", str(frames),
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "0", "-pix_fmt", "yuv420p",
        "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
        "-b:v", rate, "-maxrate", rate, "-bufsize", rate, "-threads", "2", "-an",
    ])


def pedestrians_looped(seconds: int) -> Path:
    """The pedestrian clip itself (768x576, 10 frames/s) repeated to last `seconds` (stream copy, no
    re-encode): a long, real source for soak runs."""
    if seconds <= 0:
        raise ValueError(f"pedestrians_looped: seconds must be positive, got {seconds}")
    path = bench_dir() / f"pedestrians-768x576-10fps-{seconds}s.mp4"
    return _encode(path, ["-stream_loop", "-1", "-i", str(PEDESTRIANS), "-c", "copy", "-t", str(seconds)])


def tiny_clip(frames: int, *, width: int = 64, height: int = 48, fps: int = 30) -> Path:
    """A tiny H.264 test pattern: its decode costs microseconds, so what remains is the runtime's cost."""
    path = bench_dir() / f"testsrc2-{width}x{height}-{fps}fps-{frames}f.mp4"
    if not path.exists():
        tmp = path.with_name(f".{path.stem}.{os.getpid()}{path.suffix}")
        make_media.encode_test_clip(tmp, width=width, height=height, fps=fps, frames=frames, gop=250)
        os.replace(tmp, path)
    return path


def probe(path: Path) -> dict:
    """Width, height, frame count, frames/s and bit rate of the first video stream (ffprobe)."""
    ffprobe = str(Path(make_media.ffmpeg_binary()).with_name("ffprobe"))
    out = subprocess.run([ffprobe, "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
                          "stream=width,height,nb_read_packets,avg_frame_rate,bit_rate,codec_name,profile",
                          "-of", "json", str(path)], check=True, capture_output=True, text=True).stdout
    s = json.loads(out)["streams"][0]
    num, den = (int(x) for x in s["avg_frame_rate"].split("/"))
    return {"codec": s["codec_name"], "profile": s.get("profile", ""), "width": int(s["width"]),
            "height": int(s["height"]), "frames": int(s["nb_read_packets"]), "fps": num / den if den else 0.0,
            "mbps": int(s.get("bit_rate", 0)) / 1e6}


def describe(path: Path) -> str:
    """'pedestrians-...mp4: H.264 High 1920x1080, 600 frames at 30 fps, 6.0 Mbit/s'."""
    p = probe(path)
    return (f"{path.name}: {p['codec']} {p['profile']} {p['width']}x{p['height']}, {p['frames']} frames at "
            f"{p['fps']:g} fps, {p['mbps']:.3g} Mbit/s")
