"""Finds the font the overlay draws labels with (DejaVu Sans)."""
from __future__ import annotations

import os

from ..errors import NotFoundError

# The same places the C++ core looks (src/overlay/font_atlas.cpp, default_font_path()).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian/Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora, Alpine
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)


def default_font_path() -> str:
    """The overlay font: ``$PANORAMA_FONT`` when set, else DejaVu Sans in the usual system places.

    Raises NotFoundError (a FileNotFoundError) naming the package to install when no font is found.
    """
    env = os.environ.get("PANORAMA_FONT")
    if env:
        if not os.path.isfile(env):
            raise NotFoundError(f"PANORAMA_FONT={env!r} is not a font file")
        return env
    for path in FONT_CANDIDATES:
        if os.path.isfile(path):
            return path
    raise NotFoundError(
        "no overlay font found: install DejaVu Sans (Debian/Ubuntu: apt-get install fonts-dejavu-core) "
        "or set PANORAMA_FONT to a .ttf file; looked in " + ", ".join(FONT_CANDIDATES)
    )
