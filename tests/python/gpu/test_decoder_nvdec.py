"""_core.NvdecDecoder and its DeviceFrames against two oracles, on the clips that
benchmarks/gpu/prepare_carry.sh made with ffmpeg (they travel to a bare GPU machine with the tree):
libavcodec's NV12 of the small clips (byte for byte), and cv2's own decode of the 1080p clips (pip OpenCV
has FFmpeg inside; it converts to BGR with libswscale, which rounds differently from our BT.601 kernel:
on these clips libswscale vs our CPU conversion measured max 3, mean 0.63, and the GPU is within 1 of
the CPU, hence max 5 and mean 1 below)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from panoramasdk._native import core
from panoramasdk.errors import NoCudaError, NotFoundError, UnsupportedError

ROOT = Path(__file__).resolve().parents[3]
CLIPS = Path(os.environ.get("PANORAMA_GPU_CARRY") or ROOT / "build" / "gpu-carry") / "clips"


def _manifest() -> dict[str, dict]:
    """clips.txt: "file codec width height frames reference" a line."""
    path = CLIPS / "clips.txt"
    if not path.exists():
        return {}
    clips = {}
    for line in path.read_text().splitlines():
        name, codec, width, height, frames, reference = line.split()
        clips[name] = {"path": CLIPS / name, "codec": codec, "width": int(width), "height": int(height),
                       "frames": int(frames), "reference": None if reference == "-" else CLIPS / reference}
    return clips


@pytest.fixture
def nvdec():
    reason = core.nvdec_unavailable_reason()
    if reason:
        pytest.skip(f"GPU test skipped: NVDEC unavailable: {reason}")


def _clip(name: str) -> dict:
    clip = _manifest().get(name)
    if clip is None or not clip["path"].exists():
        pytest.skip(f"GPU test skipped: no test clip {name} in {CLIPS} "
                    "(make it with bash benchmarks/gpu/prepare_carry.sh)")
    return clip


def _decode(clip: dict, chunk: int | None = None) -> list:
    decoder = core.NvdecDecoder(clip["codec"])
    data = clip["path"].read_bytes()
    step = chunk or len(data)
    frames = []
    for at in range(0, len(data), step):
        frames += decoder.decode(data[at:at + step])
    frames += decoder.flush()
    assert decoder.errors == 0
    assert decoder.frames == len(frames)
    assert "NVDEC" in decoder.description
    return frames


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["small.h264", "small.h265"])
def test_nv12_on_the_device_equals_libavcodec_byte_for_byte(nvdec, cupy, name):
    clip = _clip(name)
    before = core.host_device_copy_counts()
    frames = _decode(clip, chunk=4096)  # bytes cut anywhere: NVDEC's parser finds the pictures
    assert core.host_device_copy_counts() == before  # decoding moved nothing to the host
    w, h = clip["width"], clip["height"]
    reference = np.fromfile(clip["reference"], np.uint8).reshape(clip["frames"], h * 3 // 2, w)
    assert len(frames) == clip["frames"]
    for i, frame in enumerate(frames):
        assert (frame.width, frame.height, frame.index, frame.pts) == (w, h, i, None)
        device = cupy.asarray(frame)  # __cuda_array_interface__: no copy, keeps the frame alive
        assert device.shape == (h * 3 // 2, w) and device.dtype == cupy.uint8
        assert device.strides == (frame.pitch, 1)
        np.testing.assert_array_equal(cupy.asnumpy(device), reference[i], err_msg=f"frame {i} of {name}")


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["1080p.h264", "1080p.h265"])
def test_download_bgr_matches_cv2_decoding_the_same_file(nvdec, name):
    cv2 = pytest.importorskip("cv2", reason="opencv-python not installed")
    clip = _clip(name)
    frames = _decode(clip)
    capture = cv2.VideoCapture(str(clip["path"]))
    expected = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        expected.append(image)
    assert len(frames) == len(expected) == clip["frames"]
    for i in range(0, len(frames), 10):
        bgr = frames[i].download_bgr()
        assert bgr.shape == (1080, 1920, 3) and bgr.dtype == np.uint8
        diff = np.abs(bgr.astype(np.int16) - expected[i].astype(np.int16))
        assert diff.max() <= 5 and diff.mean() <= 1.0, (i, int(diff.max()), float(diff.mean()))
    # Downloaded once: a second call views the same host pixels, with no second copy.
    before = core.host_device_copy_counts()["device_to_host"]
    first, again = frames[1].download_bgr(), frames[1].download_bgr()
    assert core.host_device_copy_counts()["device_to_host"] == before + 1
    assert first.__array_interface__["data"][0] == again.__array_interface__["data"][0]


@pytest.mark.gpu
def test_decode_annexb_file_counts_the_frames_and_names_a_missing_file(nvdec):
    clip = _clip("small.h265")
    decoder = core.NvdecDecoder("hevc")
    assert decoder.decode_annexb_file(str(clip["path"])) == clip["frames"]
    with pytest.raises(NotFoundError, match="/nonexistent/clip.h264") as info:
        decoder.decode_annexb_file("/nonexistent/clip.h264")
    assert isinstance(info.value, FileNotFoundError)


def test_an_unknown_codec_is_named():
    with pytest.raises(UnsupportedError, match="'vp9'"):
        core.NvdecDecoder("vp9")


def test_without_nvdec_the_decoder_says_what_is_missing():
    reason = core.nvdec_unavailable_reason()
    if not reason:
        pytest.skip("NVDEC is usable here; this checks a machine without it")
    with pytest.raises(NoCudaError) as info:
        core.NvdecDecoder("h264")
    assert reason in str(info.value)
    if not core.built_with_nvdec():
        assert "built without NVDEC" in reason
