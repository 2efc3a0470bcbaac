"""The benchmarks' shared pieces. A benchmark is a file ``benchmarks/python/bench_<name>.py`` with

    def run(quick: bool = False) -> Result

that measures its rows (each with frames/s and the name of the baseline row it is compared with, measured
in the same run on the same input) and returns them; ``run_all.py`` collects every benchmark's Result into
``benchmarks/results/RESULTS.md`` and one PNG per benchmark. ``quick`` means tiny inputs and a few seconds:
the smoke test runs that. Each file ends with ``if __name__ == "__main__": raise SystemExit(cli.main(run))``
so it also runs alone and prints its table.
"""
from .clips import bench_dir, describe, pedestrians_1080p, pedestrians_looped, probe, tiny_clip
from .panorama_run import NOOP_APP, PEOPLE_COUNTER, PEOPLE_MODEL, RunStats, panorama_run
from .result import Result, Row, goal_line
from .timing import Samples, best_of, run_timed, time_calls

__all__ = [
    "NOOP_APP", "PEOPLE_COUNTER", "PEOPLE_MODEL", "Result", "Row", "RunStats", "Samples", "bench_dir", "best_of",
    "describe", "goal_line", "panorama_run", "pedestrians_1080p", "pedestrians_looped", "probe", "run_timed",
    "time_calls", "tiny_clip",
]
