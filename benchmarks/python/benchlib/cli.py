"""The command line every bench_<name>.py shares when it runs alone: `--quick`, then its table on stdout."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable

from .report import table
from .result import Result


def main(run: Callable[..., Result], argv=None) -> int:
    parser = argparse.ArgumentParser(description=sys.modules[run.__module__].__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny inputs, a few seconds (the smoke test)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = run(quick=args.quick)
    result.check()
    print(f"## {result.title}\n\n{table(result)}\n")
    for note in result.notes:
        print(f"- {note}")
    return 0
