"""Exceptions raised by panoramasdk.

Every class derives from :class:`PanoramaError` and from the Python built-in a caller would catch
for that kind of failure, so ``except ValueError`` and ``except FileNotFoundError`` work as expected.
The C++ core raises these through one translator (``src/bindings/errors.cpp``) keyed by error code.
"""
from __future__ import annotations


class PanoramaError(Exception):
    """Base class of every error raised by panoramasdk."""


class InvalidArgumentError(PanoramaError, ValueError):
    """A value, shape, dtype or option that is not what was expected."""


class NotFoundError(PanoramaError, RuntimeError, FileNotFoundError):
    """A model, file or stream that does not exist. Also a RuntimeError, as the SDK contract asks."""


class DeadlineError(PanoramaError, TimeoutError):
    """A blocking call ran past its deadline."""


class CameraConnectionError(PanoramaError, ConnectionError):
    """A camera or server that cannot be reached or dropped the connection."""


class AuthenticationError(CameraConnectionError, PermissionError):
    """A camera that rejected the credentials."""


class MediaIOError(PanoramaError, OSError):
    """A read or write that failed."""


class DecodeError(PanoramaError, ValueError):
    """Corrupt or undecodable media data."""


class UnsupportedError(PanoramaError, NotImplementedError):
    """A codec or feature this build does not support."""


class NoCudaError(PanoramaError, RuntimeError):
    """A GPU feature asked for in a build without CUDA or on a machine without a GPU."""


class StoppedError(PanoramaError, RuntimeError):
    """An operation on an object that was closed or finished."""


class StateError(PanoramaError, RuntimeError):
    """Calls made in the wrong order, such as get_result() before flush()."""


class InternalError(PanoramaError, RuntimeError):
    """An unexpected failure inside the core."""


_BY_CODE = {
    "invalid_argument": InvalidArgumentError,
    "not_found": NotFoundError,
    "timeout": DeadlineError,
    "connection": CameraConnectionError,
    "auth": AuthenticationError,
    "io": MediaIOError,
    "decode": DecodeError,
    "unsupported": UnsupportedError,
    "no_cuda": NoCudaError,
    "stopped": StoppedError,
    "state": StateError,
    "internal": InternalError,
}


def class_for_code(code: str) -> type:
    """The exception class for a C++ error code name (see ``panorama::error_code_name``)."""
    return _BY_CODE.get(code, InternalError)
