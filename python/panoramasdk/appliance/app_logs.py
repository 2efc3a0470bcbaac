"""Per-application log files (``logs/apps/APP.log``, rotating: APP.log.1 ... .N), written by the supervisor
from each application's output, and read back by ``panorama logs`` and the HTTP server.

A write that fails (a full disk, an I/O error) never stops the application or the supervisor: the line
is lost, the failure is counted and reported (``AppLog.problem``, which the supervisor puts in the
application's status), and the file is reopened at the next line, so logging resumes by itself once
the disk has room again.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

from .home import ApplianceHome

MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 3
log = logging.getLogger("panoramasdk.appliance")

FORMAT = "%(asctime)s %(levelname)s supervisor: %(message)s"  # the runtime's format (app_logging.py)


class _Handler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler that keeps the last failure instead of printing it to stderr."""

    def __init__(self, path: Path, max_bytes: int, backups: int):
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", errors="replace",
                         delay=True)
        self.failure: Optional[BaseException] = None

    def handleError(self, record) -> None:  # noqa: N802 - logging's name
        self.failure = sys.exc_info()[1]
        # Drop the stream (its buffer holds what could not be written): the next line reopens the file.
        stream, self.stream = self.stream, None
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass


class AppLog:
    """One application's log file. `on_problem(text)` hears when writing starts failing ('cannot write
    PATH: REASON') and when it works again (''); it is called from the writing thread."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS,
                 on_problem: Optional[Callable[[str], None]] = None):
        self.path = Path(path)
        self.write_errors = 0
        self.problem = ""
        self._on_problem = on_problem
        self._handler = _Handler(self.path, max_bytes, backups)
        self._handler.setFormatter(logging.Formatter("%(message)s"))
        self._formatter = logging.Formatter(FORMAT)
        self._lock = threading.Lock()

    def write(self, line: str) -> bool:
        """Appends one line (without its newline); False when it could not be written."""
        record = logging.makeLogRecord({"msg": line, "levelno": logging.INFO, "levelname": "INFO"})
        with self._lock:
            handler = self._handler
            handler.failure = None
            try:
                if handler.stream is None:  # (re)opening: the folder may have been removed
                    self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                handler.failure = exc
            else:
                handler.handle(record)
            failure = handler.failure
            if failure is not None:
                self.write_errors += 1
                reason = getattr(failure, "strerror", None) or str(failure) or type(failure).__name__
                problem = f"cannot write {self.path}: {reason}"
            else:
                problem = ""
            changed = problem != self.problem
            self.problem = problem
        if changed and self._on_problem is not None:
            try:
                self._on_problem(problem)
            except Exception:  # noqa: BLE001 - a failed report must not stop the copying of the output
                log.exception("cannot report the state of %s", self.path)
        return failure is None

    def note(self, message: str, level: int = logging.INFO) -> bool:
        """A line of the supervisor's own about the application, time-stamped like the runtime's lines."""
        record = logging.makeLogRecord({"msg": message, "levelno": level, "levelname": logging.getLevelName(level)})
        return self.write(self._formatter.format(record))

    def close(self) -> None:
        with self._lock:
            self._handler.close()


def _tail_of_file(f, end: int, count: int) -> list:
    """The last `count` lines of the open file `f` before offset `end` (read backwards in growing blocks)."""
    if count <= 0:
        return []
    block = 64 * 1024
    while True:
        start = max(0, end - block)
        f.seek(start)
        data = f.read(end - start)
        lines = data.split(b"\n")
        if data.endswith(b"\n"):
            lines.pop()
        if start == 0 or len(lines) > count:
            break
        block *= 4
    if start > 0:
        lines = lines[1:]  # the first one may be cut
    return [line.decode("utf-8", "replace") for line in lines[-count:]]


def _tail_of(path: Path, count: int) -> list:
    try:
        with open(path, "rb") as f:
            return _tail_of_file(f, f.seek(0, os.SEEK_END), count)
    except FileNotFoundError:
        return []


def _older_tail(path: Path, count: int, newer: list) -> list:
    """`newer` (the end of the current file) preceded by lines of the backups, up to `count` lines."""
    tail = list(newer)
    for i in range(1, BACKUPS + 1):
        if len(tail) >= count:
            break
        tail = _tail_of(path.with_name(f"{path.name}.{i}"), count - len(tail)) + tail
    return tail


def read_tail(home: ApplianceHome, app: str, lines: int = 100) -> list:
    """The last `lines` lines of `app`'s log, across the newest backups when the file was just rotated."""
    path = home.app_log(app)
    return _older_tail(path, lines, _tail_of(path, lines))


def follow(home: ApplianceHome, app: str, lines: int = 10, poll_s: float = 0.25,
           stop: Optional[threading.Event] = None, idle_every_s: Optional[float] = None) -> Iterator[str]:
    """Yields the last `lines` lines of `app`'s log, then each new line as it is written, following the
    file across rotations, until `stop` is set (or the caller closes the generator). With `idle_every_s`
    it yields '' after that long without a line, so a server can notice a client that went away."""
    path = home.app_log(app)
    current, identity = _reopen(path, at_end=True)
    partial = b""
    idle_since = time.monotonic()
    try:
        # The tail up to where following starts: no line lost or repeated in between.
        end = current.tell() if current is not None else 0
        newer = _tail_of_file(current, end, lines) if current is not None else []
        if current is not None:
            current.seek(end)
        yield from _older_tail(path, lines, newer)
        while stop is None or not stop.is_set():
            replaced = _replaced(path, identity, current)  # before reading: lines written until the rotation
            chunk = current.read() if current is not None else b""
            if chunk:
                partial += chunk
                *complete, partial = partial.split(b"\n")
                for line in complete:
                    yield line.decode("utf-8", "replace")
                idle_since = time.monotonic()
            if replaced:  # rotated or removed: go on with the new file from its start
                if current is not None:
                    current.close()
                current, identity = _reopen(path, at_end=False)
                continue
            if chunk:
                continue
            if idle_every_s is not None and time.monotonic() - idle_since >= idle_every_s:
                idle_since = time.monotonic()
                yield ""
            time.sleep(poll_s)
    finally:
        if current is not None:
            current.close()


def _reopen(path: Path, at_end: bool) -> tuple:
    try:
        f = open(path, "rb")
    except OSError:
        return None, None
    if at_end:
        f.seek(0, os.SEEK_END)
    st = os.fstat(f.fileno())
    return f, (st.st_dev, st.st_ino)


def _replaced(path: Path, identity, current) -> bool:
    """True when `path` is now another file than the one open, or was truncated below our position."""
    try:
        st = path.stat()
    except OSError:
        return False  # between the rotation's renames: look again next time
    if identity is None or (st.st_dev, st.st_ino) != identity:
        return True
    return st.st_size < current.tell()


def app_log_names(home: ApplianceHome) -> list:
    """Applications that have a log file."""
    folder = home.app_log("x").parent
    return sorted(p.name[:-len(".log")] for p in folder.glob("*.log")) if folder.is_dir() else []
