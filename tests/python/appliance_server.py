"""A real ``panorama serve`` for tests: a subprocess on a free loopback port over a private data folder."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class ApplianceServer:
    def __init__(self, home: Path, startup_timeout_s: float = 30.0):
        self.home = Path(home)
        env = dict(os.environ, PANORAMA_HOME=str(self.home), PYTHONPATH=str(ROOT / "python"))
        self.log_path = self.home.parent / "serve.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "panoramasdk", "serve", "--port", "0"], env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + startup_timeout_s
        info = self.home / "run" / "serve.json"
        while not info.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"panorama serve did not start: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        self.port = json.loads(info.read_text())["port"]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.token = (self.home / "api-token").read_text().strip()
        self.client = httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.token}"},
                                   timeout=30.0)

    def wait_for(self, predicate, what: str, timeout_s: float = 60.0, poll_s: float = 0.3):
        """Polls predicate() until it returns something true; fails naming `what` and the server's log."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; server log:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(poll_s)

    def app_status(self, app: str) -> dict:
        return self.client.get(f"/api/apps/{app}").json()["status"]

    def close(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode
