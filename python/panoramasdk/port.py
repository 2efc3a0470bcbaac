"""``port``: the list of media on ``inputs.video_in`` and ``outputs.video_out``."""
from __future__ import annotations


class port(list):  # noqa: N801 - SDK class name
    """A ``list`` of media, one per camera stream.

    Apps use ``len``, indexing, iteration and index assignment (``outputs.video_out[i] = media``). Before
    each ``entry`` every output slot holds the matching input media, so an unassigned slot passes the input
    through. Assigning a media from an earlier frame is allowed.
    """

    __slots__ = ("name",)

    def __init__(self, items=(), name: str = ""):
        super().__init__(items)
        self.name = name

    def __repr__(self) -> str:
        return f"port({self.name!r}, {len(self)} media)"


class ports:  # noqa: N801
    """The ``inputs`` / ``outputs`` object: one attribute per declared port (``video_in``, ``video_out``)."""

    def __init__(self, **named_ports: port):
        for name, value in named_ports.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return "ports(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"
