"""_core.OverlayDrawerCuda on CuPy device frames against _core.draw_overlay_cpu (the oracle) on the same
pixels: equal byte for byte (both use the integer maths of draw_math.hpp). The glyphs are made here,
so no font is needed; with FreeType (media builds) the real font is compared with Compositor.draw."""
from __future__ import annotations

import numpy as np
import pytest
from panoramasdk._native import core

pytestmark = pytest.mark.gpu

WORDS = ["People", "3", "Person 0.93", "café", "5€", "WAVY", "x"]


def _atlas(pixel_size: int, seed: int) -> core.GlyphAtlas:
    """Random glyphs for printable ASCII and U+FFFD: solid, empty and partial coverage, bearings that
    make neighbours overlap, a space without a bitmap."""
    rng = np.random.default_rng(seed)
    ascender = pixel_size * 4 // 5 + 1
    atlas = core.GlyphAtlas(pixel_size, ascender, pixel_size + pixel_size // 4)
    atlas.add(" ", np.zeros((0, 0), np.uint8), 0, 0, pixel_size // 3)
    for cp in [*range(0x21, 0x7F), 0xFFFD]:
        rows, width = int(rng.integers(1, pixel_size + 1)), int(rng.integers(1, pixel_size * 3 // 4 + 1))
        coverage = rng.choice(np.array([0, 255, 90, 200], np.uint8), (rows, width))
        atlas.add(cp, coverage, int(rng.integers(-2, 3)), int(rng.integers(rows // 2, ascender + 1)), width)
    return atlas


def _scene(rng: np.random.Generator, count: int) -> tuple[list, list]:
    """Rectangles across and past the edges (some degenerate) and labels of 1 to 3 lines."""
    rects = [tuple(float(v) for v in rng.uniform(-0.3, 1.3, 4)) for _ in range(count)]
    rects += [(0.5, 0.2, 0.5, 0.6), (0.1, 0.9, 0.7, 0.9)]  # zero width, zero height
    labels = []
    for _ in range(count):
        words = [WORDS[int(i)] for i in rng.integers(0, len(WORDS), int(rng.integers(1, 4)))]
        text = "\n".join(words) if rng.random() < 0.3 else " ".join(words)
        labels.append((text, float(rng.uniform(-0.2, 1.2)), float(rng.uniform(-0.2, 1.2))))
    return rects, labels


def test_1080p_with_50_boxes_and_50_labels_equals_the_cpu(cupy):
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    atlas = _atlas(33, 2)  # the text size at 1080 lines
    rects, labels = _scene(rng, 50)
    cpu = frame.copy()
    core.draw_overlay_cpu(cpu, rects, labels, atlas)
    device = cupy.asarray(frame)
    drawer = core.OverlayDrawerCuda()
    drawer.draw(device, rects, labels, atlas)
    gpu = cupy.asnumpy(device)  # the legacy default stream: ordered after the draw
    assert (cpu != frame).any(axis=2).sum() > 10_000  # it drew
    np.testing.assert_array_equal(gpu, cpu)


def test_a_column_slice_draws_only_inside_it_and_on_a_stream(cupy):
    rng = np.random.default_rng(3)
    big = rng.integers(0, 256, (481, 700, 3), dtype=np.uint8)
    atlas = _atlas(15, 4)
    rects, labels = _scene(rng, 20)
    cpu = big.copy()
    core.draw_overlay_cpu(cpu[:, 30:671], rects, labels, atlas)  # rows 2100 bytes apart, 641 pixels wide
    device = cupy.asarray(big)
    cupy.cuda.Device().synchronize()  # the upload ran on the default stream, which `stream` does not wait for
    stream = cupy.cuda.Stream(non_blocking=True)
    drawer = core.OverlayDrawerCuda()
    drawer.draw(device[:, 30:671], rects, labels, atlas, stream=stream.ptr)
    stream.synchronize()
    gpu = cupy.asnumpy(device)
    np.testing.assert_array_equal(gpu, cpu)
    np.testing.assert_array_equal(gpu[:, :30], big[:, :30])
    np.testing.assert_array_equal(gpu[:, 671:], big[:, 671:])


def test_the_atlas_is_uploaded_once_and_again_when_glyphs_are_added(cupy):
    rng = np.random.default_rng(5)
    atlas = _atlas(20, 6)
    drawer = core.OverlayDrawerCuda()
    frame = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
    for _ in range(3):
        rects, labels = _scene(rng, 10)
        device = cupy.asarray(frame)
        drawer.draw(device, rects, labels, atlas)
        cpu = frame.copy()
        core.draw_overlay_cpu(cpu, rects, labels, atlas)
        np.testing.assert_array_equal(cupy.asnumpy(device), cpu)
    assert drawer.atlas_uploads == 1
    atlas.add("é", np.full((14, 12), 180, np.uint8), 1, 14, 13)
    device = cupy.asarray(frame)
    drawer.draw(device, [], [("café", 0.3, 0.3)], atlas)
    cpu = frame.copy()
    core.draw_overlay_cpu(cpu, [], [("café", 0.3, 0.3)], atlas)
    np.testing.assert_array_equal(cupy.asnumpy(device), cpu)
    assert drawer.atlas_uploads == 2


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda cp: np.zeros((48, 64, 3), np.uint8), "image: expected a CUDA device array"),
        (lambda cp: cp.zeros((48, 64, 4), cp.uint8), "packed pixels"),
        (lambda cp: cp.zeros((48, 64, 3), cp.float32), "uint8"),
        (lambda cp: cp.zeros((48, 64, 3), cp.uint8)[:, ::2], "packed pixels"),
    ],
)
def test_other_arrays_are_value_errors(cupy, make, fragment):
    drawer = core.OverlayDrawerCuda()
    with pytest.raises(ValueError, match=fragment):
        drawer.draw(make(cupy), [(0.1, 0.1, 0.5, 0.5)], [], _atlas(12, 1))


@pytest.mark.skipif(not hasattr(core, "Compositor"), reason="built without FreeType (PANORAMA_WITH_MEDIA=OFF)")
def test_the_real_font_equals_the_compositor(cupy):
    from panoramasdk.errors import NotFoundError

    try:
        comp = core.Compositor()
    except NotFoundError as e:
        pytest.skip(f"no font for the compositor: {e}")
    rng = np.random.default_rng(7)
    frame = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    rects, labels = _scene(rng, 50)
    cpu = frame.copy()
    comp.draw(cpu, rects, labels)
    device = cupy.asarray(frame)
    core.OverlayDrawerCuda().draw(device, rects, labels, comp.glyph_atlas(720, [t for t, _, _ in labels]))
    np.testing.assert_array_equal(cupy.asnumpy(device), cpu)
