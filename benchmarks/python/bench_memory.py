"""Resident memory of `panorama run` of the people counter over a long run: the pedestrian clip repeated
for the whole run and played as a live camera (--realtime, 10 frames/s), the model inferring every frame,
the output drawn and recorded. psutil samples the process's RSS every second; the first minute is warm-up
(model load, pools filling, the encoder's look-ahead), the rest must stay flat within +-5%."""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
from benchlib import PEOPLE_COUNTER, PEOPLE_MODEL, Result, Row, cli, describe, goal_line, pedestrians_looped
from benchlib.panorama_run import STATS_JSON_ENV, command, read_stats

MIB = 2**20
GOAL_PERCENT = 5.0


def sample_rss(proc: subprocess.Popen, seconds: float, interval_s: float = 1.0) -> list:
    """(seconds since start, RSS bytes) every interval_s until `seconds` pass or the process ends."""
    ps = psutil.Process(proc.pid)
    t0 = time.monotonic()
    samples = []
    while (elapsed := time.monotonic() - t0) < seconds and proc.poll() is None:
        try:
            samples.append((elapsed, ps.memory_info().rss))
        except psutil.NoSuchProcess:
            break
        time.sleep(interval_s - (time.monotonic() - t0 - elapsed))
    return samples


def soak(seconds: int, work_dir: Path) -> tuple:
    """Runs the people counter for `seconds`, then stops it as a user would (SIGINT). Returns (samples,
    RunStats)."""
    if not PEOPLE_MODEL.is_file():
        raise FileNotFoundError(f"model {PEOPLE_MODEL} not found: make it with `make model`")
    clip = pedestrians_looped(seconds + 30)  # never ends before the run does
    stats_path = work_dir / "run-stats.json"
    cmd = command(PEOPLE_COUNTER, [clip], work_dir / "people_counter.log", "--realtime",
                  "--model", f"aws-panorama-sample-model={PEOPLE_MODEL}", "--param", "threshold=0.5",
                  "--record", str(work_dir / "people_counter.mp4"))
    env = {**os.environ, STATS_JSON_ENV: str(stats_path)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        samples = sample_rss(proc, seconds)
        proc.send_signal(signal.SIGINT)  # the runtime stops after the current frame and writes its figures
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"panorama run of the people counter failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    return clip, samples, read_stats(stats_path, time.perf_counter() - t0)


def run(quick: bool = False) -> Result:
    seconds, warmup = (20, 5) if quick else (300, 60)
    with tempfile.TemporaryDirectory() as tmp:
        clip, samples, stats = soak(seconds, Path(tmp))
    t = np.array([s[0] for s in samples])
    rss = np.array([s[1] for s in samples], dtype=np.float64) / MIB
    steady = t >= warmup
    if steady.sum() < 3:
        raise RuntimeError(f"only {int(steady.sum())} RSS samples after the warm-up: the run ended early")
    ts, rs = t[steady], rss[steady]
    mean = float(rs.mean())
    deviation = float(np.max(np.abs(rs - mean)) / mean * 100)
    slope = float(np.polyfit(ts / 60, rs, 1)[0])  # MiB a minute
    result = Result("memory", f"Memory: resident size of the people counter over {seconds} s")
    result.rows.append(Row(f"people counter, --realtime 10 fps, after {warmup} s warm-up", stats.fps, None, {
        "RSS min MiB": float(rs.min()), "RSS max MiB": float(rs.max()), "RSS mean MiB": mean,
        "max deviation %": deviation, "slope MiB/min": slope,
        "drift over run %": slope * (ts[-1] - ts[0]) / 60 / mean * 100, "samples": int(steady.sum())}))
    result.rows.append(Row(f"warm-up (first {warmup} s)", None, None, {
        "RSS min MiB": float(rss[~steady].min()), "RSS max MiB": float(rss[~steady].max())}))
    result.notes += [
        f"input: {describe(clip)}, played with --realtime; frames/s: frame sets a second after init(), the "
        f"clip's own rate when the app keeps up; {stats.frame_sets} frame sets",
        "RSS of the `panorama run` process (psutil, every second); slope: least-squares line after warm-up",
        goal_line("largest deviation from the mean RSS after warm-up", deviation, GOAL_PERCENT, unit="%",
                  higher_is_better=False),
    ]

    def plot(ax):
        ax.plot(t, rss, lw=1, color="tab:blue", label="RSS")
        ax.axvspan(0, warmup, color="0.9", label="warm-up")
        ax.axhspan(mean * (1 - GOAL_PERCENT / 100), mean * (1 + GOAL_PERCENT / 100), color="tab:green", alpha=0.15,
                   label=f"mean after warm-up +-{GOAL_PERCENT:g}%")
        ax.set_xlabel("seconds")
        ax.set_ylabel("resident memory (MiB)")
        ax.set_ylim(0, max(rss.max(), mean * 1.1) * 1.05)
        ax.legend(loc="lower right", fontsize=8)

    result.plot = plot
    return result


if __name__ == "__main__":
    raise SystemExit(cli.main(run))
