"""`panorama run` against the real RTSP server (gst-rtsp-server on loopback, digest auth)."""
from __future__ import annotations

import threading
import time

import make_media
import numpy as np
import pytest
from cli_helpers import APPS, ROOT, panorama, start_panorama
from rtsp_fixtures import RTSP_PASSWORD, RtspServer, require_rtsp_server
from test_people_counter import MODEL_NAME, crowd_clip, people_ssd, read_frames  # noqa: F401

COUNTER = APPS / "misc" / "counter_app.py"
pytestmark = pytest.mark.rtsp


def _collect(proc, lines: list):
    for line in proc.stdout:
        lines.append(line)


def _wait_for_lines(lines: list, count: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if sum(line.startswith("frame ") for line in lines) >= count:
            return True
        time.sleep(0.05)
    return False


def test_people_counter_over_rtsp_with_digest_auth(people_ssd, crowd_clip, tmp_path):  # noqa: F811
    require_rtsp_server()
    out = tmp_path / "rtsp-people.mp4"
    with RtspServer(files={"/clip": crowd_clip}, loop=True, user="viewer", password=RTSP_PASSWORD) as server:
        r = panorama("run", ROOT / "examples" / "people_counter" / "app.py",
                     "--camera", server.url("/clip", with_credentials=True), "--frames", 20,
                     "--model", f"{MODEL_NAME}={people_ssd}", "--record", out, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert RTSP_PASSWORD not in r.stdout + r.stderr
    counts = [int(line.rsplit(":", 1)[1]) for line in r.stdout.splitlines() if "people detected:" in line]
    assert len(counts) == 20 and sum(c > 0 for c in counts) >= 15, counts
    assert make_media.count_frames(out) == 20
    recorded = read_frames(out, 20)
    source = read_frames(crowd_clip, 1)[0]

    def green(img):  # the compositor's box colour, rare in this grey campus scene
        return int(((img[:, :, 1] > 180) & (img[:, :, 0] < 110) & (img[:, :, 2] < 110)).sum())

    assert green(recorded[10]) > green(source) + 200
    h, w, _ = recorded[10].shape
    label = recorded[10][int(0.9 * h) + 2: int(0.9 * h) + 16, int(0.02 * w) + 2: int(0.02 * w) + 90]
    assert (label.min(axis=2) > 200).sum() > 20  # white glyph pixels
    assert (label.max(axis=2) < 90).sum() > 20  # the dark backing box


def test_camera_killed_and_restarted_the_app_never_stops(tmp_path):
    require_rtsp_server()
    with RtspServer(patterns=["/test"], fps=25) as server:
        proc = start_panorama("run", COUNTER, "--camera", server.url("/test"), "--frames", 60,
                              "--stall-timeout", "2", "--param", "draw=false")
        lines: list = []
        reader = threading.Thread(target=_collect, args=(proc, lines), daemon=True)
        reader.start()
        try:
            assert _wait_for_lines(lines, 10, 30), "no frames before the kill"
            server.kill()
            time.sleep(1.5)
            before = sum(line.startswith("frame ") for line in lines)
            assert before < 60
            server.restart()
            assert proc.wait(timeout=90) == 0, proc.stderr.read()[-3000:]
        finally:
            if proc.poll() is None:
                proc.kill()
    reader.join(timeout=5)
    frames = [line for line in lines if line.startswith("frame ")]
    assert len(frames) == 60 and frames[-1].startswith("frame 60:")


def test_camera_frozen_watchdog_reconnects():
    require_rtsp_server()
    with RtspServer(patterns=["/test"], fps=25) as server:
        proc = start_panorama("run", COUNTER, "--camera", server.url("/test"), "--frames", 50,
                              "--stall-timeout", "1.5", "--param", "draw=false")
        lines: list = []
        reader = threading.Thread(target=_collect, args=(proc, lines), daemon=True)
        reader.start()
        try:
            assert _wait_for_lines(lines, 10, 30)
            server.freeze()
            time.sleep(3.5)  # longer than the stall timeout: the watchdog fires
            server.thaw()
            assert proc.wait(timeout=90) == 0
            stderr = proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "(stall_timeout_s)" in stderr, stderr[-3000:]  # the watchdog fired...
    assert stderr.count(": streaming 320x240") >= 2, stderr[-3000:]  # ...and the camera came back
    assert sum(line.startswith("frame ") for line in lines) == 50


def test_wrong_password_names_the_camera_and_hides_the_password(tmp_path):
    require_rtsp_server()
    log_file = tmp_path / "app.log"
    with RtspServer(patterns=["/test"], user="viewer", password=RTSP_PASSWORD) as server:
        bad = server.url("/test").replace("rtsp://", "rtsp://viewer:wrong-Secret-42@")
        r = panorama("run", COUNTER, "--camera", bad, "--log-file", log_file, timeout=60)
        camera = server.url("/test")
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and camera in errors[0], r.stderr
    assert "401" in errors[0] or "auth" in errors[0].lower()
    for text in (r.stdout, r.stderr, log_file.read_text()):
        assert "wrong-Secret-42" not in text


def test_live_view_serves_the_output_while_running(h264_mp4):
    require_rtsp_server()
    cv2 = pytest.importorskip("cv2")
    import re
    import urllib.request

    with RtspServer(patterns=["/test"], fps=25) as server:
        proc = start_panorama("run", COUNTER, "--camera", server.url("/test"), "--frames", 150,
                              "--view", "127.0.0.1:0")
        try:
            address = None
            deadline = time.monotonic() + 30
            seen = ""
            while time.monotonic() < deadline and address is None:
                line = proc.stderr.readline()
                seen += line
                found = re.search(r"live view at (http://[\d.]+:\d+/)", line)
                address = found.group(1) if found else None
            assert address, seen
            page = urllib.request.urlopen(address, timeout=10).read().decode()
            assert "/stream/0.mjpg" in page
            jpeg = urllib.request.urlopen(address + "snapshot/0.jpg", timeout=10).read()
            image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            assert image.shape == (240, 320, 3)
        finally:
            proc.kill()
            proc.wait()
