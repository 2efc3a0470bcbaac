"""Loads the compiled core, ``panoramasdk._core``.

Installed packages carry ``_core`` beside this file. A development build made with plain CMake
(``cmake -B build/dev``) leaves it at the top of its build folder: point ``PANORAMA_CORE_DIR`` there.
"""
from __future__ import annotations

import importlib.util
import os
import sys


def _load():
    core_dir = os.environ.get("PANORAMA_CORE_DIR")
    if core_dir:
        for name in sorted(os.listdir(core_dir)):
            if name.startswith("_core.") and name.endswith((".so", ".pyd")):
                spec = importlib.util.spec_from_file_location("panoramasdk._core", os.path.join(core_dir, name))
                module = importlib.util.module_from_spec(spec)
                sys.modules["panoramasdk._core"] = module
                spec.loader.exec_module(module)
                return module
        raise ImportError(f"PANORAMA_CORE_DIR={core_dir} holds no _core extension module")
    from . import _core

    return _core


def _name_pip_nvjpeg():
    """The PyPI wheel nvidia-nvjpeg puts libnvjpeg in site-packages, off the loader's path: name it for the
    live view's GPU encoder (src/sink/jpeg_encoder_nvjpeg.cpp) unless PANORAMA_NVJPEG_LIBRARY already does."""
    if os.environ.get("PANORAMA_NVJPEG_LIBRARY"):
        return
    spec = importlib.util.find_spec("nvidia")
    for root in (spec.submodule_search_locations or []) if spec else []:
        for layout in ("cu13", "nvjpeg"):  # the CUDA 13 wheel's folder, then the CUDA 12 one's
            folder = os.path.join(root, layout, "lib")
            if not os.path.isdir(folder):
                continue
            found = sorted(n for n in os.listdir(folder) if n.startswith("libnvjpeg.so."))
            if found:
                os.environ["PANORAMA_NVJPEG_LIBRARY"] = os.path.join(folder, found[0])
                return


core = _load()
_name_pip_nvjpeg()
