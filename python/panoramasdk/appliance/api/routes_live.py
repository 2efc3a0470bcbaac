"""/api/apps/{name}/live/N.mjpg and /snapshot/N.jpg: each application's output, relayed from the live view
its process serves on a loopback port (output/view_server.py), so the token guards it like the rest."""
from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Path
from fastapi.responses import Response, StreamingResponse

from ...errors import NotFoundError, StateError
from .context import ApplianceDep

router = APIRouter(prefix="/api/apps", tags=["live"])
_CONNECT_TIMEOUT_S = 3.0


def _view_url(a, name: str, path: str) -> str:
    a.apps.get(name)  # 404 for an unknown application
    row = a.db.query_one("SELECT state, view_port FROM app_status WHERE app = ?", (name,))
    if row is None or row["state"] != "RUNNING" or not row["view_port"]:
        state = row["state"] if row else "not started"
        raise StateError(f"application '{name}' has no live output now: it is {state}")
    return f"http://127.0.0.1:{row['view_port']}{path}"


@router.get("/{name}/snapshot/{output}.jpg", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}})
async def snapshot(name: str, output: Annotated[int, Path(ge=0, le=63)], a: ApplianceDep) -> Response:
    url = _view_url(a, name, f"/snapshot/{output}.jpg")
    try:
        async with httpx.AsyncClient(timeout=_CONNECT_TIMEOUT_S) as client:
            answer = await client.get(url)
    except httpx.HTTPError as exc:
        raise StateError(f"application '{name}': its live view does not answer ({type(exc).__name__})") from None
    if answer.status_code == 404:
        raise NotFoundError(f"application '{name}' has no output {output} (or no frame yet)")
    if answer.status_code != 200:
        raise StateError(f"application '{name}': its live view answered {answer.status_code}")
    return Response(answer.content, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/{name}/live/{output}.mjpg", response_class=StreamingResponse,
            responses={200: {"content": {"multipart/x-mixed-replace": {}}}})
async def live(name: str, output: Annotated[int, Path(ge=0, le=63)], a: ApplianceDep) -> StreamingResponse:
    url = _view_url(a, name, f"/stream/{output}.mjpg")
    client = httpx.AsyncClient(timeout=httpx.Timeout(_CONNECT_TIMEOUT_S, read=30.0))
    try:
        upstream = await client.send(client.build_request("GET", url), stream=True)
    except httpx.HTTPError as exc:
        await client.aclose()
        raise StateError(f"application '{name}': its live view does not answer ({type(exc).__name__})") from None
    if upstream.status_code != 200:
        await upstream.aclose()
        await client.aclose()
        raise NotFoundError(f"application '{name}' has no output {output}")

    async def relay():
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        except httpx.HTTPError:
            pass  # the application stopped: end the stream, the console shows its state
        finally:
            await upstream.aclose()
            await client.aclose()

    return StreamingResponse(relay(), media_type=upstream.headers.get("content-type", "multipart/x-mixed-replace"),
                             headers={"Cache-Control": "no-store"})
