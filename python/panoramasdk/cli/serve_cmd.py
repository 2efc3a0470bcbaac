"""``panorama serve``: the appliance's HTTP API, web console and metrics, and the supervisor that runs the
deployed applications."""
from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import socket
import sys

log = logging.getLogger("panoramasdk.appliance")

DEFAULT_PORT = 8470
DESCRIPTION = f"""\
Serves the appliance on http://127.0.0.1:{DEFAULT_PORT}/: the web console, the HTTP API (OpenAPI at
/openapi.json, browsable at /docs) and Prometheus metrics at /metrics, and runs the deployed applications,
each in its own supervised process. Every request needs the API token, made at first start in
$PANORAMA_HOME/api-token (mode 0600; `panorama token` prints it): send `Authorization: Bearer TOKEN`, or
open http://127.0.0.1:{DEFAULT_PORT}/?token=TOKEN once in a browser.

Only this machine can connect unless --host names another address; then anyone who can reach it can try
the token, over plain HTTP: put a TLS reverse proxy in front.

On SIGINT or SIGTERM it stops the applications, then exits by that signal (status 130 or 143, as
daemons do); 1 when the port cannot be opened or the data folder is unusable."""


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="serve the web console and API, run the deployed applications",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--no-supervisor", action="store_true",
                   help="serve the API only; deployed applications are not started by this process")
    p.set_defaults(func=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def run(args) -> int:
    try:
        import uvicorn

        from ..appliance.api.app import create_app
        from ..appliance.home import ApplianceHome
        from ..appliance.startup import open_appliance
    except ImportError as exc:
        print(f"error: panorama serve needs the appliance packages ({exc.name} is missing): "
              f"pip install 'panoramasdk[appliance]'", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per relayed snapshot otherwise
    if not _is_loopback(args.host):
        log.warning("listening on %s: anyone who can reach this address can try the API token, over plain HTTP; "
                    "put a TLS reverse proxy in front", args.host)
    try:
        home = ApplianceHome.resolve()
        supervisor = open_appliance(home, run_applications=not args.no_supervisor)
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    (home.run_dir / "serve.json").write_text(json.dumps({"pid": os.getpid(), "host": args.host, "port": port}))
    shown = f"[{args.host}]" if ":" in args.host else args.host
    log.info("console and API on http://%s:%d/ (token in %s)", shown, port, home.token_path)
    app = create_app(home, supervisor)
    # No access log: it would print the query string of /?token=... Errors are logged by the API itself.
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])  # the app's lifespan stops the supervisor and removes serve.json
    return 0
