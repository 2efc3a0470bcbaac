"""`panorama run` end to end on real video: exit codes, outputs, errors, prompt exit."""
from __future__ import annotations

import time

import make_media
import numpy as np
import pytest
from cli_helpers import APPS, panorama

COUNTER = APPS / "misc" / "counter_app.py"


def test_runs_every_frame_of_a_file_and_exits_zero(h264_mp4, tmp_path):
    log_file = tmp_path / "app.log"
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--log-file", log_file)
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if line.startswith("frame ")]
    assert len(lines) == 50  # the clip's 50 frames, each once, in order
    assert lines[-1].startswith("frame 50:")
    assert "init: 1 streams" in r.stdout
    # print() goes to stdout and to the application's log file
    assert "frame 50:" in log_file.read_text()


def test_frame_limit_and_recording_frame_count(h264_mp4, tmp_path):
    out = tmp_path / "out.mp4"
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--frames", 20, "--record", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\nframe ") + r.stdout.startswith("frame ") == 20
    assert make_media.count_frames(out) == 20


def test_recording_shows_app_drawing_rect_and_label(h264_mp4, tmp_path):
    cv2 = pytest.importorskip("cv2")
    out = tmp_path / "out.mp4"
    assert panorama("run", COUNTER, "--camera", h264_mp4, "--frames", 5, "--record", out).returncode == 0
    got = cv2.VideoCapture(str(out))
    src = cv2.VideoCapture(str(h264_mp4))
    ok1, recorded = got.read()
    ok2, original = src.read()
    assert ok1 and ok2 and recorded.shape == original.shape == (240, 320, 3)
    diff = np.abs(recorded.astype(int) - original.astype(int)).sum(axis=2)
    # the app's own drawing into image: a white 8x8 square at (h/4, w/4)
    assert recorded[62:66, 82:86].mean() > 200
    # the rect's border at x = 0.5 * 320 on rows between 0.5 and 0.75 of the height differs from the input...
    assert diff[125:175, 159:162].mean() > 60
    # ...its interior does not (beyond coding noise)
    assert diff[140:160, 190:220].mean() < 25
    # the label at (0.02, 0.05) with its backing box
    assert diff[12:40, 6:60].mean() > 40


def test_several_cameras_record_one_file_per_output(h264_mp4, tmp_path, media_dir):
    other = make_media.encode_test_clip(media_dir / "other.mkv", width=160, height=120, frames=30)
    out = tmp_path / "multi.mp4"
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--camera", other, "--record", out)
    assert r.returncode == 0, r.stderr
    assert "init: 2 streams" in r.stdout
    assert make_media.count_frames(tmp_path / "multi-0.mp4") == 50
    assert make_media.count_frames(tmp_path / "multi-1.mp4") == 50  # the shorter stream's last media repeats


def test_exits_promptly_when_the_app_leaves_a_thread_running(h264_mp4):
    t0 = time.monotonic()
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--frames", 3, "--param", "start_thread=true", timeout=60)
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - t0 < 30


def test_init_exception_exits_nonzero_with_one_line(h264_mp4):
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--param", "fail_in=init")
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: counter.init() failed: RuntimeError: init failed on purpose"]
    assert "frame 1:" not in r.stdout  # entry never called


def test_init_returning_false_exits_nonzero(h264_mp4):
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--param", "fail_in=init-false")
    assert r.returncode == 1 and "error: counter.init() returned False" in r.stderr


def test_entry_exception_is_logged_and_the_run_goes_on(h264_mp4):
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--frames", 10, "--param", "fail_in=entry")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("entry() raised") == 3  # frames 3, 6, 9
    assert "ValueError: entry failed on purpose at frame 3" in r.stderr
    assert "frame 10:" in r.stdout


def test_strict_mode_stops_at_first_entry_failure(h264_mp4):
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--param", "fail_in=entry", "--strict")
    assert r.returncode == 1 and "entry() failed (--strict)" in r.stderr
    assert "frame 3:" not in r.stdout


def test_import_failure_exits_nonzero_with_one_line(h264_mp4):
    r = panorama("run", APPS / "misc" / "import_error_app.py", "--camera", h264_mp4)
    assert r.returncode == 1
    assert ("error: application import_error_app.py failed to import: ModuleNotFoundError: "
            "No module named 'module_that_does_not_exist'") in r.stderr


def test_file_without_main_runs_its_one_class(h264_mp4):
    r = panorama("run", APPS / "misc" / "no_main_app.py", "--camera", h264_mp4, "--frames", 2)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("quiet entry") == 2


@pytest.mark.parametrize("param,fragment", [
    ("sleep_s=fast", "parameter 'sleep_s' (float): cannot convert 'fast'"),
    ("nope=1", "unknown parameter 'nope'; the application declares: fail_in (string)"),
    ("noequals", "--param 'noequals': expected NAME=VALUE"),
])
def test_bad_param_is_one_line_usage_error(h264_mp4, param, fragment):
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--param", param)
    assert r.returncode == 2
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_camera_file_names_it(tmp_path):
    missing = tmp_path / "nope.mp4"
    r = panorama("run", COUNTER, "--camera", missing, timeout=60)
    assert r.returncode == 1
    assert "nope.mp4" in r.stderr and "Traceback" not in r.stderr


def test_unreachable_camera_is_reported_without_hanging():
    t0 = time.monotonic()
    r = panorama("run", COUNTER, "--camera", "rtsp://127.0.0.1:9/live", "--first-frame-timeout", "3", timeout=60)
    assert r.returncode == 1
    assert "rtsp://127.0.0.1:9/live" in r.stderr
    assert time.monotonic() - t0 < 30


def test_corrupt_bytes_in_the_video_cost_frames_not_the_run(media_dir, tmp_path):
    clip = make_media.encode_test_clip(media_dir / "for-corruption.h264", frames=75, gop=15)
    data = bytearray(clip.read_bytes())
    rng = np.random.default_rng(7)
    start = len(data) // 3
    data[start:start + 3000] = rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()
    broken = tmp_path / "broken.h264"
    broken.write_bytes(bytes(data))
    r = panorama("run", COUNTER, "--camera", broken, "--param", "draw=false")
    assert r.returncode == 0, r.stderr
    frames = r.stdout.count("frame ")
    assert 30 <= frames <= 75  # some frames up to the next key frame may be lost, never the run


def test_camera_uri_credentials_never_printed(h264_mp4, tmp_path):
    log_file = tmp_path / "app.log"
    r = panorama("run", COUNTER, "--camera", "rtsp://admin:hunter2-secret@127.0.0.1:9/cam",
                 "--first-frame-timeout", "2", "--log-file", log_file, timeout=60)
    assert r.returncode == 1
    for text in (r.stdout, r.stderr, log_file.read_text()):
        assert "hunter2-secret" not in text
    assert "rtsp://127.0.0.1:9/cam" in r.stderr


def test_relative_camera_and_record_paths_are_from_the_callers_folder(h264_mp4, tmp_path):
    import shutil

    shutil.copy(h264_mp4, tmp_path / "clip.mp4")
    r = panorama("run", COUNTER, "--camera", "clip.mp4", "--frames", 3, "--record", "rel.mp4", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert make_media.count_frames(tmp_path / "rel.mp4") == 3
