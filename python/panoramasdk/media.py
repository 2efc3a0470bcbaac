"""``media``: one frame of one camera stream, with the overlays the application adds to it."""
from __future__ import annotations

from typing import Any


def _scalar(value: Any, what: str) -> float:
    """A plain float from a Python or numpy scalar (or a 1-element array); NaN is refused."""
    try:
        number = float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: expected a number, got {value!r}") from None
    if number != number:
        raise ValueError(f"{what}: expected a number, got NaN")
    return number


def _clamp01(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


class media:  # noqa: N801 - SDK class name
    """A frame of video from one stream.

    ``image`` is an H x W x 3 uint8 BGR numpy array on the decoded frame's own buffer (no copy), writable,
    and the same array object on every access; drawing into it shows on the output. A frame decoded on the
    GPU (NVDEC) stays there until ``image`` is first read, which downloads it once; until then
    ``model.batch(i, media)``, ``preprocess(media)`` and the output's drawing all run on the GPU.
    ``add_rect`` and ``add_label`` record overlay metadata in normalised 0..1 coordinates; the output draws
    it on top of the image, on its own copy of the frame, and clears it once drawn (a repeated media starts
    clean).
    """

    __slots__ = ("_frame", "_image", "_stream_uri", "_rects", "_labels", "__weakref__")

    def __init__(self, frame, stream_uri: str):
        self._frame = frame
        self._image = None
        self._stream_uri = stream_uri
        self._rects: list[tuple[float, float, float, float]] = []
        self._labels: list[tuple[str, float, float]] = []

    @property
    def image(self):
        """The frame's pixels: numpy uint8 array (height, width, 3), BGR, C-contiguous, writable (a frame on
        the GPU is downloaded here, on the first access)."""
        if self._image is None:
            self._image = self._frame.array()
        return self._image

    @property
    def stream_uri(self) -> str:
        """The stream this frame came from, without credentials; stable across frames."""
        return self._stream_uri

    @property
    def time_stamp(self) -> tuple[int, int]:
        """Capture time as (seconds, microseconds) since the Unix epoch."""
        us = int(self._frame.capture_time_us)
        return (us // 1_000_000, us % 1_000_000)

    def add_rect(self, left, top=None, right=None, bottom=None) -> None:
        """Draws a rectangle on the output: edges in 0..1 of the frame's width (left, right) and height
        (top, bottom). Accepts one 4-tuple too. Values are clamped to 0..1; reversed edges are swapped."""
        if top is None and right is None and bottom is None:
            try:
                left, top, right, bottom = left
            except (TypeError, ValueError):
                raise ValueError(f"add_rect: expected left, top, right, bottom or one 4-tuple, got {left!r}") from None
        elif top is None or right is None or bottom is None:
            raise ValueError("add_rect: expected 4 numbers (left, top, right, bottom)")
        x0, y0 = _clamp01(_scalar(left, "add_rect left")), _clamp01(_scalar(top, "add_rect top"))
        x1, y1 = _clamp01(_scalar(right, "add_rect right")), _clamp01(_scalar(bottom, "add_rect bottom"))
        self._rects.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))

    def add_label(self, text, x, y) -> None:
        """Writes `text` on the output with its top-left corner at (x, y) in 0..1 of the frame's width and
        height; ``\\n`` starts a new line. Values are clamped to 0..1."""
        if not isinstance(text, str):
            text = str(text)
        self._labels.append(
            (text, _clamp01(_scalar(x, "add_label x")), _clamp01(_scalar(y, "add_label y")))
        )

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        f = self._frame
        return f"media({self._stream_uri!r}, {f.width}x{f.height}, frame {f.sequence})"

    # Runtime side (not part of the SDK API).
    def _take_overlays(self):
        rects, labels = self._rects, self._labels
        self._rects, self._labels = [], []
        return rects, labels
