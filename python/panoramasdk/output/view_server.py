"""The live view: a small HTTP server that shows each output in a browser as MJPEG.

Routes: ``/`` an HTML page with every output, ``/stream/N.mjpg`` a multipart/x-mixed-replace MJPEG
stream of output N, ``/snapshot/N.jpg`` its newest JPEG. Each client always gets the newest frame:
a slow client skips frames and never holds up the output chain (JPEGs are made once per frame by
the chain, whatever the number of clients).
"""
from __future__ import annotations

import html
import logging
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("panoramasdk.view")

BOUNDARY = "panoramaframe"
_STREAM = re.compile(r"^/stream/(\d+)\.mjpg$")
_SNAPSHOT = re.compile(r"^/snapshot/(\d+)\.jpg$")
# How long one wait for a new JPEG lasts before a stream handler checks for shutdown.
_POLL_S = 0.5
# A client that accepts no data for this long is dropped.
_CLIENT_TIMEOUT_S = 10.0


class ViewServer:
    """Serves the live view of output chains (``_core.OutputChain`` made with ``view=True``).

    ``ViewServer(host, port)``; ``port`` 0 picks a free port (see :attr:`address` after
    :meth:`start`). Runs in a daemon thread; :meth:`stop` ends it and every open stream.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._host = host
        self._port = port
        self._outputs: dict[int, object] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add_output(self, index: int, chain) -> None:
        """Shows ``chain`` as output ``index`` (``/stream/<index>.mjpg``)."""
        with self._lock:
            self._outputs[int(index)] = chain

    def output(self, index: int):
        """The chain shown as output ``index``, or None."""
        with self._lock:
            return self._outputs.get(index)

    def outputs(self) -> list[tuple[int, object]]:
        """(index, chain) pairs in index order."""
        with self._lock:
            return sorted(self._outputs.items(), key=lambda item: item[0])

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        """Binds the socket (errors such as 'address in use' are raised here) and serves in a thread."""
        if self._httpd is not None:
            return
        self._stopping.clear()
        self._httpd = _Server((self._host, self._port), _Handler, self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="panorama-view", daemon=True)
        self._thread.start()
        host, port = self.address
        log.debug("live view serving on http://%s:%d/", host, port)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) the server listens on; the port is the real one when 0 was asked for."""
        if self._httpd is None:
            return (self._host, self._port)
        host, port = self._httpd.server_address[:2]
        return (str(host), int(port))

    def stop(self) -> None:
        """Stops serving and ends open streams (within about half a second). Idempotent."""
        self._stopping.set()
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ViewServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, view: ViewServer):
        self.view = view
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "panoramasdk-view"
    timeout = _CLIENT_TIMEOUT_S  # socket timeout: a stalled client ends its handler
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        try:
            if path in ("/", "/index.html"):
                self._index()
                return
            match = _STREAM.match(path)
            if match:
                self._stream(int(match.group(1)))
                return
            match = _SNAPSHOT.match(path)
            if match:
                self._snapshot(int(match.group(1)))
                return
            self._not_found(f"no such page: {path}")
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout) as exc:
            log.debug("view client %s went away: %s", self.address_string(), exc)

    def _chain_or_404(self, index: int):
        chain = self.server.view.output(index)
        if chain is None:
            known = ", ".join(str(i) for i, _ in self.server.view.outputs()) or "none"
            self._not_found(f"no output {index}; outputs: {known}")
        return chain

    def _not_found(self, message: str) -> None:
        self._send_body(404, "text/plain; charset=utf-8", (message + "\n").encode())

    def _send_body(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, no-store")
        self.end_headers()
        self.wfile.write(body)

    def _index(self) -> None:
        items = []
        for index, chain in self.server.view.outputs():
            name = html.escape(_name_of(chain, index))
            items.append(
                f'<figure><img src="/stream/{index}.mjpg" alt="{name}">'
                f'<figcaption>{name} — <a href="/snapshot/{index}.jpg">snapshot</a></figcaption></figure>'
            )
        body = (
            "<!doctype html><html><head><meta charset='utf-8'><title>panoramasdk live view</title>"
            "<style>body{background:#111;color:#ddd;font-family:sans-serif;margin:1em}"
            "figure{display:inline-block;margin:0 1em 1em 0}img{max-width:100%;background:#000}"
            "a{color:#9cf}</style></head><body><h1>Live view</h1>"
            + ("".join(items) or "<p>No outputs.</p>")
            + "</body></html>"
        )
        self._send_body(200, "text/html; charset=utf-8", body.encode())

    def _snapshot(self, index: int) -> None:
        chain = self._chain_or_404(index)
        if chain is None:
            return
        current = chain.stats()["jpeg_sequence"]
        # A newer JPEG when frames flow (asking marks the view watched, so the chain makes one);
        # otherwise the newest there is. Up to 2 s for the very first.
        got = chain.wait_jpeg(current, 0.5 if current else 2.0)
        if got is None and current:
            got = chain.wait_jpeg(0, 0.0)
        if got is None:
            self._send_body(503, "text/plain; charset=utf-8", f"output {index} has no frame yet\n".encode())
            return
        self._send_body(200, "image/jpeg", got[1])

    def _stream(self, index: int) -> None:
        chain = self._chain_or_404(index)
        if chain is None:
            return
        view = self.server.view
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-cache, no-store")
        self.send_header("Pragma", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        log.info("view client %s watching output %d", self.address_string(), index)
        sequence = 0
        try:
            while not view.stopping:
                got = chain.wait_jpeg(sequence, _POLL_S)  # the GIL is released while waiting
                if got is None:
                    if chain.closed:
                        break
                    continue
                sequence, jpeg = got
                self.wfile.write(
                    f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode()
                    + jpeg
                    + b"\r\n"
                )
                self.wfile.flush()
            self.wfile.write(f"--{BOUNDARY}--\r\n".encode())
        finally:
            log.info("view client %s left output %d", self.address_string(), index)


def _name_of(chain, index: int) -> str:
    try:
        name = chain.options.name
    except AttributeError:
        name = ""
    return name or f"output {index}"
