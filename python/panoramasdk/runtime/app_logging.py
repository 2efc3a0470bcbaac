"""Where a run's output goes.

The application's print() and logging go to stdout and to its log file, line by line (as they streamed
to the appliance's log service). The runtime's own messages go to stderr and to the same file."""
from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path
from typing import Optional

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Tee(io.TextIOBase):
    """A text stream that writes to the console stream and the log file, flushing each line."""

    def __init__(self, console, logfile):
        self._console = console
        self._logfile = logfile

    def write(self, text: str) -> int:
        self._console.write(text)
        self._logfile.write(text)
        if "\n" in text:
            self.flush()
        return len(text)

    def flush(self) -> None:
        self._console.flush()
        self._logfile.flush()

    def fileno(self) -> int:
        return self._console.fileno()

    def isatty(self) -> bool:
        return self._console.isatty()

    @property
    def encoding(self):
        return getattr(self._console, "encoding", "utf-8")


def default_log_path(app_path: str) -> Path:
    home = Path(os.environ.get("PANORAMA_HOME", Path.home() / ".panorama"))
    return home / "logs" / f"{Path(app_path).stem}.log"


def setup(log_path: Optional[Path]) -> Optional[Path]:
    """Sends stdout (tee), root logging and panoramasdk logging where the module docstring says.
    `log_path` None: the console only (a supervisor that captures the output keeps the log)."""
    logfile = None
    if log_path is not None:
        log_path = Path(log_path)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        logfile = open(log_path, "a", encoding="utf-8", buffering=1)
        sys.stdout = _Tee(sys.stdout, logfile)

    formatter = logging.Formatter(FORMAT)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    app_handler = logging.StreamHandler(sys.stdout)  # the tee: console and file
    app_handler.setFormatter(formatter)
    root.addHandler(app_handler)
    root.setLevel(logging.INFO)

    runtime_logger = logging.getLogger("panoramasdk")
    runtime_logger.propagate = False
    runtime_logger.setLevel(logging.INFO)
    for stream in (sys.stderr, logfile) if logfile else (sys.stderr,):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        runtime_logger.addHandler(handler)
    return log_path
