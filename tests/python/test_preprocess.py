"""panoramasdk.preprocess against a plain numpy float64 reference written here (resize as weight
matrices, BT.601 by the textbook formula), against the guide's own cv2 + numpy preprocessing, and on a
frame decoded from the real pedestrian clip (BGR through OpenCV, I420/NV12 straight from FFmpeg).

Tolerances: float32 results within 1e-5 absolute (plus 1e-6 relative, for un-normalised outputs in
0..255 whose float32 spacing alone is 1.5e-5); float16 results equal numpy's astype(float16) of our
float32 result exactly, and the float64 reference's astype(float16) within 1 ulp (or 1e-5 near 0).
"""
from __future__ import annotations

import math
import subprocess
from fractions import Fraction

import cv2
import numpy as np
import panoramasdk
import pytest
from panoramasdk.errors import InvalidArgumentError
from panoramasdk.preprocess import PreprocessSpec, Transform, preprocess, preprocess_transform

GUIDE = {"size": (512, 512), "channel_order": "bgr", "mean": (0.485, 0.456, 0.406), "std": (0.229, 0.224, 0.225)}


# --- the reference --------------------------------------------------------------------------------

def linear_weights(src: int, dst: int) -> np.ndarray:
    """cv2.INTER_LINEAR along one axis as a (dst, src) matrix."""
    w = np.zeros((dst, src))
    for i in range(dst):
        fx = (i + 0.5) * src / dst - 0.5
        sx = math.floor(fx)
        f = fx - sx
        if sx < 0:
            sx, f = 0, 0.0
        if sx >= src - 1:
            sx, f = src - 1, 0.0
        w[i, sx] += 1 - f
        w[i, min(sx + 1, src - 1)] += f
    return w


def area_weights(src: int, dst: int) -> np.ndarray:
    """Box average of the covered source interval when shrinking; cv2's INTER_AREA rule when growing."""
    w = np.zeros((dst, src))
    s = src / dst
    for i in range(dst):
        if src >= dst:
            lo, hi = i * s, (i + 1) * s
            for j in range(int(math.floor(lo)), min(src, int(math.ceil(hi)))):
                w[i, j] = (min(hi, j + 1) - max(lo, j)) / s
        else:
            sx = math.floor(i * s)
            f = (i + 1) - (sx + 1) / s
            f = 0.0 if f <= 0 else f - math.floor(f)
            if sx >= src - 1:
                sx, f = src - 1, 0.0
            w[i, sx] += 1 - f
            w[i, min(sx + 1, src - 1)] += f
    return w


def yuv_to_bgr(y, u, v, full_range):
    """BT.601 YCbCr -> BGR, float64, clamped to 0..255 (Kr = 0.299, Kb = 0.114)."""
    y, u, v = (np.asarray(a, np.float64) for a in (y, u, v))
    if full_range:
        yy, cb, cr = y, u - 128, v - 128
    else:
        yy, cb, cr = (y - 16) * 255 / 219, (u - 128) * 255 / 224, (v - 128) * 255 / 224
    r = yy + 1.402 * cr
    g = yy - (0.114 * 1.772 / 0.587) * cb - (0.299 * 1.402 / 0.587) * cr
    b = yy + 1.772 * cb
    return np.clip(np.stack([b, g, r], axis=-1), 0, 255)


def reference(src_bgr_or_rgb: np.ndarray, spec: PreprocessSpec, source_is_rgb: bool = False) -> np.ndarray:
    """The spec applied to an H x W x 3 float image, in float64."""
    h, w = src_bgr_or_rgb.shape[:2]
    ow, oh = spec.size
    if spec.letterbox:
        if ow * h <= oh * w:
            cw, ch = ow, math.floor(Fraction(h * ow, w) + Fraction(1, 2))
        else:
            cw, ch = math.floor(Fraction(w * oh, h) + Fraction(1, 2)), oh
        cw, ch = max(1, min(ow, cw)), max(1, min(oh, ch))
        px, py = (ow - cw) // 2, (oh - ch) // 2
    else:
        cw, ch, px, py = ow, oh, 0, 0
    weights = area_weights if spec.resize == "area" else linear_weights
    rows = np.tensordot(weights(h, ch), src_bgr_or_rgb.astype(np.float64), axes=(1, 0))  # (ch, w, 3)
    resized = np.tensordot(weights(w, cw), rows, axes=(1, 1)).transpose(1, 0, 2)  # (ch, cw, 3)
    canvas = np.full((oh, ow, 3), spec.pad_value, np.float64)
    canvas[py:py + ch, px:px + cw] = resized
    if source_is_rgb != (spec.channel_order == "rgb"):
        canvas = canvas[:, :, ::-1]
    out = (canvas * spec.scale - np.array(spec.mean)) / np.array(spec.std)
    return (out.transpose(2, 0, 1) if spec.layout == "nchw" else out)[None]


def assert_float32_close(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)


# --- inputs ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def decoded(sample_clip):
    """Frame 40 of the pedestrian clip: BGR from OpenCV, and the decoder's own I420 from FFmpeg."""
    cap = cv2.VideoCapture(str(sample_clip))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 40)
    ok, bgr = cap.read()
    cap.release()
    assert ok, f"OpenCV could not decode {sample_clip}"
    h, w = bgr.shape[:2]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(sample_clip), "-vf", r"select=eq(n\,40)",
                          "-frames:v", "1", "-pix_fmt", "yuv420p", "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    assert len(raw) == w * h * 3 // 2
    return bgr, np.frombuffer(raw, np.uint8).reshape(h * 3 // 2, w)


def i420_planes(i420: np.ndarray):
    h = i420.shape[0] // 3 * 2
    w = i420.shape[1]
    flat = i420.reshape(-1)
    q = (h // 2) * (w // 2)
    return (i420[:h], flat[h * w:h * w + q].reshape(h // 2, w // 2), flat[h * w + q:].reshape(h // 2, w // 2))


def yuv_reference_image(i420: np.ndarray, full_range: bool) -> np.ndarray:
    y, u, v = i420_planes(i420)
    up = lambda c: np.repeat(np.repeat(c, 2, axis=0), 2, axis=1)  # noqa: E731 - nearest chroma
    return yuv_to_bgr(y, up(u), up(v), full_range)


# --- resize, layout, channel order, letterbox -----------------------------------------------------

@pytest.mark.parametrize("resize", ["bilinear", "area"])
@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
@pytest.mark.parametrize("size,letterbox", [((512, 512), False), ((300, 169), False), ((333, 211), True),
                                            ((97, 300), True), ((1000, 700), False), ((1001, 1200), True)])
def test_bgr_matches_reference(decoded, resize, layout, size, letterbox):
    bgr, _ = decoded
    spec = PreprocessSpec(size=size, resize=resize, layout=layout, letterbox=letterbox, pad_value=114,
                          mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
    assert_float32_close(preprocess(bgr, spec), reference(bgr, spec))


@pytest.mark.parametrize("channel_order", ["rgb", "bgr"])
def test_rgb_source_and_strided_views(decoded, channel_order):
    bgr, _ = decoded
    rgb_view = bgr[::-1, 10:700, ::-1]  # flipped rows, cropped columns, channels reversed: a strided view
    spec = PreprocessSpec(size=(224, 160), channel_order=channel_order, scale=1.0, mean=(10, 20, 30), std=(2, 3, 4))
    got = preprocess(rgb_view, spec, format="rgb")
    assert_float32_close(got, reference(rgb_view, spec, source_is_rgb=True))


@pytest.mark.parametrize("full_range", [False, True])
@pytest.mark.parametrize("resize", ["bilinear", "area"])
def test_i420_and_nv12_from_the_decoder(decoded, full_range, resize):
    _, i420 = decoded
    spec = PreprocessSpec(size=(320, 256), resize=resize, letterbox=True, layout="nhwc")
    want = reference(yuv_reference_image(i420, full_range), spec)
    assert_float32_close(preprocess(i420, spec, format="i420", full_range=full_range), want)
    assert_float32_close(preprocess(i420_planes(i420), spec, format="i420", full_range=full_range), want)
    y, u, v = i420_planes(i420)
    uv = np.stack([u, v], axis=-1)
    nv12 = np.concatenate([y, uv.reshape(y.shape[0] // 2, -1)])
    assert_float32_close(preprocess(nv12, spec, format="nv12", full_range=full_range), want)
    assert_float32_close(preprocess((y, uv), spec, format="nv12", full_range=full_range), want)


def test_decoder_yuv_agrees_with_opencv_bgr(decoded):
    """The same decoded frame, as I420 through our BT.601 limited-range conversion and as OpenCV's BGR
    (which FFmpeg converted with interpolated chroma and rounding): close, not equal."""
    bgr, i420 = decoded
    spec = PreprocessSpec(size=(384, 288), scale=1.0)
    diff = np.abs(preprocess(i420, spec, format="i420") - preprocess(bgr, spec))
    assert diff.mean() < 2.0, diff.mean()


def test_letterbox_transform_maps_back_to_the_source(decoded):
    bgr, _ = decoded  # 768 x 576 into 512 x 512: content 512 x 384 at y = 64
    spec = PreprocessSpec(size=(512, 512), letterbox=True, pad_value=0, scale=1.0)
    t = preprocess_transform(768, 576, spec)
    assert isinstance(t, Transform)
    assert (t.scale_x, t.scale_y, t.pad_x, t.pad_y) == pytest.approx((512 / 768, 384 / 576, 0.0, 64.0), rel=1e-7)
    assert t.to_source(0, 64) == pytest.approx((0.0, 0.0))
    assert t.to_source_box(256, 64, 512, 448) == pytest.approx((384.0, 0.0, 768.0, 576.0))
    out = preprocess(bgr, spec)
    assert np.all(out[0, :, :64] == 0) and np.all(out[0, :, 448:] == 0)
    assert out[0, :, 64:448].mean() > 20
    stretch = preprocess_transform(768, 576, PreprocessSpec(size=(512, 512)))
    assert (stretch.pad_x, stretch.pad_y) == (0.0, 0.0)
    assert stretch.to_source(512, 512) == pytest.approx((768.0, 576.0))


# --- float16 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
def test_float16_rounds_like_numpy(decoded, layout):
    bgr, _ = decoded
    spec = PreprocessSpec(size=(200, 150), layout=layout, letterbox=True, pad_value=7,
                          mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
    half = preprocess(bgr, spec, dtype="float16")
    assert half.dtype == np.float16
    np.testing.assert_array_equal(half, preprocess(bgr, spec).astype(np.float16))  # exact
    want = reference(bgr, spec).astype(np.float16)
    # Within 1 ulp, or within float32's own tolerance near 0, where subtracting the mean leaves float32
    # an absolute error (a few 1e-7) larger than a half's spacing there.
    err = np.abs(half.astype(np.float64) - want.astype(np.float64))
    allowed = np.maximum(np.spacing(np.abs(want)).astype(np.float64), 1e-5)
    assert np.all(err <= allowed)
    assert np.mean(err == 0) > 0.95


# --- the guide's own preprocessing ------------------------------------------------------------------

def guide_preprocess(img: np.ndarray) -> np.ndarray:
    """examples/people_counter/app.py's preprocess, verbatim in effect: cv2.resize then numpy."""
    resized = cv2.resize(img, (512, 512))
    mean = [0.485, 0.456, 0.406]
    std = [0.229, 0.224, 0.225]
    img = resized.astype(np.float32) / 255.0
    return np.asarray([[(img[:, :, c] - mean[c]) / std[c] for c in range(3)]])


def test_guide_preprocessing_within_one_uint8_step(decoded):
    """cv2 rounds the resized pixels to uint8 (and uses 11-bit fixed-point weights); we keep floats. So
    the difference is at most about one uint8 step after normalisation: 1 / 255 / 0.224 = 0.0175."""
    bgr, _ = decoded
    ours = preprocess(bgr, PreprocessSpec(**GUIDE))
    theirs = guide_preprocess(bgr)
    assert ours.shape == theirs.shape == (1, 3, 512, 512)
    diff = np.abs(ours - theirs)
    assert diff.max() <= 1.0 / 255 / 0.224 + 1e-6
    assert diff.mean() < 0.005


def test_area_matches_cv2_inter_area_within_one_uint8_step(decoded):
    bgr, _ = decoded
    spec = PreprocessSpec(size=(300, 200), resize="area", channel_order="bgr", scale=1.0, layout="nhwc")
    diff = np.abs(preprocess(bgr, spec)[0] - cv2.resize(bgr, (300, 200), interpolation=cv2.INTER_AREA))
    assert diff.max() <= 1.0


# --- the API around it -----------------------------------------------------------------------------

def test_out_media_fields_and_threads(decoded):
    bgr, _ = decoded
    spec = PreprocessSpec(**GUIDE)
    out = np.empty(spec.output_shape(1), np.float32)
    got = preprocess(bgr, spec, out=out, threads=1)
    assert got is out
    np.testing.assert_array_equal(preprocess(bgr, spec, threads=3), out)
    np.testing.assert_array_equal(preprocess(bgr, **GUIDE), out)
    np.testing.assert_array_equal(preprocess(bgr, spec, layout="nhwc")[0], out[0].transpose(1, 2, 0))
    frame = panoramasdk.media(panoramasdk._native.core.Frame.from_array(bgr), "test://frame")
    np.testing.assert_array_equal(preprocess(frame, spec), out)
    assert panoramasdk.preprocess is preprocess and panoramasdk.PreprocessSpec is PreprocessSpec


def test_spec_round_trips_through_its_json_form():
    spec = PreprocessSpec(size=(416, 320), resize="area", letterbox=True, pad_value=114, channel_order="bgr",
                          scale=1.0, mean=[1, 2, 3], std=(4, 5, 6), layout="nhwc", dtype="float16")
    d = spec.to_dict()
    assert d["size"] == [416, 320] and d["mean"] == [1.0, 2.0, 3.0]
    assert PreprocessSpec.from_dict(d, where="model.json") == spec
    assert spec.output_shape(4) == (4, 320, 416, 3)
    assert PreprocessSpec(size=(416, 320)).output_shape() == (1, 3, 320, 416)
    assert PreprocessSpec.from_dict({"size": [8, 8]}) == PreprocessSpec(size=(8, 8))


@pytest.mark.parametrize("fields,message", [
    ({"size": [0, 10]}, "size must be (width, height)"),
    ({"size": [10]}, "size must be"),
    ({}, "size must be given"),
    ({"size": [8, 8], "resize": "cubic"}, "resize must be 'bilinear' or 'area'; got 'cubic'"),
    ({"size": [8, 8], "std": [1, 0, 1]}, "std[1] must be a finite non-zero number"),
    ({"size": [8, 8], "mean": [0, 0]}, "mean must be 3 numbers"),
    ({"size": [8, 8], "layout": "chw"}, "layout must be 'nchw' or 'nhwc'"),
    ({"size": [8, 8], "dtype": "int8"}, "dtype must be 'float32' or 'float16'; got 'int8'"),
    ({"size": [8, 8], "channel_order": "rbg"}, "channel_order must be"),
    ({"size": [8, 8], "scale": "x"}, "scale must be a number"),
    ({"size": [8, 8], "letterbox": "yes"}, "letterbox must be true or false"),
    ({"size": [8, 8], "colour": "rgb"}, "unknown field 'colour'"),
])
def test_bad_specs_name_the_field(fields, message):
    with pytest.raises(InvalidArgumentError) as err:
        PreprocessSpec.from_dict(fields, where="models/people-ssd/model.json")
    assert str(err.value).startswith("models/people-ssd/model.json: ")
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_bad_inputs_say_what_was_expected(decoded):
    bgr, i420 = decoded
    spec = PreprocessSpec(size=(64, 64))
    cases = [
        (lambda: preprocess(bgr[:, :, :2], spec), "expected an (height, width, 3) uint8 array"),
        (lambda: preprocess(bgr.astype(np.float32), spec), "expected dtype uint8, got float32"),
        (lambda: preprocess(bgr, spec, format="yuyv"), "format must be 'bgr' or 'rgb' or 'nv12' or 'i420'"),
        (lambda: preprocess(i420[:-1], spec, format="i420"), "expected a (height * 3 / 2, width) uint8 array"),
        (lambda: preprocess((i420[:575], i420[:10]), spec, format="nv12"), "got 768x575"),
        (lambda: preprocess(i420[:, :-1], spec, format="nv12"), "even, non-zero width and height"),
        (lambda: preprocess(i420[:10], spec, format="nv12"), "expected a (height * 3 / 2, width) uint8 array"),
        (lambda: preprocess(i420_planes(i420)[:2], spec, format="i420"), "expected 3 planes, got 2"),
        (lambda: preprocess((i420[:576], i420[:10]), spec, format="nv12"), "image[1] (UV): expected shape (288, 768)"),
        (lambda: preprocess(bgr, spec, out=np.empty((1, 3, 64, 64), np.float16)), "out: expected shape (1, 3, 64, 64)"),
        (lambda: preprocess(bgr, spec, out=np.empty((1, 64, 64, 3), np.float32)), "out: expected shape"),
        (lambda: preprocess(bgr, spec, out=np.empty((1, 3, 64, 128), np.float32)[..., ::2]), "C-contiguous"),
        (lambda: preprocess(bgr, spec, threads=-1), "threads must be 0 (default) or a positive integer"),
        (lambda: preprocess(bgr, size=(64,)), "size must be (width, height)"),
        (lambda: preprocess(bgr[:0], spec), "non-empty"),
    ]
    for call, message in cases:
        with pytest.raises(InvalidArgumentError) as err:
            call()
        assert message in str(err.value)
