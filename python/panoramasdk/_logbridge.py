"""Moves the C++ core's log records into Python ``logging`` from one daemon thread.

C++ threads never take the GIL to log (see include/panoramasdk/core/log.hpp); this thread waits for
records with the GIL released and re-emits them on the named loggers.
"""
from __future__ import annotations

import logging
import threading

from ._native import core

_thread: threading.Thread | None = None
_stop = threading.Event()
_lock = threading.Lock()


def _emit(records) -> None:
    for level, logger_name, message, time_us in records:
        logger = logging.getLogger(logger_name)
        if logger.isEnabledFor(level):
            record = logger.makeRecord(logger_name, level, "(native)", 0, message, None, None)
            record.created = time_us / 1e6
            record.msecs = (time_us % 1_000_000) / 1000.0
            logger.handle(record)


def _run() -> None:
    while not _stop.is_set():
        _emit(core.drain_log_records(0.5))


def start() -> None:
    """Starts the bridge once per process (idempotent)."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _stop.clear()
            _thread = threading.Thread(target=_run, name="panorama-log-bridge", daemon=True)
            _thread.start()


def flush() -> None:
    """Emits whatever is queued now, from the calling thread (before exit)."""
    _emit(core.drain_log_records(0.0))


def stop() -> None:
    """Stops the bridge and emits what is left."""
    global _thread
    _stop.set()
    core.wake_log_drain()
    if _thread is not None:
        _thread.join(timeout=2)
        _thread = None
    flush()
