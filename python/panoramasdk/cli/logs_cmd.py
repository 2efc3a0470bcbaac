"""``panorama logs APP [-f] [-n N]``: an application's log (its output and the supervisor's lines about it)."""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import NotFoundError
from .appliance_cli import open_appliance, reports_errors

DESCRIPTION = """\
Prints the newest lines of the application's log, $PANORAMA_HOME/logs/apps/APP.log (rotated at 5 MiB,
three older files kept as APP.log.1 ... .3): what the application printed and logged, and the
supervisor's lines about it (started, exited and why, restarting). With -f, keeps printing new lines
as they are written, across rotations, until Ctrl-C."""


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a number of lines (0 or more), got {text!r}")
    return int(text)


def register(subparsers) -> None:
    p = subparsers.add_parser("logs", help="print (or follow) an application's log", description=DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("app", help="the application's name")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines until Ctrl-C")
    p.add_argument("-n", "--lines", type=_count, default=50, metavar="N", help="how many lines first (default 50)")
    p.set_defaults(func=run)


@reports_errors
def run(args) -> int:
    from ..appliance.app_logs import app_log_names, follow, read_tail

    home = open_appliance().home
    if not home.app_log(args.app).exists():
        known = app_log_names(home)
        raise NotFoundError(f"application '{args.app}' has no log in {home.app_log(args.app).parent}; "
                            f"logs exist for: {', '.join(known) or '(none: no application has run yet)'}")
    lines = follow(home, args.app, lines=args.lines) if args.follow else read_tail(home, args.app, args.lines)
    try:
        for line in lines:
            print(line, flush=args.follow)
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # piped into `head`, which has read enough
        # (as the Python docs advise: no second error when the interpreter flushes stdout at exit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
