"""Runs the `panorama` command line in a subprocess, as a user would."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "tests" / "apps"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def panorama(*args, timeout: float = 120, env: dict | None = None, cwd: Path | None = None) -> Result:
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "panoramasdk", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def start_panorama(*args, env: dict | None = None) -> subprocess.Popen:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "panoramasdk", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=full_env)
