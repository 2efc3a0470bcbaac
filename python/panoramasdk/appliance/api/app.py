"""The FastAPI application of ``panorama serve``: the token check around everything, the routers, the
console's files and the login page."""
from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from ... import __version__
from ..home import ApplianceHome
from . import errors, routes_apps, routes_cameras, routes_live, routes_logs, routes_models, routes_status
from .auth import COOKIE, load_or_create_token, presented_token, token_matches
from .context import Appliance
from .schemas import LoginIn

log = logging.getLogger("panoramasdk.appliance.api")

CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console"
# Paths that answer without the token: the login endpoints (they check it themselves).
_OPEN_PATHS = {("POST", "/api/login"), ("POST", "/login")}
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
]
_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>panoramasdk: sign in</title></head>
<body><main><h1>panoramasdk appliance</h1>
<p>{message}</p>
<form method="post" action="/login"><label>API token <input type="password" name="token" id="token"
 autocomplete="current-password" required></label> <button type="submit">Sign in</button></form>
<p>The token is in <code>$PANORAMA_HOME/api-token</code> on the appliance (<code>panorama token</code> shows it).</p>
</main></body></html>
"""


class TokenGuard:
    """ASGI middleware: every request needs the token, except the login endpoints; `/?token=...` trades the
    token for the cookie and redirects to `/` so it leaves the address bar. Adds security headers."""

    def __init__(self, app, token: str):
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + _SECURITY_HEADERS
            await send(message)

        if (request.method, request.url.path) in _OPEN_PATHS:
            return await self.app(scope, receive, send_with_headers)
        query_token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])[0]
        if request.url.path == "/" and query_token is not None:
            response = (_signed_in(self.token) if token_matches(self.token, query_token)
                        else _login_page("That token is not valid.", 401))
            return await response(scope, receive, send_with_headers)
        if token_matches(self.token, presented_token(request)):
            return await self.app(scope, receive, send_with_headers)
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            response = _login_page("Sign in with the appliance's API token.", 401)
        else:
            response = Response('{"detail": "missing or wrong API token: send Authorization: Bearer TOKEN"}',
                                status_code=401, media_type="application/json",
                                headers={"WWW-Authenticate": 'Bearer realm="panoramasdk"'})
        await response(scope, receive, send_with_headers)


def _login_page(message: str, status: int) -> HTMLResponse:
    return HTMLResponse(_LOGIN_PAGE.format(message=html.escape(message)), status_code=status,
                        headers={"WWW-Authenticate": 'Bearer realm="panoramasdk"'})


def _signed_in(token: str) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def create_app(home: ApplianceHome, supervisor=None, token: Optional[str] = None) -> FastAPI:
    """The API and console over the data folder `home`. `supervisor` (when this process runs the
    applications) is stopped, with its applications, when the server shuts down; `token` defaults to the
    data folder's (made on first use)."""
    appliance = Appliance.open(home)
    appliance.supervisor = supervisor
    token = token or load_or_create_token(home)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        # Here, not after uvicorn returns: uvicorn re-raises SIGTERM once it has shut down.
        if supervisor is not None:
            await asyncio.to_thread(supervisor.stop)
        (home.run_dir / "serve.json").unlink(missing_ok=True)  # written by panorama serve once it listens

    app = FastAPI(title="panoramasdk appliance", version=__version__, lifespan=lifespan,
                  description="Cameras, models and applications of a self-hosted Panorama appliance. Every "
                              "request needs the API token: `Authorization: Bearer TOKEN`.")
    app.state.appliance = appliance
    errors.install(app)
    for module in (routes_status, routes_cameras, routes_models, routes_apps, routes_live, routes_logs):
        app.include_router(module.router)

    @app.post("/api/login", status_code=204, tags=["auth"])
    def login(body: LoginIn) -> Response:
        """Trades the token for the console's cookie."""
        if not token_matches(token, body.token):
            return Response('{"detail": "wrong API token"}', status_code=401, media_type="application/json")
        response = Response(status_code=204)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    @app.post("/login", include_in_schema=False)
    async def login_form(request: Request) -> Response:
        form = await request.form()
        if not token_matches(token, str(form.get("token", ""))):
            return _login_page("That token is not valid.", 401)
        return _signed_in(token)

    @app.get("/", include_in_schema=False)
    def console() -> FileResponse:
        return FileResponse(CONSOLE_DIR / "index.html", headers={"Cache-Control": "no-store"})

    if CONSOLE_DIR.is_dir():
        app.mount("/console", StaticFiles(directory=CONSOLE_DIR), name="console")
    app.add_middleware(TokenGuard, token=token)
    return app
