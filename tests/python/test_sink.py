"""_core.OutputChain: composing, recording to H.264 (read back with ffmpeg / OpenCV), queue policy."""
from __future__ import annotations

import os
import subprocess
import sys

import cv2
import make_media
import numpy as np
import pytest
from panoramasdk._native import core
from panoramasdk.errors import StoppedError


def options(**values) -> core.OutputOptions:
    o = core.OutputOptions()
    for name, value in values.items():
        setattr(o, name, value)
    return o


def decode_all(path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def test_options_defaults():
    o = core.OutputOptions()
    assert (o.record_path, o.fps, o.crf, o.view, o.view_max_fps) == ("", 25.0, 23, False, 15.0)
    assert (o.jpeg_quality, o.queue_size, o.drop_when_full, o.font_path, o.name) == (80, 8, False, "", "")
    assert o.preset == "ultrafast"
    assert "OutputOptions(" in repr(o)


@pytest.mark.parametrize("suffix, preset", [(".mp4", "ultrafast"), (".mkv", "medium")])
def test_records_every_frame(tmp_path, suffix, preset):
    path = tmp_path / f"out{suffix}"
    chain = core.OutputChain(options(record_path=str(path), fps=25.0, queue_size=2, name="video_out[0]",
                                     preset=preset))
    n = 23
    for i in range(n):
        img = np.full((120, 160, 3), i * 10, np.uint8)
        chain.submit(img, [(0.1, 0.1, 0.9, 0.9)], [(f"frame {i}", 0.02, 0.02)], time_stamp_us=i * 40_000)
    chain.close()
    chain.close()  # idempotent
    stats = chain.stats()
    counts = ("frames_submitted", "frames_composed", "frames_encoded", "frames_dropped", "jpeg_sequence", "last_error")
    assert {k: stats[k] for k in counts} == {
        "frames_submitted": n, "frames_composed": n, "frames_encoded": n, "frames_dropped": 0,
        "jpeg_sequence": 0, "last_error": "",
    }
    assert stats["latency_count"] == n - 1  # frame 0's time stamp 0 means unknown (test_run_stats.py has more)
    assert make_media.count_frames(path) == n


def test_label_pixels_are_in_the_recording(tmp_path):
    path = tmp_path / "labels.mp4"
    comp = core.Compositor()
    label = ("MMMM WWWW", 0.1, 0.1)
    x0, y0, x1, y1 = comp.label_box(label[0], label[1], label[2], 320, 240)
    with core.OutputChain(options(record_path=str(path))) as chain:
        for i in range(10):
            img = np.full((240, 320, 3), 128, np.uint8)
            chain.submit(img, [], [label] if i >= 5 else [])
    frames = decode_all(path)
    assert len(frames) == 10
    plain = frames[2][y0:y1, x0:x1].astype(int)
    labelled = frames[7][y0:y1, x0:x1].astype(int)
    assert abs(plain.mean() - 128) < 4
    assert (labelled.min(axis=2) > 200).sum() > 30  # white text survives the encoder
    assert np.median(labelled) < 80  # on the dark backing
    # Elsewhere the two frames agree.
    assert abs(frames[2][150:, 200:].astype(int).mean() - frames[7][150:, 200:].astype(int).mean()) < 3


def test_submit_copies_the_image(tmp_path):
    path = tmp_path / "copy.mp4"
    chain = core.OutputChain(options(record_path=str(path), queue_size=8))
    img = np.empty((96, 128, 3), np.uint8)
    for _ in range(8):
        img.fill(40)
        chain.submit(img, [], [])
        img.fill(230)  # after submit returns, the chain must not see this
    chain.close()
    frames = decode_all(path)
    assert len(frames) == 8
    for frame in frames:
        assert abs(frame.astype(int).mean() - 40) < 4


def test_submit_leaves_the_array_alone(tmp_path):
    chain = core.OutputChain(options())
    img = np.full((60, 80, 3), 77, np.uint8)
    chain.submit(img, [(0, 0, 1, 1)], [("text", 0.1, 0.1)])
    chain.close()
    assert (img == 77).all()  # drawing happened on the chain's copy
    assert chain.stats()["frames_composed"] == 1


def test_drop_when_full_counts_drops():
    labels = [("a label that takes a while to draw", 0.01 * i, 0.015 * i) for i in range(60)]
    img = np.full((720, 1280, 3), 90, np.uint8)
    chain = core.OutputChain(options(queue_size=1, drop_when_full=True))
    for _ in range(60):
        chain.submit(img, [], labels)
    chain.close()
    stats = chain.stats()
    assert stats["frames_submitted"] == 60
    assert stats["frames_dropped"] > 0
    assert stats["frames_composed"] + stats["frames_dropped"] == 60


def test_submit_after_close_is_stopped():
    chain = core.OutputChain(options())
    chain.close()
    assert chain.closed
    with pytest.raises(StoppedError):
        chain.submit(np.zeros((8, 8, 3), np.uint8), [], [])
    with pytest.raises(RuntimeError):
        chain.submit(np.zeros((8, 8, 3), np.uint8), [], [])


@pytest.mark.parametrize(
    "args, fragment",
    [
        ((np.zeros((8, 8, 3), np.float32), [], []), "image"),
        ((np.zeros((8, 8), np.uint8), [], []), "image"),
        ((np.zeros((8, 8, 3), np.uint8), [(1, 2)], []), r"rects\[0\]"),
        ((np.zeros((8, 8, 3), np.uint8), [], [("a", "b", 1)]), r"labels\[0\]"),
    ],
)
def test_bad_submit_arguments_are_value_errors(args, fragment):
    chain = core.OutputChain(options())
    with pytest.raises(ValueError, match=fragment):
        chain.submit(*args)
    chain.close()
    assert chain.stats()["frames_submitted"] == 0


def test_submit_frame_takes_only_frames_on_the_gpu():
    """submit_frame() hands a frame over without a copy, for frames on the GPU, which the chain only reads.
    It draws in place on host frames, so the application's host pixels must come through submit() (a copy)."""
    chain = core.OutputChain(options(name="video_out[0]"))
    frame = core.Frame.from_array(np.zeros((8, 8, 3), np.uint8))
    assert not frame.on_device and frame.downloaded and frame.device_frame is None
    with pytest.raises(ValueError, match=r"video_out\[0\]: submit_frame expects a Frame on the GPU; use submit"):
        chain.submit_frame(frame, [(0.1, 0.1, 0.9, 0.9)], [])
    chain.close()
    assert chain.stats()["frames_submitted"] == 0
    assert not frame.array().any()  # not drawn on


def test_bad_options_fail_at_construction(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-dir"):
        core.OutputChain(options(record_path=str(tmp_path / "no-such-dir" / "x.mp4")))
    with pytest.raises(ValueError, match=".mp4"):
        core.OutputChain(options(record_path=str(tmp_path / "x.weird")))
    with pytest.raises(ValueError, match="queue_size"):
        core.OutputChain(options(queue_size=0))
    with pytest.raises(ValueError, match="preset 'quick' is not an x264 preset; expected one of ultrafast, superfast"):
        core.OutputChain(options(record_path=str(tmp_path / "x.mp4"), preset="quick"))
    with pytest.raises(ValueError, match="view is off"):
        core.OutputChain(options()).wait_jpeg(0, 0.1)


def test_write_error_is_reported_not_raised(tmp_path):
    path = tmp_path / "full.mp4"
    os.symlink("/dev/full", path)  # every write fails with "No space left on device"
    chain = core.OutputChain(options(record_path=str(path), name="video_out[0]"))
    for i in range(40):
        chain.submit(np.full((120, 160, 3), i * 5, np.uint8), [], [])
    chain.close()
    stats = chain.stats()
    assert stats["frames_composed"] == 40
    assert str(path) in stats["last_error"]
    assert "space" in stats["last_error"].lower()


def test_the_view_encodes_host_frames_with_libavcodec_in_full_range():
    """JPEG is full range: white stays 255 and black 0 (a limited-range encode makes them 235 and 16)."""
    rng = np.random.default_rng(5)
    picture = np.kron(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8), np.ones((16, 16, 1), np.uint8))
    picture[:64, :64] = 255
    picture[-64:, -64:] = 0
    chain = core.OutputChain(options(view=True, jpeg_quality=95, name="view-test"))
    assert chain.stats()["jpeg_encoder"] == ""
    chain.set_view_active(True)
    chain.submit(picture.copy(), [], [], 0, True)
    jpeg = chain.wait_jpeg(0, 10.0)
    stats = chain.stats()
    chain.close()
    assert jpeg is not None and stats["jpeg_encoder"] == "libavcodec", stats
    decoded = cv2.imdecode(np.frombuffer(jpeg[1], np.uint8), cv2.IMREAD_COLOR).astype(np.int16)
    assert decoded.shape == picture.shape
    assert decoded[8:56, 8:56].min() >= 252 and decoded[-56:-8, -56:-8].max() <= 3
    assert np.median(np.abs(decoded - picture)) <= 2


@pytest.mark.parametrize("library, reason", [
    ("/nonexistent/libnvjpeg.so.13", "/nonexistent/libnvjpeg.so.13 cannot be opened ("),
    ("libz.so.1", "libz.so.1 is not a usable nvJPEG: it has no nvjpegCreateSimple"),
])
def test_a_missing_or_wrong_nvjpeg_library_is_named(library, reason):
    """The view's GPU encoder opens libnvjpeg at run time (PANORAMA_NVJPEG_LIBRARY, else the CUDA major's
    soname); what it cannot use is named, and the view then encodes with libavcodec. One process each: the
    library is opened once per process."""
    if "built without nvJPEG" in core.nvjpeg_unavailable_reason():
        pytest.skip(core.nvjpeg_unavailable_reason())
    code = "from panoramasdk._native import core; print(core.nvjpeg_unavailable_reason())"
    env = {**os.environ, "PANORAMA_NVJPEG_LIBRARY": library}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(reason), r.stdout
