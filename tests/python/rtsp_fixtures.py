"""A real RTSP camera on loopback for tests: tests/tools/rtsp_server.py run by Debian's /usr/bin/python3.

    with RtspServer(patterns=["/test"], user="viewer", password="pw") as server:
        url = server.url("/test", with_credentials=True)
        server.kill(); server.restart()      # a camera that dies and comes back on the same port
        server.freeze(); server.thaw()       # a camera that hangs (SIGSTOP / SIGCONT)

Fixtures: ``rtsp_server`` (pattern at /test, 320x240 @ 25 fps, digest user "viewer") and
``rtsp_file_server`` (a factory: ``rtsp_file_server(path, loop=False)`` serves the file at /clip).
Tests skip, naming the Debian package, where the system Python lacks GStreamer's RTSP server.
"""
from __future__ import annotations

import functools
import os
import selectors
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "rtsp_server.py"

RTSP_USER = "viewer"
RTSP_PASSWORD = "s3cret-Pa55"
PATTERN_PATH = "/test"
PATTERN_SIZE = (320, 240)
PATTERN_FPS = 25
CLIP_PATH = "/clip"


@functools.lru_cache(maxsize=1)
def rtsp_server_unavailable() -> str | None:
    """None when the server can run here, else why not (naming the Debian package to install)."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} not found: the RTSP test server needs Debian's python3 with python3-gi"
    try:
        done = subprocess.run([SYSTEM_PYTHON, str(SERVER_SCRIPT), "--check"], capture_output=True, text=True,
                              timeout=30)
    except subprocess.TimeoutExpired:
        return f"{SERVER_SCRIPT.name} --check did not answer within 30 s"
    if done.returncode != 0:
        return f"RTSP test server cannot run: {done.stderr.strip()[-500:]}"
    return None


def require_rtsp_server() -> None:
    reason = rtsp_server_unavailable()
    if reason:
        pytest.skip(reason)


class RtspServerError(RuntimeError):
    pass


class RtspServer:
    """One gst-rtsp-server process; start() waits for its READY line, restart() keeps the port."""

    def __init__(
        self,
        *,
        patterns: tuple[str, ...] | list[str] = (),
        files: dict[str, str | Path] | None = None,
        loop: bool = False,
        size: tuple[int, int] = PATTERN_SIZE,
        fps: int = PATTERN_FPS,
        user: str | None = None,
        password: str | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        ready_timeout_s: float = 15.0,
    ):
        if not patterns and not files:
            raise ValueError("RtspServer needs at least one pattern or file mount")
        self.patterns = list(patterns)
        self.files = {k: Path(v) for k, v in (files or {}).items()}
        self.loop = loop
        self.size = size
        self.fps = fps
        self.user = user
        self.password = password
        self.port = port
        self.host = host
        self.ready_timeout_s = ready_timeout_s
        self.proc: subprocess.Popen | None = None
        self._stderr_file = tempfile.NamedTemporaryFile(prefix="rtsp_server-", suffix=".log", delete=False)
        self.log_path = Path(self._stderr_file.name)

    # -- life cycle -------------------------------------------------------------------------------
    def command(self) -> list[str]:
        cmd = [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--address", self.host, "--port", str(self.port),
               "--size", f"{self.size[0]}x{self.size[1]}", "--fps", str(self.fps)]
        for path in self.patterns:
            cmd += ["--pattern", path]
        for path, filename in self.files.items():
            cmd += ["--file", f"{path}={filename}"]
        if self.loop:
            cmd.append("--loop")
        if self.user:
            cmd += ["--user", self.user, "--password", self.password]
        return cmd

    def start(self) -> RtspServer:
        if self.running:
            raise RtspServerError(f"RTSP test server already running (pid {self.proc.pid})")
        self._stderr_file.write(f"--- start, port {self.port}\n".encode())
        self._stderr_file.flush()
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr_file, text=True)
        line = self._read_ready_line()
        # "READY rtsp://HOST:PORT"
        self.port = int(line.split()[1].rsplit(":", 1)[1])
        return self

    def _read_ready_line(self) -> str:
        deadline = time.monotonic() + self.ready_timeout_s
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail(f"no READY line within {self.ready_timeout_s:.0f} s")
                if sel.select(timeout=left):
                    line = self.proc.stdout.readline()
                    if line.startswith("READY rtsp://"):
                        return line.strip()
                    if not line:  # EOF: the process exited
                        self.proc.wait(timeout=5)
                        self._fail(f"exited with status {self.proc.returncode} before READY")

    def _fail(self, what: str):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        raise RtspServerError(f"RTSP test server on {self.host}:{self.port} {what}; its log:\n{self.stderr()}")

    def stderr(self) -> str:
        """Everything the server processes of this object wrote to stderr so far."""
        return self.log_path.read_text(errors="replace")[-4000:]

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """Dies at once (SIGKILL): sockets close with no RTSP TEARDOWN, as a camera losing power."""
        if self.running:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def restart(self) -> RtspServer:
        """A new server process on the same port (stops the old one first if still running)."""
        self.stop()
        if not self.port:
            raise RtspServerError("restart() needs a server that was started once (no port known)")
        return self.start()

    def freeze(self) -> None:
        """Stops the process (SIGSTOP): the kernel keeps the sockets open but nothing is answered or sent."""
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Clean shutdown (SIGTERM), SIGKILL after 5 s."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()

    def close(self) -> None:
        self.stop()
        self._stderr_file.close()
        self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> RtspServer:
        return self if self.running else self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- addresses --------------------------------------------------------------------------------
    def url(self, path: str = PATTERN_PATH, with_credentials: bool = False) -> str:
        if not path.startswith("/"):
            path = "/" + path
        auth = ""
        if with_credentials:
            if not self.user:
                raise RtspServerError("url(with_credentials=True) on a server without --user")
            auth = f"{quote(self.user, safe='')}:{quote(self.password, safe='')}@"
        return f"rtsp://{auth}{self.host}:{self.port}{path}"


def closed_port(host: str = "127.0.0.1") -> int:
    """A TCP port on which nothing listens (bound, then released)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def rtsp_server():
    """Live moving pattern at /test, 320x240 @ 25 fps, digest auth viewer / s3cret-Pa55."""
    require_rtsp_server()
    with RtspServer(patterns=[PATTERN_PATH], user=RTSP_USER, password=RTSP_PASSWORD) as server:
        yield server


@pytest.fixture
def rtsp_file_server():
    """rtsp_file_server(path, loop=False, **kw) -> started RtspServer serving the file at /clip."""
    require_rtsp_server()
    servers: list[RtspServer] = []

    def start(path, loop: bool = False, **kwargs) -> RtspServer:
        server = RtspServer(files={CLIP_PATH: path}, loop=loop, **kwargs)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.close()
