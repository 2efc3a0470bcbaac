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


core = _load()
