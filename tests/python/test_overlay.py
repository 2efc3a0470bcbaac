"""The overlay compositor (_core.Compositor) on numpy arrays, and the default font lookup."""
from __future__ import annotations

import numpy as np
import pytest
from panoramasdk._native import core
from panoramasdk.errors import NotFoundError
from panoramasdk.output import fonts

GREEN = (0, 255, 0)  # BGR


@pytest.fixture(scope="module")
def comp() -> core.Compositor:
    return core.Compositor(fonts.default_font_path())


def test_rect_changes_exactly_its_border(comp):
    img = np.full((120, 200, 3), 40, np.uint8)
    comp.draw(img, [(0.1, 0.25, 0.6, 0.75)], [])
    x0, y0, x1, y1 = core.Compositor.rect_box(0.1, 0.25, 0.6, 0.75, 200, 120)
    assert (x0, y0, x1, y1) == (20, 30, 120, 90)
    t = core.Compositor.rect_thickness(200, 120)
    expected = np.zeros((120, 200), bool)
    expected[y0:y1, x0:x1] = True
    expected[y0 + t:y1 - t, x0 + t:x1 - t] = False
    changed = (img != 40).any(axis=2)
    np.testing.assert_array_equal(changed, expected)
    assert (img[expected] == GREEN).all()


def test_accepts_numpy_scalars_and_lists(comp):
    img = np.zeros((48, 64, 3), np.uint8)
    comp.draw(img, [[np.float32(0.0), np.float64(0.0), 1, np.int64(1)]], [["hi", np.float32(0.5), 0.5]])
    assert (img[0, 10] == GREEN).all()
    assert img.max() == 255


def test_label_text_is_bright_on_dark_backing(comp):
    img = np.full((240, 320, 3), 128, np.uint8)
    comp.draw(img, [], [("People detected: 4", 0.02, 0.9)])
    x0, y0, x1, y1 = comp.label_box("People detected: 4", 0.02, 0.9, 320, 240)
    assert 0 <= x0 < x1 <= 320 and 0 <= y0 < y1 <= 240
    region = img[y0:y1, x0:x1].astype(int)
    assert (region.min(axis=2) >= 240).sum() > 30  # white glyph strokes
    assert np.median(region) < 70  # the backing is dark
    outside = np.ones((240, 320), bool)
    outside[y0:y1, x0:x1] = False
    assert (img[outside] == 128).all()


def test_multiline_label_is_about_twice_as_tall(comp):
    _, a0, _, a1 = comp.label_box("one line", 0.1, 0.1, 640, 480)
    _, b0, _, b1 = comp.label_box("one line\nand two", 0.1, 0.1, 640, 480)
    assert 1.6 < (b1 - b0) / (a1 - a0) < 2.05


def test_label_at_the_corner_stays_inside_and_readable(comp):
    img = np.full((240, 320, 3), 100, np.uint8)
    comp.draw(img, [(0.9, 0.9, 1.2, 1.3)], [("Person 0.93", 0.98, 0.98), ("x", 5.0, -3.0)])
    x0, y0, x1, y1 = comp.label_box("Person 0.93", 0.98, 0.98, 320, 240)
    free = comp.label_box("Person 0.93", 0.1, 0.1, 320, 240)
    assert (x1, y1) == (320, 240)
    assert (x1 - x0, y1 - y0) == (free[2] - free[0], free[3] - free[1])  # shifted, not cut
    assert (img[y0:y1, x0:x1].min(axis=2) >= 240).sum() > 20


def test_draws_in_place_on_a_row_slice(comp):
    big = np.zeros((100, 80, 3), np.uint8)
    view = big[20:60]  # rows further apart than width * 3: still packed pixels
    comp.draw(view, [(0, 0, 1, 1)], [])
    assert (big[20, 0] == GREEN).all()
    assert (big[19] == 0).all() and (big[60] == 0).all()


def test_draw_overlay_cpu_with_the_fonts_atlas_draws_what_draw_does(comp):
    # The glyph atlas and draw list the GPU drawing (OverlayDrawerCuda) takes give the compositor's pixels.
    rng = np.random.default_rng(11)
    img = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    rects = [(0.1, 0.1, 0.6, 0.7), (-0.2, 0.5, 0.3, 1.4), (0.4, 0.4, 0.4, 0.9)]
    labels = [("People: 3\nPerson 0.93", 0.05, 0.05), ("café €", 0.9, 0.9), ("People: 3", 0.07, 0.06)]
    by_draw, by_list = img.copy(), img.copy()
    comp.draw(by_draw, rects, labels)
    atlas = comp.glyph_atlas(480, [text for text, _, _ in labels])
    assert atlas.pixel_size == core.Compositor.text_pixel_size(480)
    core.draw_overlay_cpu(by_list, rects, labels, atlas)
    assert (by_draw != img).any(axis=2).sum() > 1000
    np.testing.assert_array_equal(by_list, by_draw)


def test_glyph_atlas_add_names_what_is_wrong():
    atlas = core.GlyphAtlas(12, 10, 15)
    atlas.add("a", np.full((3, 2), 255, np.uint8), 0, 3, 4)
    atlas.add(0x20AC, np.full((3, 2), 255, np.uint8), 0, 3, 4)  # an int code point: "€"
    assert len(atlas) == 2
    with pytest.raises(ValueError, match="U\\+0061 is already in the atlas"):
        atlas.add(ord("a"), np.zeros((1, 1), np.uint8), 0, 0, 1)
    with pytest.raises(ValueError, match="one character"):
        atlas.add("ab", np.zeros((1, 1), np.uint8), 0, 0, 1)
    with pytest.raises(ValueError, match="axes"):
        atlas.add("b", np.zeros(3, np.uint8), 0, 0, 1)
    with pytest.raises(ValueError, match="1024 columns"):
        atlas.add("c", np.zeros((1, 2000), np.uint8), 0, 0, 1)
    with pytest.raises(ValueError, match="positive"):
        core.GlyphAtlas(0, 10, 15)


def test_the_gpu_drawer_says_what_is_missing_without_a_gpu():
    if core.cuda_unavailable_reason() == "":
        pytest.skip("a GPU is usable here (tests/python/gpu/test_draw_cuda.py covers it)")
    with pytest.raises(RuntimeError, match="OverlayDrawerCuda"):
        core.OverlayDrawerCuda()


@pytest.mark.parametrize(
    "image, fragment",
    [
        (np.zeros((10, 10, 3), np.float32), "image"),
        (np.zeros((10, 10), np.uint8), "image"),
        (np.zeros((10, 10, 4), np.uint8), "image"),
        (np.zeros((10, 20, 3), np.uint8)[:, ::2], "image"),
    ],
)
def test_bad_images_are_value_errors(comp, image, fragment):
    with pytest.raises(ValueError, match=fragment):
        comp.draw(image, [], [])


def test_read_only_image_is_a_value_error(comp):
    img = np.zeros((10, 10, 3), np.uint8)
    img.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        comp.draw(img, [], [])


@pytest.mark.parametrize(
    "rects, labels, fragment",
    [
        ([(0.1, 0.2, 0.3)], [], r"rects\[0\].*4 numbers"),
        ([(0.1, 0.2, 0.3, "x")], [], r"rects\[0\]"),
        ([(0, 0, 1, 1), 5], [], r"rects\[1\]"),
        (7, [], "rects"),
        ([], [(1, 0.2, 0.3)], r"labels\[0\].*text: str"),
        ([], [("a", 0.2)], r"labels\[0\]"),
        ([], "abc", "labels"),
    ],
)
def test_bad_overlays_are_value_errors(comp, rects, labels, fragment):
    with pytest.raises(ValueError, match=fragment):
        comp.draw(np.zeros((10, 10, 3), np.uint8), rects, labels)


def test_missing_font_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.ttf"):
        core.Compositor(str(tmp_path / "nope.ttf"))
    not_a_font = tmp_path / "text.ttf"
    not_a_font.write_text("hello")
    with pytest.raises(ValueError, match="font"):
        core.Compositor(str(not_a_font))


def test_default_font_path(monkeypatch, tmp_path):
    monkeypatch.delenv("PANORAMA_FONT", raising=False)
    path = fonts.default_font_path()
    assert path.endswith(".ttf")
    assert core.Compositor("").font_path == path  # the C++ side finds the same font
    monkeypatch.setenv("PANORAMA_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(NotFoundError, match="PANORAMA_FONT"):
        fonts.default_font_path()
    monkeypatch.setenv("PANORAMA_FONT", path)
    assert fonts.default_font_path() == path


def test_no_font_anywhere_names_the_package(monkeypatch):
    monkeypatch.delenv("PANORAMA_FONT", raising=False)
    monkeypatch.setattr(fonts, "FONT_CANDIDATES", ("/nonexistent/DejaVuSans.ttf",))
    with pytest.raises(FileNotFoundError, match="fonts-dejavu-core"):
        fonts.default_font_path()
