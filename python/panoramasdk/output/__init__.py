"""The output side beyond the native chain: the overlay font and the browser live view."""
from __future__ import annotations

from .fonts import default_font_path
from .view_server import ViewServer

__all__ = ["ViewServer", "default_font_path"]
