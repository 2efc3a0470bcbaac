"""Streams and stream groups of panoramasdk._core on real H.264 made by ffmpeg, and the test pattern.

RTSP cameras are covered against a real server in test_rtsp.py; here a camera only appears where
nothing listens (connection errors, stop() while connecting).
"""
from __future__ import annotations

import gc
import socket
import subprocess
import time

import make_media
import numpy as np
import pytest
from panoramasdk._native import core
from panoramasdk.errors import InvalidArgumentError, PanoramaError


def make_stream(uri: str, **options) -> core.Stream:
    opts = core.StreamOptions()
    opts.uri = str(uri)
    for name, value in options.items():
        setattr(opts, name, value)
    return core.Stream(opts)


def iter_sets(group: core.StreamGroup, timeout_s: float = 10.0):
    """Each frame set as it comes, until the group ends; fails on a timeout."""
    while True:
        frame_set = group.next_set(timeout_s)
        assert frame_set != [], "next_set timed out"
        if frame_set is None:
            return
        yield frame_set


def read_all(group: core.StreamGroup, timeout_s: float = 10.0) -> list[list]:
    return list(iter_sets(group, timeout_s))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Short clips by container, and two lengths for the groups."""
    d = tmp_path_factory.mktemp("clips")
    return {
        "mkv": make_media.encode_test_clip(d / "pattern.mkv", frames=30),
        "h264": make_media.encode_test_clip(d / "pattern.h264", frames=30),
        "short": make_media.encode_test_clip(d / "short.mp4", frames=12, width=160, height=120),
    }


def test_redact_uri():
    assert core.redact_uri("rtsp://user:pass@10.0.0.9:554/live?x=1") == "rtsp://10.0.0.9:554/live?x=1"
    assert core.redact_uri("rtsp://10.0.0.9/live") == "rtsp://10.0.0.9/live"
    assert core.redact_uri("/clips/a.mp4") == "/clips/a.mp4"


@pytest.mark.parametrize("container", ["mp4", "mkv", "h264"])
def test_file_delivers_every_frame_in_order(container, h264_mp4, clips):
    path = h264_mp4 if container == "mp4" else clips[container]
    expected = make_media.count_frames(path)
    stream = make_stream(path)
    assert not stream.is_live
    assert stream.display_uri == str(path)
    group = core.StreamGroup([stream], True)
    group.start()
    frames = [s[0] for s in read_all(group)]
    assert [f.sequence for f in frames] == list(range(expected))
    a = frames[0].array()
    assert a.shape == (240, 320, 3) and a.dtype == np.uint8 and a.flags.c_contiguous and a.flags.writeable
    assert not np.array_equal(frames[0].array(), frames[1].array()), "the pattern moves between frames"
    stats = stream.stats()
    assert stats["state"] == "ended", stats
    assert stats["frames_decoded"] == stats["frames_delivered"] == expected
    assert stats["frames_dropped"] == 0 and stats["decode_errors"] == 0
    assert stats["nominal_fps"] == pytest.approx(25)
    assert (stats["width"], stats["height"]) == (320, 240)
    assert stats["decoder"] == "libavcodec"  # decode_device "cpu", the default
    assert frames[-1].capture_time_us >= frames[0].capture_time_us > 1_600_000_000 * 10**6


def test_h265_file_decodes_when_ffmpeg_has_hevc(tmp_path):
    path = tmp_path / "pattern-hevc.mkv"
    made = subprocess.run(
        [make_media.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "10", "-c:v", "libx265", "-x265-params", "log-level=error",
         "-pix_fmt", "yuv420p", str(path)],
        capture_output=True, text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"this ffmpeg cannot encode H.265 (libx265): {made.stderr.strip()[-200:]}")
    group = core.StreamGroup([make_stream(path)], True)
    group.start()
    frames = [s[0] for s in read_all(group)]
    assert [f.sequence for f in frames] == list(range(10))
    assert frames[0].array().shape == (120, 160, 3)


def test_file_uri_works_like_a_path(h264_mp4):
    group = core.StreamGroup([make_stream(h264_mp4.as_uri())], True)
    group.start()
    assert len(read_all(group)) == 50


def test_frames_are_zero_copy_and_outlive_the_stream(h264_mp4):
    stream = make_stream(h264_mp4, queue_size=2)
    group = core.StreamGroup([stream], True)
    group.start()
    frame = group.next_set(5)[0]
    a, b = frame.array(), frame.array()
    assert np.shares_memory(a, b), "two views of one frame share its pixels"
    a[0, 0] = (1, 2, 3)
    assert tuple(b[0, 0]) == (1, 2, 3)
    kept = a.copy()
    del frame, b
    gc.collect()
    # The rest of the clip goes through the frame pool; the array still owns its frame's buffer.
    rest = read_all(group)
    assert len(rest) == 49
    del rest
    group.stop()
    del group, stream
    gc.collect()
    np.testing.assert_array_equal(a, kept)


def test_ordered_file_waits_for_a_slow_consumer(h264_mp4):
    stream = make_stream(h264_mp4, queue_size=3)
    group = core.StreamGroup([stream], True)
    group.start()
    assert group.next_set(5)[0].sequence == 0
    time.sleep(0.3)
    stats = stream.stats()
    # One taken, three queued, at most one decoded and waiting for room: nothing is dropped.
    assert stats["frames_decoded"] <= 1 + 3 + 1, stats
    assert stats["frames_dropped"] == 0
    assert len(read_all(group)) == 49


def test_realtime_file_is_paced_at_its_frame_rate(h264_mp4):
    stream = make_stream(h264_mp4, realtime=True)  # 50 frames at 25 fps: 2 s
    assert stream.is_live
    group = core.StreamGroup([stream], False)
    group.start()
    times, seqs = [], []
    for frame_set in iter_sets(group, timeout_s=5):
        times.append(time.monotonic())
        seqs.append(frame_set[0].sequence)
    span = times[-1] - times[0]
    assert 1.6 < span < 3.0, f"{len(seqs)} frames took {span:.2f} s; expected about 2 s"
    assert seqs[-1] == 49 and seqs == sorted(seqs)
    stats = stream.stats()
    assert stats["state"] == "ended"
    assert stats["fps"] == 0 or stats["fps"] == pytest.approx(25, rel=0.3)


def test_live_stream_keeps_the_newest_frame_and_counts_drops():
    stream = make_stream("testsrc://?size=64x48&rate=100&frames=60")
    group = core.StreamGroup([stream], False)
    group.start()
    seqs = []
    for frame_set in iter_sets(group, timeout_s=5):
        seqs.append(frame_set[0].sequence)
        time.sleep(0.05)  # a consumer at 20 fps behind a 100 fps source
    stats = stream.stats()
    assert seqs == sorted(set(seqs)), "never an older or repeated frame"
    assert seqs[-1] == 59, "the newest frame is delivered at the end"
    assert stats["frames_dropped"] >= 30, stats
    assert stats["frames_delivered"] == len(seqs)
    assert stats["frames_delivered"] + stats["frames_dropped"] == stats["frames_decoded"] == 60


def test_ordered_group_with_files_of_different_lengths(h264_mp4, clips):
    long_s, short_s = make_stream(h264_mp4), make_stream(clips["short"])
    group = core.StreamGroup([long_s, short_s], True)
    group.start()
    sets = read_all(group)
    assert len(sets) == 50
    for i, (a, b) in enumerate(sets):
        assert a.sequence == i
        if i < 12:
            assert b is not None and b.sequence == i and (b.width, b.height) == (160, 120)
        else:
            assert b is None, f"set {i}: the short clip has ended"
    assert group.next_set(0.1) is None


def test_live_group_runs_each_stream_at_its_own_rate():
    fast = make_stream("testsrc://fast?size=64x48&rate=40")
    slow = make_stream("testsrc://slow?size=64x48&rate=4")
    assert fast.display_uri != slow.display_uri
    group = core.StreamGroup([fast, slow], False)
    group.start()
    assert group.wait_first(3) == [True, True]
    got = [0, 0]
    t0 = time.monotonic()
    while time.monotonic() - t0 < 1.0:
        frame_set = group.next_set(1.0)
        assert frame_set, "a live group returns whenever any stream has a new frame"
        assert any(f is not None for f in frame_set)
        for i, f in enumerate(frame_set):
            got[i] += f is not None
    group.stop()
    assert 25 <= got[0] <= 45, got
    assert 2 <= got[1] <= 7, got
    assert fast.stats()["state"] == slow.stats()["state"] == "stopped"


def test_next_set_times_out_with_an_empty_list():
    group = core.StreamGroup([make_stream("testsrc://?size=32x32&rate=0.5")], False)
    group.start()
    assert group.next_set(2)[0] is not None  # the first frame comes at once
    t0 = time.monotonic()
    assert group.next_set(0.3) == []
    assert 0.25 < time.monotonic() - t0 < 1.0
    group.stop()


def test_missing_file_ends_the_stream_with_not_found(tmp_path):
    missing = tmp_path / "no-such-clip.mp4"
    stream = make_stream(missing)
    group = core.StreamGroup([stream], True)
    group.start()
    assert group.next_set(5) is None
    stats = stream.stats()
    assert stats["state"] == "error"
    assert stats["last_error_code"] == "not_found"
    assert str(missing) in stats["last_error"]
    assert stats["reconnects"] == 0, "a file that is not there is not retried"


def test_file_without_video_is_a_clear_error(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n" * 100)
    stream = make_stream(text)
    stream.start()
    assert stream.wait_for_state(["error", "ended"], 5) == "error"
    stats = stream.stats()
    assert str(text) in stats["last_error"] and stats["last_error_code"] in ("decode", "unsupported"), stats


def test_unreachable_camera_reports_a_connection_error_quickly():
    uri = f"rtsp://admin:s3cret-Pw@127.0.0.1:{closed_port()}/cam"
    stream = make_stream(uri, open_timeout_s=2.0, reconnect=False)
    assert stream.display_uri == uri.replace("admin:s3cret-Pw@", "")
    assert "s3cret" not in repr(stream)
    t0 = time.monotonic()
    stream.start()
    assert stream.wait_for_state(["error"], 3.0) == "error"
    assert time.monotonic() - t0 < 2.0
    stats = stream.stats()
    assert stats["last_error_code"] == "connection", stats
    assert stream.display_uri in stats["last_error"] and "s3cret" not in stats["last_error"]


def test_stop_is_prompt_while_connecting_and_during_backoff():
    # A server that accepts the connection but never answers: the stream sits in "connecting".
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        port = server.getsockname()[1]
        stream = make_stream(f"rtsp://127.0.0.1:{port}/cam", open_timeout_s=30.0)
        stream.start()
        time.sleep(0.3)
        assert stream.stats()["state"] == "connecting"
        t0 = time.monotonic()
        stream.stop()
        assert time.monotonic() - t0 < 1.0
        assert stream.stats()["state"] == "stopped"
        stream.stop()  # idempotent

    stream = make_stream(f"rtsp://127.0.0.1:{closed_port()}/cam", reconnect_initial_s=30, reconnect_max_s=30)
    stream.start()
    assert stream.wait_for_state(["reconnecting"], 3.0) == "reconnecting"
    t0 = time.monotonic()
    stream.stop()
    assert time.monotonic() - t0 < 1.0
    with pytest.raises(PanoramaError):
        stream.start()


def test_stop_is_prompt_while_the_consumer_is_away(h264_mp4):
    stream = make_stream(h264_mp4, queue_size=2)
    stream.start()
    time.sleep(0.3)  # the decoder thread now waits for room in the queue
    t0 = time.monotonic()
    stream.stop()
    assert time.monotonic() - t0 < 1.0


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("transport", "http", "'tcp' or 'udp'"),
        ("open_timeout_s", -1.0, "open_timeout_s"),
        ("stall_timeout_s", 0.0, "stall_timeout_s"),
        ("reconnect_initial_s", -0.5, "reconnect_initial_s"),
        ("queue_size", 0, "queue_size"),
        ("decoder_threads", -1, "decoder_threads"),
        ("decode_device", "gpu", "'decode_device' is 'gpu'; expected 'cpu', 'cuda' or 'auto'"),
        ("uri", "", "'uri'"),
        ("uri", "http://cam/x", "rtsp://"),
        ("uri", "testsrc://?size=big", "size"),
    ],
)
def test_bad_options_raise_value_error_naming_the_option(option, value, expected):
    opts = core.StreamOptions()
    opts.uri = "rtsp://127.0.0.1/cam"
    setattr(opts, option, value)
    with pytest.raises(ValueError, match=expected) as info:
        core.Stream(opts)
    assert isinstance(info.value, InvalidArgumentError)


def test_stream_options_defaults():
    o = core.StreamOptions()
    assert (o.uri, o.username, o.password, o.transport) == ("", "", "", "tcp")
    assert (o.open_timeout_s, o.stall_timeout_s, o.reconnect) == (10.0, 5.0, True)
    assert (o.reconnect_initial_s, o.reconnect_max_s, o.realtime) == (0.5, 10.0, False)
    assert (o.decoder_threads, o.queue_size, o.decode_device) == (0, 8, "cpu")
    o.password = "hunter2"
    assert "hunter2" not in repr(o)


def test_wait_for_state_rejects_unknown_names():
    stream = make_stream("testsrc://?size=32x32&rate=5")
    with pytest.raises(ValueError, match="streaming"):
        stream.wait_for_state(["runing"], 0.1)
    assert stream.wait_for_state(["idle"], 0.1) == "idle"
