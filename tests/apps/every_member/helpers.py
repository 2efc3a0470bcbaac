"""Sibling module of app.py: imported as ``import helpers``, as published Panorama apps import theirs.

Its presence in the report proves that the runner puts the application's folder first on ``sys.path``.
"""
import json
import os
import tempfile

import numpy as np

APP_DIR = os.path.dirname(os.path.abspath(__file__))


def jsonable(value):
    """Plain JSON types from numpy scalars/arrays, tuples and nested containers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def describe_error(error):
    """What a test asserts on: the class, every class it derives from, and the message."""
    if error is None:
        return None
    return {"type": type(error).__name__,
            "mro": [cls.__name__ for cls in type(error).__mro__],
            "message": str(error)}


def capture(call):
    """Runs call(); returns describe_error() of what it raised, or None if it returned."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - every exception is data here
        return describe_error(error)
    return None


def write_report(path, report):
    """Writes the report atomically, so a reader never sees half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".every_member.", dir=folder)
    with os.fdopen(fd, "w") as f:
        json.dump(jsonable(report), f, indent=1, sort_keys=True)
    os.replace(tmp, path)
