"""RTSP cameras against a real gst-rtsp-server on loopback (tests/tools/rtsp_server.py).

Covers transports, digest auth, secrets kept out of every message, and a camera that dies, hangs or
was never there. Each test is a few seconds: small pictures, short timeouts.
"""
from __future__ import annotations

import logging
import subprocess
import time

import make_media
import numpy as np
import pytest
import rtsp_fixtures
from panoramasdk._native import core
from rtsp_fixtures import CLIP_PATH, PATTERN_FPS, PATTERN_SIZE, RTSP_PASSWORD, RTSP_USER, closed_port

# The camera fixtures, taken by name by the tests below.
rtsp_server = rtsp_fixtures.rtsp_server
rtsp_file_server = rtsp_fixtures.rtsp_file_server

W, H = PATTERN_SIZE
WRONG_PASSWORD = "wr0ng-Secret-7731"


def make_stream(uri: str, **options) -> core.Stream:
    opts = core.StreamOptions()
    opts.uri = uri
    # Short bounds so a failure shows in seconds; each test overrides what it exercises.
    opts.open_timeout_s = 5.0
    opts.stall_timeout_s = 3.0
    opts.reconnect_initial_s = 0.2
    opts.reconnect_max_s = 1.0
    for name, value in options.items():
        setattr(opts, name, value)
    return core.Stream(opts)


class Camera:
    """One stream in a live (newest-wins) group: what an app sees of one camera."""

    def __init__(self, uri: str, **options):
        self.stream = make_stream(uri, **options)
        self.group = core.StreamGroup([self.stream], False)

    def __enter__(self) -> Camera:
        self.group.start()
        return self

    def __exit__(self, *exc) -> None:
        self.group.stop()

    def frames(self, count: int, timeout_s: float) -> list:
        """The next `count` frames; fails with the stream's stats if they do not come in time."""
        got = []
        deadline = time.monotonic() + timeout_s
        while len(got) < count and time.monotonic() < deadline:
            frame_set = self.group.next_set(0.5)
            assert frame_set is not None, f"group ended after {len(got)} frames: {self.stream.stats()}"
            got += [f for f in frame_set if f is not None]
        assert len(got) >= count, f"{len(got)}/{count} frames in {timeout_s} s: {self.stream.stats()}"
        return got

    def stats(self) -> dict:
        return self.stream.stats()


def assert_sequences_increase(frames) -> None:
    seqs = [f.sequence for f in frames]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), f"sequence went back or repeated: {seqs}"


def assert_moving_picture(frames) -> None:
    for f in frames:
        assert (f.width, f.height) == (W, H)
        a = f.array()
        assert a.shape == (H, W, 3) and a.dtype == np.uint8
    first, last = frames[0].array(), frames[-1].array()
    changed = np.count_nonzero(np.any(first != last, axis=2))
    assert changed > 100, f"the moving pattern did not move: {changed} pixels differ between frames"


def test_redact_uri_removes_credentials():
    uri = f"rtsp://{RTSP_USER}:{RTSP_PASSWORD}@127.0.0.1:8554/test?x=1"
    assert core.redact_uri(uri) == "rtsp://127.0.0.1:8554/test?x=1"


def test_server_requires_digest_auth(rtsp_server):
    """The test camera itself: 401 without credentials, frames with them (checked with ffmpeg's CLI)."""
    def probe(url):
        return subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_entries",
                               "stream=width,height", "-of", "csv=p=0", url],
                              capture_output=True, text=True, timeout=20)
    denied = probe(rtsp_server.url())
    assert denied.returncode != 0 and "401" in denied.stderr
    allowed = probe(rtsp_server.url(with_credentials=True))
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == f"{W},{H}"


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_transport_delivers_moving_frames(rtsp_server, transport):
    with Camera(rtsp_server.url(with_credentials=True), transport=transport) as cam:
        assert cam.stream.is_live
        frames = cam.frames(12, timeout_s=10)
        assert_moving_picture(frames)
        assert_sequences_increase(frames)
        stats = cam.stats()
    assert stats["state"] == "streaming", stats
    assert (stats["width"], stats["height"]) == (W, H)
    assert stats["frames_decoded"] >= 12 and stats["decode_errors"] == 0, stats
    assert stats["nominal_fps"] == pytest.approx(PATTERN_FPS, rel=0.05), stats


@pytest.mark.parametrize("where", ["in_url", "as_options"])
def test_digest_auth(rtsp_server, where):
    if where == "in_url":
        cam = Camera(rtsp_server.url(with_credentials=True))
    else:
        cam = Camera(rtsp_server.url(), username=RTSP_USER, password=RTSP_PASSWORD)
    with cam:
        frames = cam.frames(3, timeout_s=10)
        assert (frames[-1].width, frames[-1].height) == (W, H)
        assert cam.stream.display_uri == rtsp_server.url()  # no userinfo at all
        assert RTSP_PASSWORD not in str(cam.stats())


@pytest.mark.parametrize("where", ["in_url", "as_options"])
def test_wrong_password_reports_auth_and_never_leaks_it(rtsp_server, where, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    core.drain_log_records(0.0)  # start from an empty queue
    if where == "in_url":
        uri = rtsp_server.url().replace("rtsp://", f"rtsp://{RTSP_USER}:{WRONG_PASSWORD}@")
        cam = Camera(uri, reconnect=False)
    else:
        cam = Camera(rtsp_server.url(), username=RTSP_USER, password=WRONG_PASSWORD, reconnect=False)
    with cam:
        state = cam.stream.wait_for_state(["error"], 8.0)
        stats = cam.stats()
        display = cam.stream.display_uri
    assert state == "error", stats
    assert stats["last_error_code"] == "auth", stats
    camera = rtsp_server.url().removeprefix("rtsp://")  # host:port/test
    assert camera in stats["last_error"], f"error does not name the camera {camera}: {stats['last_error']!r}"

    records = [msg for _lvl, _name, msg, _t in core.drain_log_records(0.2)]
    records += [r.getMessage() for r in caplog.records]
    out, err = capfd.readouterr()
    places = {"display_uri": display, "stats": repr(stats), "stdout": out, "stderr": err,
              **{f"log record {i}": m for i, m in enumerate(records)}}
    leaks = [where for where, text in places.items() if WRONG_PASSWORD in text]
    assert not leaks, f"password appears in: {leaks}"
    assert any(camera in m for m in records), f"no log record names the camera: {records}"


def test_camera_killed_and_restarted_resumes(rtsp_server):
    with Camera(rtsp_server.url(with_credentials=True), stall_timeout_s=2.0) as cam:
        before = cam.frames(5, timeout_s=10)
        rtsp_server.kill()  # no TEARDOWN, sockets reset: a camera losing power
        time.sleep(0.5)
        rtsp_server.restart()
        # Whatever was still queued may come first; then frames from the new session.
        after = []
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline and not (cam.stats()["reconnects"] >= 1 and len(after) >= 5):
            frame_set = cam.group.next_set(0.5)  # must never raise while the camera is away
            assert frame_set is not None, cam.stats()
            after += [f for f in frame_set if f is not None]
        stats = cam.stats()
    assert stats["reconnects"] >= 1, stats
    assert len(after) >= 5, f"frames did not resume after the restart: {stats}"
    assert_sequences_increase(before + after)


def test_frozen_camera_trips_watchdog_then_resumes(rtsp_server):
    stall = 1.5
    with Camera(rtsp_server.url(with_credentials=True), stall_timeout_s=stall, open_timeout_s=2.0) as cam:
        cam.frames(3, timeout_s=10)
        rtsp_server.freeze()  # connection stays open, nothing is sent: only the watchdog can tell
        try:
            t0 = time.monotonic()
            state = cam.stream.wait_for_state(["reconnecting"], stall + 3.0)
            waited = time.monotonic() - t0
            frozen_stats = cam.stats()
        finally:
            rtsp_server.thaw()
        assert state == "reconnecting", frozen_stats
        assert waited < stall + 3.0
        assert frozen_stats["last_error_code"] == "timeout", frozen_stats
        resumed = cam.frames(5, timeout_s=12)
        stats = cam.stats()
    assert stats["reconnects"] >= 1, stats
    assert stats["state"] == "streaming", stats
    assert_sequences_increase(resumed)


def test_unreachable_camera_fails_fast_and_stops_promptly():
    uri = f"rtsp://127.0.0.1:{closed_port()}/cam"
    open_timeout = 2.0
    with Camera(uri, open_timeout_s=open_timeout, reconnect=False) as cam:
        t0 = time.monotonic()
        state = cam.stream.wait_for_state(["error"], open_timeout + 2.0)
        waited = time.monotonic() - t0
        stats = cam.stats()
    assert state == "error", stats
    assert stats["last_error_code"] == "connection", stats
    assert waited <= open_timeout + 0.5, f"connection error took {waited:.1f} s"
    assert uri.removeprefix("rtsp://") in stats["last_error"], stats

    # With reconnect on it keeps trying; stop() must not wait out the backoff.
    cam = Camera(uri, open_timeout_s=open_timeout, reconnect_initial_s=5.0, reconnect_max_s=5.0)
    cam.group.start()
    try:
        assert cam.stream.wait_for_state(["reconnecting"], open_timeout + 2.0) == "reconnecting", cam.stats()
        assert cam.group.next_set(0.2) == []
    finally:
        t0 = time.monotonic()
        cam.group.stop()
        stopped_in = time.monotonic() - t0
    assert stopped_in < 1.0, f"stop() took {stopped_in:.1f} s during a reconnect backoff"
    assert cam.stats()["state"] == "stopped"


def test_silent_camera_times_out_within_open_timeout(rtsp_server):
    """A server that accepts the TCP connection (kernel backlog) but never answers RTSP."""
    rtsp_server.freeze()
    try:
        open_timeout = 1.5
        cam = Camera(rtsp_server.url(with_credentials=True), open_timeout_s=open_timeout, reconnect=False)
        with cam:
            t0 = time.monotonic()
            state = cam.stream.wait_for_state(["error"], open_timeout + 3.0)
            waited = time.monotonic() - t0
            stats = cam.stats()
            t0 = time.monotonic()
        stopped_in = time.monotonic() - t0
    finally:
        rtsp_server.thaw()
    assert state == "error", stats
    assert stats["last_error_code"] == "timeout", stats
    assert waited <= open_timeout + 1.0, f"open took {waited:.1f} s with open_timeout_s={open_timeout}"
    assert stopped_in < 1.0


def test_file_served_over_rtsp(rtsp_file_server, h264_mp4):
    server = rtsp_file_server(h264_mp4)
    with Camera(server.url(CLIP_PATH)) as cam:
        frames = cam.frames(10, timeout_s=10)
        stats = cam.stats()
    assert all((f.width, f.height) == (W, H) for f in frames)
    assert_sequences_increase(frames)
    assert stats["frames_decoded"] >= 10 and stats["decode_errors"] == 0, stats


def test_looping_file_plays_past_its_end(rtsp_file_server, media_dir):
    """--loop serves a 10-frame clip as an endless camera: more frames than the file, one session."""
    clip = make_media.encode_test_clip(media_dir / "ten-frames.mp4", frames=10, gop=5)
    server = rtsp_file_server(clip, loop=True)
    with Camera(server.url(CLIP_PATH)) as cam:
        frames = cam.frames(25, timeout_s=10)
        stats = cam.stats()
    assert_sequences_increase(frames)
    assert stats["reconnects"] == 0 and stats["decode_errors"] == 0, stats
