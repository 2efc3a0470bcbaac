"""`make bench`: runs every benchmarks/python/bench_<name>.py (or those -k picks) and writes
benchmarks/results/RESULTS.md with the machine's description, one table per benchmark, and a PNG each.

Usage: python benchmarks/python/run_all.py [--quick] [-k NAME ...] [--out DIR]"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchlib import machine, report  # noqa: E402

log = logging.getLogger("bench")


def discover(patterns: list) -> list:
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    if patterns:
        names = [n for n in names if any(p in n for p in patterns)]
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny inputs, seconds per benchmark (smoke test)")
    parser.add_argument("-k", action="append", default=[], metavar="NAME",
                        help="run only the benchmarks whose name contains NAME (repeatable)")
    parser.add_argument("--out", type=Path, default=HERE.parent / "results", help="where RESULTS.md and PNGs go")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

    names = discover(args.k)
    if not names:
        parser.error(f"no benchmark matches {args.k}; known: {', '.join(discover([]))}")
    command = "python benchmarks/python/run_all.py" + (" --quick" if args.quick else "") + \
        "".join(f" -k {k}" for k in args.k)
    failed = []
    for name in names:
        log.info("benchmark %s%s", name, " (quick)" if args.quick else "")
        info = machine.describe()  # per benchmark: the load it ran under, and the commit
        other_work = machine.OtherWork()
        t0 = time.perf_counter()
        try:
            result = importlib.import_module(f"bench_{name}").run(quick=args.quick)
            result.check()
        except Exception:  # one broken benchmark must not lose the others' numbers
            log.error("benchmark %s failed:\n%s", name, traceback.format_exc())
            failed.append(name)
            continue
        info["CPU used by other processes"] = f"{other_work.share():.0%}"
        log.info("benchmark %s: %.1f s\n%s", name, time.perf_counter() - t0, report.table(result))
        report.write([result], info, args.out, command)  # at once: a later failure keeps it
    path = report.write([], machine.describe(), args.out, command)
    log.info("wrote %s", path)
    if failed:
        log.error("failed benchmarks: %s", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
