"""Aliases that numpy 1.24 removed and applications of the Panorama era still use (``np.float``).

Applications must run unmodified: under numpy >= 1.24 the runner puts the old aliases back, pointing at
the same builtins they always meant. Nothing changes under numpy 1.23."""
from __future__ import annotations

import builtins
import logging

import numpy as np

log = logging.getLogger("panoramasdk.runtime")

_REMOVED_ALIASES = {"float": "float", "int": "int", "bool": "bool", "object": "object", "str": "str",
                    "complex": "complex", "long": "int", "unicode": "str"}


def restore_removed_aliases() -> list:
    restored = []
    for alias, builtin_name in _REMOVED_ALIASES.items():
        if alias not in np.__dict__:
            setattr(np, alias, getattr(builtins, builtin_name))
            restored.append(alias)
    if restored:
        log.debug("numpy %s: restored legacy aliases np.%s for application compatibility",
                  np.__version__, ", np.".join(restored))
    return restored
