"""The supervisor: runs each deployed application in its own process and keeps the status table true.

A background thread reconciles about twice a second: every application that should run (desired
'running', a deployed version) gets exactly one child process, ``panorama run`` as app_launch.py builds
it, in its own process group with its output piped into the application's log (app_logs.py). A child of
another version is replaced; a child whose application was stopped or deleted is stopped (SIGTERM, then
SIGKILL after a grace period). Stopping one application never touches another's process.

A child that exits (a crash, ``init()`` failing, a signal, or its cameras ending) is ERROR with the exit
reason and the last traceback of its output, counted in ``restarts`` and started again after a capped
exponential backoff (1 s doubling to 60 s; back to 1 s once a run lasted 60 s). A version folder that
fails its hash check, or a launch that cannot be built (a camera or model that is gone), is ERROR with
that message and retried with the same backoff. A camera that drops is not the supervisor's business:
the runtime reconnects it and the application keeps running.

States in ``app_status``: STARTING (process started), RUNNING (its live statistics say the loop runs,
or it wrote none for a few seconds), ERROR, STOPPED. The supervisor's own pid and a heartbeat go to
``run/supervisor.json`` so ``panorama status`` can tell whether one is alive. The child's environment
holds camera passwords: it is never logged, and the passwords are masked in what the child prints.
"""
from __future__ import annotations

import collections
import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional

from ..errors import PanoramaError, StateError
from ..runtime import live_stats
from ..runtime.config import CAMERA_SECRETS_ENV
from .app_launch import LaunchSpec, build_launch
from .app_logs import AppLog
from .applications import ApplicationStore
from .cameras import CameraRegistry
from .home import ApplianceHome
from .state_db import StateDB, now

log = logging.getLogger("panoramasdk.appliance")

HEARTBEAT_FILE = "supervisor.json"
HEARTBEAT_STALE_S = 5.0  # a heartbeat older than this: the supervisor is gone
TAIL_LINES = 200  # output lines kept per child for the exit report
MAX_ERROR_LINES = 40
MASK = "******"
MIN_MASKED_SECRET = 4  # shorter passwords are not masked: it would garble every line that holds them


class _Child:
    """One running process of an application and the thread that copies its output into the log."""

    def __init__(self, spec: LaunchSpec, proc: subprocess.Popen, app_log: AppLog, secrets: list):
        self.spec = spec
        self.proc = proc
        self.version = spec.version
        self.started = time.monotonic()
        self.running = False  # RUNNING written
        self.stop_reason = ""  # why the supervisor is stopping it ('' while it should run)
        self.stop_deadline: Optional[float] = None
        self.tail: collections.deque = collections.deque(maxlen=TAIL_LINES)
        self._log = app_log
        self._secrets = secrets
        self.reader = threading.Thread(target=self._read, name=f"output-{spec.app}", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        # Reads to the end whatever happens to the log file: a child blocked on a full pipe would stall.
        with self.proc.stdout as pipe:
            for raw in iter(lambda: pipe.readline(65536), b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                for secret in self._secrets:
                    line = line.replace(secret, MASK)
                self.tail.append(line)
                self._log.write(line)

    def signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass


class _AppRun:
    """What the supervisor keeps about one application between passes."""

    def __init__(self, app: str, app_log: AppLog, backoff_s: float):
        self.app = app
        self.log = app_log
        self.child: Optional[_Child] = None
        self.backoff_s = backoff_s  # the wait before the next start after a failure
        self.retry_at = 0.0  # monotonic time of the next start
        self.stopped_written = False


class Supervisor:
    """``start()`` launches the reconciling thread, ``stop()`` stops it and every child (status STOPPED).
    ``wake()`` asks for a pass now (after a deploy or a stop). Timings are arguments so tests can shorten
    them; the defaults are the appliance's."""

    def __init__(self, home: ApplianceHome, db: StateDB, apps: ApplicationStore, cameras: CameraRegistry, *,
                 poll_s: float = 0.5, backoff_min_s: float = 1.0, backoff_max_s: float = 60.0,
                 healthy_after_s: float = 60.0, stop_grace_s: float = 5.0, running_after_s: float = 5.0,
                 log_max_bytes: Optional[int] = None, log_backups: Optional[int] = None):
        self.home = home
        self._db = db
        self._apps = apps
        self._cameras = cameras
        self.poll_s = poll_s
        self.backoff_min_s = backoff_min_s
        self.backoff_max_s = backoff_max_s
        self.healthy_after_s = healthy_after_s
        self.stop_grace_s = stop_grace_s
        self.running_after_s = running_after_s
        self._log_options = {k: v for k, v in (("max_bytes", log_max_bytes), ("backups", log_backups)) if v}
        self._runs: dict = {}
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._started = 0.0

    # ---- life cycle
    def start(self) -> None:
        """Starts reconciling. Raises StateError when another live supervisor holds this data folder."""
        if self._thread is not None:
            raise StateError("the supervisor is already started")
        other = read_heartbeat(self.home)
        if other and other["pid"] != os.getpid() and other["alive"]:
            raise StateError(f"a supervisor (pid {other['pid']}) already runs the applications of {self.home.root}; "
                             f"stop it first (panorama serve holds it)")
        self.home.ensure()
        self._started = time.time()
        self._stop_orphans()
        self._stopping.clear()
        self._write_heartbeat()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)
        self._thread.start()
        log.info("supervisor started (pid %d) for %s", os.getpid(), self.home.root)

    def stop(self) -> None:
        """Stops the thread, then every child: SIGTERM to its process group, SIGKILL after the grace period."""
        if self._thread is None:
            return
        self._stopping.set()
        self._wake.set()
        self._thread.join()
        self._thread = None
        children = [run for run in self._runs.values() if run.child is not None]
        for run in children:
            self._ask_stop(run, "the supervisor stops")
        deadline = time.monotonic() + self.stop_grace_s
        for run in children:
            try:
                run.child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.log.note(f"pid {run.child.proc.pid} still running after {self.stop_grace_s:g} s: killed",
                             logging.WARNING)
                run.child.signal_group(signal.SIGKILL)
                run.child.proc.wait()
            self._reap(run)
        for run in self._runs.values():
            self._set_stopped(run)
            run.log.close()
        self._runs.clear()
        (self.home.run_dir / HEARTBEAT_FILE).unlink(missing_ok=True)
        log.info("supervisor stopped")

    def wake(self) -> None:
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def snapshot(self) -> dict:
        """What is not in the status table: per application, its pid, the seconds until the next start
        after a failure, the current backoff and the count of failed log writes."""
        out = {}
        for app, run in list(self._runs.items()):
            child = run.child
            out[app] = {"pid": child.proc.pid if child else None, "version": child.version if child else None,
                        "next_start_in_s": max(0.0, run.retry_at - time.monotonic()) if child is None else None,
                        "backoff_s": run.backoff_s, "log_write_errors": run.log.write_errors}
        return out

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.reconcile()
            except Exception:  # noqa: BLE001 - the supervisor must outlive a database hiccup
                log.exception("supervisor pass failed; trying again")
            self._wake.wait(self.poll_s)
            self._wake.clear()

    # ---- one pass
    def reconcile(self) -> None:
        wanted = {row["name"]: row["deployed_version"] for row in
                  self._db.query("SELECT name, deployed_version FROM applications "
                                 "WHERE desired = 'running' AND deployed_version IS NOT NULL")}
        for app, run in list(self._runs.items()):
            if run.child is not None:
                self._check_child(run, wanted.get(app))
            if app not in wanted and run.child is None:
                self._set_stopped(run)
        for app, version in wanted.items():
            run = self._runs.get(app) or self._new_run(app)
            if run.child is None and time.monotonic() >= run.retry_at:
                self._launch(run, version)
        self._forget_deleted(wanted)
        self._write_heartbeat()

    def _new_run(self, app: str) -> _AppRun:
        run = _AppRun(app, None, self.backoff_min_s)
        run.log = AppLog(self.home.app_log(app), on_problem=lambda problem: self._log_problem(app, problem),
                         **self._log_options)
        self._runs[app] = run
        return run

    def _check_child(self, run: _AppRun, wanted_version: Optional[str]) -> None:
        child = run.child
        if child.proc.poll() is None:
            if not child.stop_reason and wanted_version != child.version:
                self._ask_stop(run, f"version {wanted_version} is deployed" if wanted_version else
                               "the application was stopped")
            elif child.stop_reason and time.monotonic() >= child.stop_deadline:
                run.log.note(f"pid {child.proc.pid} still running {self.stop_grace_s:g} s after SIGTERM: killed",
                             logging.WARNING)
                child.signal_group(signal.SIGKILL)
                child.stop_deadline = float("inf")
            elif not child.stop_reason and not child.running and self._is_running(child):
                child.running = True
                self._set_status(run.app, state="RUNNING")
                run.log.note(f"version {child.version} running (pid {child.proc.pid})")
            return
        self._reap(run)

    def _is_running(self, child: _Child) -> bool:
        stats = live_stats.read(child.spec.stats_path) if child.spec.stats_path else None
        if stats is not None and stats.get("pid") == child.proc.pid:
            return stats.get("phase") == "running"
        return time.monotonic() - child.started >= self.running_after_s  # a run that writes no statistics

    def _reap(self, run: _AppRun) -> None:
        """Records the end of the child that exited: STOPPED when asked, else ERROR and a restart later."""
        child = run.child
        code = child.proc.wait()
        child.reader.join(timeout=2.0)
        run.child = None
        lasted = time.monotonic() - child.started
        reason = _exit_reason(code)
        if child.stop_reason:
            run.log.note(f"pid {child.proc.pid} stopped ({child.stop_reason}): {reason}")
            self._set_status(run.app, state="STOPPED", pid=None, view_port=None)
            run.retry_at = 0.0  # a new version starts at once
            return
        if lasted >= self.healthy_after_s:
            run.backoff_s = self.backoff_min_s
        delay = run.backoff_s
        run.backoff_s = min(self.backoff_max_s, delay * 2)
        run.retry_at = time.monotonic() + delay
        if code == 0:
            reason += " (its cameras ended; a camera application should run until stopped)"
        run.log.note(f"pid {child.proc.pid} {reason} after {lasted:.1f} s; restarting in {delay:g} s", logging.ERROR)
        detail = _last_error_lines(list(child.tail))
        with self._db.connect() as db:
            db.execute("UPDATE app_status SET state = 'ERROR', pid = NULL, view_port = NULL, restarts = restarts + 1, "
                       "last_error = ?, updated = ? WHERE app = ?",
                       (f"{reason}\n{detail}".strip(), now(), run.app))

    def _launch(self, run: _AppRun, version: str) -> None:
        app = run.app
        problem = self._apps.verify(app, version)
        spec = None
        if not problem:
            try:
                spec = build_launch(self.home, self._apps, self._cameras, app, version, self._free_port())
            except (PanoramaError, OSError, ValueError) as exc:
                problem = str(exc)
        if problem:
            self._launch_failed(run, version, f"cannot start version {version}: {problem}")
            return
        if spec.stats_path is not None:
            spec.stats_path.unlink(missing_ok=True)
        # The row first: the output thread reports log write failures into it from the first line.
        previous = self._db.query_one("SELECT version FROM app_status WHERE app = ?", (app,))
        fields = dict(state="STARTING", version=version, pid=None, view_port=spec.view_port, started=now(),
                      log_error=run.log.problem)
        if previous is None or previous["version"] != version:  # a new deployment starts a fresh count
            fields.update(restarts=0, last_error="")
        self._set_status(app, **fields)
        try:
            proc = subprocess.Popen(spec.argv, env=spec.env, cwd=spec.cwd, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            self._launch_failed(run, version, f"cannot start version {version}: {exc}")
            return
        self._set_status(app, pid=proc.pid)
        run.child = _Child(spec, proc, run.log, _secrets_of(spec))
        run.stopped_written = False
        run.log.note(f"started version {version} pid {proc.pid}"
                     + (f", live view on 127.0.0.1:{spec.view_port}" if spec.view_port else ""))

    def _launch_failed(self, run: _AppRun, version: str, message: str) -> None:
        delay = run.backoff_s
        run.backoff_s = min(self.backoff_max_s, delay * 2)
        run.retry_at = time.monotonic() + delay
        run.log.note(f"{message}; retrying in {delay:g} s", logging.ERROR)
        self._set_status(run.app, state="ERROR", version=version, pid=None, view_port=None, last_error=message)

    def _ask_stop(self, run: _AppRun, reason: str) -> None:
        child = run.child
        if child.stop_reason:
            return
        child.stop_reason = reason
        child.stop_deadline = time.monotonic() + self.stop_grace_s
        run.log.note(f"stopping pid {child.proc.pid}: {reason}")
        child.signal_group(signal.SIGTERM)

    def _set_stopped(self, run: _AppRun) -> None:
        if not run.stopped_written or self._stopping.is_set():
            self._set_status(run.app, state="STOPPED", pid=None, view_port=None)
            run.stopped_written = True
        run.backoff_s = self.backoff_min_s
        run.retry_at = 0.0

    def _forget_deleted(self, wanted: dict) -> None:
        """Drops what it keeps of applications that no longer exist (once their process is gone), and marks
        STOPPED the status rows of applications it does not run (left by an earlier supervisor)."""
        known = {row["name"] for row in self._db.query("SELECT name FROM applications")}
        for app in [a for a, run in self._runs.items() if a not in known and run.child is None]:
            self._runs.pop(app).log.close()
            (self.home.run_dir / f"{app}.stats.json").unlink(missing_ok=True)
        self._db.execute("UPDATE app_status SET state = 'STOPPED', pid = NULL, view_port = NULL, updated = ? "
                         f"WHERE state != 'STOPPED' AND app NOT IN ({','.join('?' * len(self._runs))})",
                         (now(), *self._runs))

    # ---- status, heartbeat
    def _set_status(self, app: str, **fields) -> None:
        fields["updated"] = now()
        try:
            with self._db.connect() as db:
                sets = ", ".join(f"{name} = ?" for name in fields)
                if db.execute(f"UPDATE app_status SET {sets} WHERE app = ?", (*fields.values(), app)).rowcount:
                    return
                if "state" in fields:  # the first row of this application
                    db.execute(f"INSERT INTO app_status (app, {', '.join(fields)}) "
                               f"VALUES (?, {', '.join('?' * len(fields))})", (app, *fields.values()))
        except sqlite3.IntegrityError:
            pass  # the application was deleted meanwhile: no status to keep

    def _log_problem(self, app: str, problem: str) -> None:
        if problem:
            log.error("application '%s': %s", app, problem)
        else:
            log.info("application '%s': its log is written again", app)
        self._db.execute("UPDATE app_status SET log_error = ?, updated = ? WHERE app = ?", (problem, now(), app))

    def _write_heartbeat(self) -> None:
        data = {"pid": os.getpid(), "started": self._started, "heartbeat": time.time(),
                "applications": sorted(app for app, run in self._runs.items() if run.child is not None)}
        path = self.home.run_dir / HEARTBEAT_FILE
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, path)  # readers never see half a file
        except OSError as exc:
            log.warning("cannot write the supervisor's heartbeat: %s", exc)

    def _free_port(self) -> int:
        """A loopback port nothing listens on now, and that no child of ours was given."""
        taken = {run.child.spec.view_port for run in self._runs.values() if run.child is not None}
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in taken:
                return port

    def _stop_orphans(self) -> None:
        """Stops the children of an earlier supervisor that died without stopping them (their pipe is gone)."""
        marker = str(self.home.apps_dir).encode()
        for row in self._db.query("SELECT app, pid FROM app_status WHERE pid IS NOT NULL"):
            pid = row["pid"]
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue  # gone
            if marker not in cmdline:
                continue  # the pid was reused by another program
            log.warning("application '%s': stopping pid %d left by an earlier supervisor", row["app"], pid)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.monotonic() + self.stop_grace_s
                while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                    time.sleep(0.05)


def read_heartbeat(home: ApplianceHome) -> Optional[dict]:
    """The supervisor's heartbeat file with 'alive' added (its process exists and it beat recently);
    None when there is none."""
    try:
        data = json.loads((home.run_dir / HEARTBEAT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
        return None
    try:
        os.kill(data["pid"], 0)
        exists = True
    except ProcessLookupError:
        exists = False
    except PermissionError:
        exists = True
    data["alive"] = exists and time.time() - float(data.get("heartbeat", 0)) < HEARTBEAT_STALE_S
    return data


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}"
    return f"exited with code {code}"


def _last_error_lines(lines: list) -> str:
    """The last traceback in the output (from 'Traceback' to the end), and the runtime's 'error:' line;
    else the last few lines."""
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if starts:
        picked = lines[max(0, starts[-1] - 1):]  # with the line that says what raised
    else:
        picked = lines[-5:]
    if len(picked) > MAX_ERROR_LINES:
        picked = picked[:5] + ["..."] + picked[-(MAX_ERROR_LINES - 6):]
    return "\n".join(picked)


def _secrets_of(spec: LaunchSpec) -> list:
    try:
        pairs = json.loads(spec.env.get(CAMERA_SECRETS_ENV, "[]"))
    except ValueError:
        return []
    return sorted({str(p[1]) for p in pairs if len(p) == 2 and len(str(p[1])) >= MIN_MASKED_SECRET}, key=len,
                  reverse=True)
