"""`panorama run APP` as a benchmark sees it: the command line, and the runtime's own figures (the JSON
file that PANORAMA_STATS_JSON names: loop stage times, per-camera counts, per-output latency)."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .timing import run_timed

ROOT = Path(__file__).resolve().parents[3]
NOOP_APP = ROOT / "benchmarks" / "python" / "noop_app.py"
PEOPLE_COUNTER = ROOT / "examples" / "people_counter" / "app.py"
PEOPLE_MODEL = ROOT / "build" / "models" / "people-ssd.onnx"
STATS_JSON_ENV = "PANORAMA_STATS_JSON"  # runtime/run_stats.py


@dataclass
class RunStats:
    frame_sets: int
    process_s: float  # the whole process: interpreter start-up, imports, init() included
    run_s: float  # the runtime's run: streams opened, init(), the loop, outputs flushed; no start-up
    loop_s: float  # first entry() to the outputs' last frame: the steady part of the run
    wait_s: float  # totals over the run: waiting for decoded frames,
    entry_s: float  # in the application's entry(),
    output_s: float  # handing outputs over
    raw: dict  # everything the runtime wrote (streams, outputs with latency percentiles)

    @property
    def fps(self) -> float:
        """Frame sets a second after init()."""
        return self.frame_sets / self.loop_s

    def per_frame_set_us(self, seconds: float) -> float:
        return 1e6 * seconds / self.frame_sets


def command(app: Path, cameras: list, log_file: Path, *args: str) -> list:
    """The `panorama run` command line (this interpreter, so the same environment and build)."""
    cmd = [sys.executable, "-m", "panoramasdk", "run", str(app), "--log-file", str(log_file)]
    for camera in cameras:
        cmd += ["--camera", str(camera)]
    return cmd + list(args)


def read_stats(path: Path, process_s: float) -> RunStats:
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"panorama run wrote no figures to {STATS_JSON_ENV}={path}: {exc}") from None
    if not raw.get("frame_sets"):
        raise RuntimeError(f"panorama run delivered no frame set ({path})")
    return RunStats(raw["frame_sets"], process_s, raw["wall_s"], raw["loop_s"], raw["wait_s"], raw["entry_s"],
                    raw["output_s"], raw)


def panorama_run(app: Path, cameras: list, work_dir: Path, *args: str) -> RunStats:
    """Runs the application to its end (the sources' end or --frames, in `args`) and returns its figures.
    Its log and figures go to work_dir."""
    work_dir = Path(work_dir)
    stats_path = work_dir / "run-stats.json"
    stats_path.unlink(missing_ok=True)
    seconds = run_timed(command(app, cameras, work_dir / "run.log", *args), env={STATS_JSON_ENV: str(stats_path)})
    return read_stats(stats_path, seconds)
