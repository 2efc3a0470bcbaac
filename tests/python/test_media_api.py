"""media and port as SDK_API.md decides them, on real frames from the core."""
import numpy as np
import pytest
from panoramasdk import media, port
from panoramasdk._native import core


@pytest.fixture
def frame():
    return core.Frame.from_array(np.arange(48 * 64 * 3, dtype=np.uint8).reshape(48, 64, 3))


def test_image_is_the_same_writable_bgr_array(frame):
    m = media(frame, "rtsp://10.0.0.9/live")
    a = m.image
    assert a is m.image
    assert a.shape == (48, 64, 3) and a.dtype == np.uint8 and a.flags.c_contiguous and a.flags.writeable
    a[0, 0] = (1, 2, 3)
    assert tuple(frame.array()[0, 0]) == (1, 2, 3)  # no copy: the frame's own buffer


def test_image_outlives_media_and_frame_references(frame):
    image = media(frame, "x").image
    del frame
    assert image.sum() > 0  # the array keeps the pooled buffer alive


def test_time_stamp_and_uri(frame):
    m = media(frame, "rtsp://10.0.0.9/live")
    seconds, micros = m.time_stamp
    assert isinstance(seconds, int) and isinstance(micros, int) and 0 <= micros < 1_000_000
    assert m.stream_uri == "rtsp://10.0.0.9/live"
    assert hash(m.stream_uri) == hash("rtsp://10.0.0.9/live")
    assert bool(m) is True


def test_add_rect_clamps_swaps_and_accepts_numpy_and_tuples(frame):
    m = media(frame, "x")
    m.add_rect(np.float32(0.1), np.float64(0.2), np.int64(1), 0.4)
    m.add_rect(0.9, 0.8, 0.1, 0.2)  # reversed edges
    m.add_rect(-0.5, 0.5, 1.5, 2.0)  # out of range
    m.add_rect((0.1, 0.1, 0.2, 0.2))  # one 4-tuple
    m.add_rect(np.clip(np.array([0.3])[0] / np.float64(2), 0, 1), 0, 0.5, 0.5)
    rects, labels = m._take_overlays()
    assert rects[0] == pytest.approx((0.1, 0.2, 1.0, 0.4))
    assert rects[1] == pytest.approx((0.1, 0.2, 0.9, 0.8))
    assert rects[2] == pytest.approx((0.0, 0.5, 1.0, 1.0))
    assert rects[3] == pytest.approx((0.1, 0.1, 0.2, 0.2))
    assert rects[4][0] == pytest.approx(0.15)
    assert m._take_overlays() == ([], [])  # drawn once, then cleared


def test_add_label_multiline_and_bad_values(frame):
    m = media(frame, "x")
    m.add_label("People detected: 3\nsecond line", 0.02, 0.9)
    m.add_label(str(np.float32(0.75)), np.float32(1.2), -1)
    _, labels = m._take_overlays()
    assert labels[0] == ("People detected: 3\nsecond line", 0.02, pytest.approx(0.9))
    assert labels[1][1:] == (1.0, 0.0)
    with pytest.raises(ValueError, match="add_label x: expected a number"):
        m.add_label("t", "left", 0.1)
    with pytest.raises(ValueError, match="add_rect: expected 4 numbers"):
        m.add_rect(0.1, 0.2)


def test_port_is_a_list_with_index_assignment(frame):
    a, b = media(frame, "a"), media(frame, "b")
    p = port([a, b], "video_out")
    assert isinstance(p, list) and len(p) == 2 and p[1] is b
    p[0] = b
    assert [m.stream_uri for m in p] == ["b", "b"]


def test_help_lists_the_sdk_classes():
    import pydoc

    import panoramasdk

    text = pydoc.render_doc(panoramasdk, renderer=pydoc.plaintext)
    for name in ("base", "batch", "batch_set", "input_array", "media", "model", "output_array", "port"):
        assert name in panoramasdk.__all__ and getattr(panoramasdk, name).__doc__, name
        assert f"class {name}" in text
