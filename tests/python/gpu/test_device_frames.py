"""Frames decoded on NVDEC stay on the GPU until the application reads ``media.image``: a stream's frames,
``preprocess(media)``, ``model.batch(i, media)`` and the output chain's drawing work from the NV12 on the
device, and the host<->device counts (core.host_device_copy_counts) show that no whole frame crossed. The
CPU path (libavcodec, the same clip) is the oracle for every value.

Runs on the pedestrian clip in examples/assets (H.264 in MP4, 768x576), so it needs a build with media
(FFmpeg): skipped, naming what is missing, without it, a GPU or NVDEC."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from panoramasdk import media
from panoramasdk._native import core
from panoramasdk.preprocess import PreprocessSpec, preprocess

pytestmark = pytest.mark.gpu

ROOT = Path(__file__).resolve().parents[3]
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
FRAMES = 12
# NVDEC's YUV equals libavcodec's; the BGR differs by the two conversions' rounding (max 3 measured on the
# H100 through MP4, test_decoder_nvdec_fallback.cpp allows 4).
BGR_TOLERANCE = 4


@pytest.fixture(autouse=True)
def media_and_nvdec():
    if not core.built_with_media():
        pytest.skip("GPU test skipped: built without media (FFmpeg), which streams need")
    reason = core.nvdec_unavailable_reason()
    if reason:
        pytest.skip(f"GPU test skipped: NVDEC unavailable: {reason}")


def _frames(device: str, count: int = FRAMES) -> list:
    options = core.StreamOptions()
    options.uri = str(CLIP)
    options.decode_device = device
    options.queue_size = count + 2
    stream = core.Stream(options)
    group = core.StreamGroup([stream], True)
    group.start()
    frames = []
    while len(frames) < count:
        frame_set = group.next_set(10.0)
        assert frame_set and frame_set[0] is not None, stream.stats()
        frames.append(frame_set[0])
    assert stream.stats()["decoder"] == ("libavcodec" if device == "cpu" else "nvdec")
    group.stop()
    return frames


def _copies() -> dict:
    return dict(core.host_device_copy_counts())


def test_stream_frames_stay_on_the_gpu_until_media_image_is_read():
    core.reset_host_device_copy_counts()
    gpu = _frames("cuda")
    assert _copies()["device_to_host"] == 0, "decoding downloaded something"
    assert all(f.on_device and not f.downloaded for f in gpu)
    assert all(f.device_frame.width == 768 and f.device_frame.height == 576 for f in gpu)
    cpu = _frames("cpu")
    assert all(not f.on_device and f.downloaded and f.device_frame is None for f in cpu)

    m = media(gpu[3], "clip")
    image = m.image  # the one download
    assert _copies()["frames_device_to_host"] == 1
    assert gpu[3].downloaded and not gpu[4].downloaded
    assert m.image is image and gpu[3].array().ctypes.data == image.ctypes.data  # no second copy
    assert _copies()["frames_device_to_host"] == 1
    assert image.shape == (576, 768, 3)
    worst = int(np.abs(image.astype(np.int16) - cpu[3].array().astype(np.int16)).max())
    assert worst <= BGR_TOLERANCE


def test_preprocess_of_a_media_on_the_gpu_downloads_only_the_tensor(cupy):
    """The oracle: the CPU preprocessing of the same NV12 (read through __cuda_array_interface__ by CuPy);
    the two share pixel_math, so they agree to float rounding."""
    spec = PreprocessSpec(size=(416, 416), mean=(103.53, 116.28, 123.675), std=(57.375, 57.12, 58.395),
                          scale=1.0, channel_order="bgr")
    gpu = _frames("cuda", 4)
    core.reset_host_device_copy_counts()
    tensors = [preprocess(media(f, "clip"), spec) for f in gpu]
    copies = _copies()
    assert copies["frames_device_to_host"] == 0 and not any(f.downloaded for f in gpu)
    assert copies["device_to_host"] == len(gpu)
    assert copies["device_to_host_bytes"] == len(gpu) * 416 * 416 * 3 * 4  # the tensors, nothing more
    for tensor, frame in zip(tensors, gpu):
        nv12 = cupy.asnumpy(cupy.asarray(frame.device_frame))
        expected = preprocess(nv12, spec, format="nv12", full_range=frame.device_frame.full_range)
        assert tensor.shape == expected.shape == (1, 3, 416, 416)
        np.testing.assert_allclose(tensor, expected, rtol=0, atol=1e-4 * max(1.0, float(np.abs(expected).max())))


def test_the_output_draws_a_gpu_frame_on_the_gpu_and_only_for_a_viewer():
    """The oracle is the CPU chain given the same picture downloaded (DeviceFrame.bgr: the same conversion
    kernel). The overlay drawing is exact on both sides. With nvJPEG the GPU encodes the JPEG and nothing
    crosses but its bytes; the two encoders' pictures then agree to JPEG's rounding. Without nvJPEG the
    composed picture comes down once and libavcodec encodes it: the two JPEGs are the same bytes."""
    cv2 = pytest.importorskip("cv2", reason="opencv-python not installed (it decodes the JPEG)")
    gpu = _frames("cuda", 2)
    rects = [(0.1, 0.1, 0.5, 0.9)]
    labels = [("person 0.93", 0.1, 0.05)]
    nvjpeg_missing = core.nvjpeg_unavailable_reason()

    def chain():
        options = core.OutputOptions()
        options.view = True
        options.jpeg_quality = 95
        options.name = "gpu-test"
        return core.OutputChain(options)

    device_out, host_out = chain(), chain()
    core.reset_host_device_copy_counts()
    device_out.submit_frame(gpu[0], rects, labels, 0, True)
    device_out.close()  # nobody watched: nothing was drawn or downloaded
    assert _copies()["frames_device_to_host"] == 0
    assert device_out.stats()["frames_composed"] == 0

    device_out = chain()
    device_out.set_view_active(True)
    device_out.submit_frame(gpu[1], rects, labels, 0, True)
    jpeg = device_out.wait_jpeg(0, 10.0)
    assert jpeg is not None, device_out.stats()
    stats = device_out.stats()
    assert stats["jpeg_encoder"] == ("libavcodec" if nvjpeg_missing else "nvjpeg"), (stats, nvjpeg_missing)
    assert _copies()["frames_device_to_host"] == (1 if nvjpeg_missing else 0)  # the composed picture, if any
    assert not gpu[1].downloaded
    host_out.set_view_active(True)
    host_out.submit(gpu[1].array(), rects, labels, 0, True)
    reference = host_out.wait_jpeg(0, 10.0)
    device_out.close()
    host_out.close()
    picture = cv2.imdecode(np.frombuffer(jpeg[1], np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (576, 768, 3)
    if nvjpeg_missing:
        assert jpeg[1] == reference[1], "the GPU and CPU compositions differ"
    else:
        expected = cv2.imdecode(np.frombuffer(reference[1], np.uint8), cv2.IMREAD_COLOR)
        error = picture.astype(np.float64) - expected
        psnr = 10 * np.log10(255**2 / max(float(np.mean(error**2)), 1e-9))
        assert psnr >= 35 and np.median(np.abs(error)) <= 2, f"nvJPEG vs libavcodec: PSNR {psnr:.1f} dB"
    green = (picture[..., 1] > 200) & (picture[..., 0] < 80) & (picture[..., 2] < 80)
    assert green.sum() > 500, "the rectangle was not drawn"
