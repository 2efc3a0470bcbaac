"""Errors as HTTP answers: each panoramasdk error class has its status code, and the body is
``{"detail": message}`` with the message that names the thing at fault."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ...errors import (
    AuthenticationError,
    CameraConnectionError,
    DeadlineError,
    InvalidArgumentError,
    NotFoundError,
    PanoramaError,
    StateError,
    UnsupportedError,
)

log = logging.getLogger("panoramasdk.appliance.api")

# Most specific first: NotFoundError is also a RuntimeError, AuthenticationError a ConnectionError.
_STATUS = (
    (NotFoundError, 404),
    (FileNotFoundError, 404),
    (InvalidArgumentError, 400),
    (UnsupportedError, 400),
    (StateError, 409),
    (AuthenticationError, 502),
    (CameraConnectionError, 502),
    (DeadlineError, 504),
    (PermissionError, 403),
    (ValueError, 400),
)


async def _answer(request: Request, exc: Exception) -> JSONResponse:
    for cls, code in _STATUS:
        if isinstance(exc, cls):
            return JSONResponse({"detail": str(exc)}, status_code=code)
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": f"internal error: {type(exc).__name__}: {exc}"}, status_code=500)


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 without the values sent: pydantic puts the whole body in `input` (a camera's password
    too) when a field is missing. Which field and why is enough to fix the request."""
    errors = [{"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    # One handler per class (not one for Exception, which Starlette treats as a crash and re-raises).
    for cls in {cls for cls, _ in _STATUS} | {PanoramaError, OSError}:
        app.add_exception_handler(cls, _answer)
