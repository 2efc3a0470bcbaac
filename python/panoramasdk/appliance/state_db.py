"""The appliance's state in SQLite (WAL mode): cameras, applications, their versions, deployments and the
status the supervisor reports.

WAL lets the API, the command line and the supervisor read and write at once without corrupting anything;
a power cut loses at most the transaction in flight (SQLite rolls it back on the next open). Every call
opens its own short connection, so this is safe from any thread or process.
"""
from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cameras (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,              -- without credentials
    username TEXT NOT NULL DEFAULT '',
    password_enc TEXT NOT NULL DEFAULT '',  -- Fernet token (secret_box.py), never the password
    description TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS applications (
    name TEXT PRIMARY KEY,
    created REAL NOT NULL,
    deployed_version TEXT,          -- the version the supervisor should run; NULL: not deployed
    desired TEXT NOT NULL DEFAULT 'stopped'  -- running | stopped
);
CREATE TABLE IF NOT EXISTS versions (
    app TEXT NOT NULL REFERENCES applications(name) ON DELETE CASCADE,
    version TEXT NOT NULL,          -- content hash (applications.py)
    seq INTEGER NOT NULL,           -- 1, 2, ... in order of creation
    created REAL NOT NULL,
    manifest TEXT NOT NULL,         -- JSON
    parent TEXT,                    -- the version it was made from, if any
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (app, version)
);
CREATE TABLE IF NOT EXISTS deploy_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL REFERENCES applications(name) ON DELETE CASCADE,
    version TEXT NOT NULL,
    action TEXT NOT NULL,           -- deploy | rollback
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS app_status (
    app TEXT PRIMARY KEY REFERENCES applications(name) ON DELETE CASCADE,
    state TEXT NOT NULL,            -- STARTING | RUNNING | ERROR | STOPPED
    version TEXT,
    pid INTEGER,
    restarts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    log_error TEXT NOT NULL DEFAULT '',  -- why the log file cannot be written (a full disk), '' when it can
    view_port INTEGER,
    started REAL,
    updated REAL NOT NULL
);
"""


class StateDB:
    def __init__(self, path: Path):
        self.path = Path(path)
        db = self._open()
        try:
            db.executescript(_SCHEMA)  # idempotent; runs in its own transaction
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            db.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: a power cut may lose the last commits, never the database's consistency.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @contextlib.contextmanager
    def connect(self):
        """One transaction: committed when the block ends, rolled back when it raises."""
        db = self._open()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def query(self, sql: str, args=()) -> list:
        with self.connect() as db:
            return [dict(row) for row in db.execute(sql, args)]

    def query_one(self, sql: str, args=()):
        rows = self.query(sql, args)
        return rows[0] if rows else None

    def execute(self, sql: str, args=()) -> int:
        """Runs one statement; returns the number of rows it changed."""
        with self.connect() as db:
            return db.execute(sql, args).rowcount

    def integrity_problems(self) -> list:
        """What PRAGMA integrity_check finds (empty when the database is sound)."""
        with self.connect() as db:
            rows = [row[0] for row in db.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows


def now() -> float:
    return time.time()
