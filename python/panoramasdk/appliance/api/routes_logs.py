"""/api/apps/{name}/logs: the application's log (its output and the supervisor's lines about it), as text or
followed as server-sent events."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, StreamingResponse

from .context import ApplianceDep

router = APIRouter(prefix="/api/apps", tags=["logs"])


@router.get("/{name}/logs", response_class=PlainTextResponse)
def logs(name: str, a: ApplianceDep, lines: Annotated[int, Query(ge=1, le=10000)] = 200) -> PlainTextResponse:
    from ..app_logs import read_tail

    a.apps.get(name)
    return PlainTextResponse("".join(line if line.endswith("\n") else line + "\n"
                                     for line in read_tail(a.home, name, lines)))


@router.get("/{name}/logs/follow", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
def follow_logs(name: str, a: ApplianceDep, lines: Annotated[int, Query(ge=0, le=10000)] = 50) -> StreamingResponse:
    """The newest `lines` lines, then each new line as it is written (one `data:` event per line)."""
    from ..app_logs import follow

    a.apps.get(name)

    def events():
        # A comment event every few seconds without a line: a client that went away is noticed then.
        for line in follow(a.home, name, lines=lines, idle_every_s=5.0):
            yield f"data: {line.rstrip()}\n\n" if line else ": keep-alive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})
