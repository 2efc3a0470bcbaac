"""_core.preprocess_cuda and _core.yuv_to_bgr_cuda on CuPy device arrays against the CPU variant
(_core.preprocess_cpu) on the same pixels. Tolerance: float32 within 1e-4 * max(1, |cpu|)."""
from __future__ import annotations

import numpy as np
import pytest
from panoramasdk._native import core

pytestmark = pytest.mark.gpu

H, W = 1080, 1920


def _nv12(seed: int) -> np.ndarray:
    """A (H * 3/2) x W NV12 frame: smooth gradients with noise in luma and chroma."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:H, 0:W]
    luma = (xx * 200 // W + yy * 40 // H + rng.integers(-20, 21, (H, W))).clip(0, 255)
    uv = rng.integers(40, 216, (H // 2, W), dtype=np.int64)
    return np.concatenate([luma, uv]).astype(np.uint8)


def _params(dtype: str = "float32") -> core.PreprocessParams:
    p = core.PreprocessParams()
    p.out_width, p.out_height = 512, 512
    p.mean, p.std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    p.dtype = dtype
    return p


def _cpu(fmt, width, height, planes, params) -> np.ndarray:
    out = np.empty((3, params.out_height, params.out_width), np.float32)
    core.preprocess_cpu(fmt, width, height, planes, params, out, 1)
    return out


def _close(gpu: np.ndarray, cpu: np.ndarray) -> float:
    return float((np.abs(gpu - cpu) / np.maximum(1.0, np.abs(cpu))).max())


def test_batch_of_nv12_and_bgr_matches_cpu_and_copies_nothing_to_host(cupy):
    nv12 = _nv12(1)
    bgr = np.random.default_rng(2).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    d_nv12, d_bgr = cupy.asarray(nv12), cupy.asarray(bgr)
    params = _params()
    out = cupy.empty((2, 3, 512, 512), cupy.float32)
    before = core.host_device_copy_counts()
    images = [(core.PixelFormat.NV12, W, H, [d_nv12[:H], d_nv12[H:]]), (core.PixelFormat.BGR, 1280, 720, [d_bgr])]
    transforms = core.preprocess_cuda(images, params, out)
    cupy.cuda.Device().synchronize()
    assert core.host_device_copy_counts() == before  # device in, device out
    assert len(transforms) == 2
    gpu = cupy.asnumpy(out)
    assert _close(gpu[0], _cpu(core.PixelFormat.NV12, W, H, [nv12[:H], nv12[H:]], params)) <= 1e-4
    assert _close(gpu[1], _cpu(core.PixelFormat.BGR, 1280, 720, [bgr], params)) <= 1e-4


def test_host_arrays_and_short_planes_are_rejected_naming_the_plane(cupy):
    nv12 = _nv12(3)
    out = cupy.empty((1, 3, 512, 512), cupy.float32)
    with pytest.raises(ValueError, match=r"images\[0\] planes\[0\]: expected a CUDA device array"):
        core.preprocess_cuda([(core.PixelFormat.NV12, W, H, [nv12[:H], nv12[H:]])], _params(), out)
    d = cupy.asarray(nv12)
    with pytest.raises(ValueError, match=r"images\[0\] planes\[1\]: expected at least 540 rows"):
        core.preprocess_cuda([(core.PixelFormat.NV12, W, H, [d[:H], d[H:H + 100]])], _params(), out)
    small = cupy.empty((1, 3, 256, 256), cupy.float32)
    with pytest.raises(ValueError, match="out_bytes"):
        core.preprocess_cuda([(core.PixelFormat.NV12, W, H, [d[:H], d[H:]])], _params(), small)


def test_yuv_to_bgr_matches_the_cpu_colour_maths(cupy):
    # Same-size bilinear with scale 1, mean 0, std 1 and BGR NHWC output is the unrounded BGR of each
    # pixel (pixel_math::source_pixel); yuv_to_bgr rounds exactly that.
    nv12 = _nv12(4)
    d = cupy.asarray(nv12)
    out = cupy.empty((H, W, 3), cupy.uint8)
    core.yuv_to_bgr_cuda(core.PixelFormat.NV12, W, H, [d[:H], d[H:]], out)
    p = core.PreprocessParams()
    p.out_width, p.out_height, p.scale, p.rgb_output = W, H, 1.0, False
    p.layout = core.TensorLayout.NHWC
    ref = np.empty((H, W, 3), np.float32)
    core.preprocess_cpu(core.PixelFormat.NV12, W, H, [nv12[:H], nv12[H:]], p, ref, 0)
    diff = np.abs(cupy.asnumpy(out).astype(np.int16) - np.floor(ref + 0.5).astype(np.int16))
    assert diff.max() <= 1
