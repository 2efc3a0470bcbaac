"""The ``panorama`` command line."""
from __future__ import annotations

import argparse
import os
import sys

from .. import __version__


def build_parser() -> argparse.ArgumentParser:
    from . import apps_cmd, cameras_cmd, logs_cmd, models_cmd, run_cmd, serve_cmd, status_cmd

    parser = argparse.ArgumentParser(
        prog="panorama",
        description="Run and manage AWS Panorama applications on this machine (open, self-hosted runtime).",
    )
    parser.add_argument("--version", action="version", version=f"panoramasdk {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    run_cmd.register(subparsers)
    models_cmd.register(subparsers)
    cameras_cmd.register(subparsers)
    apps_cmd.register(subparsers)
    status_cmd.register(subparsers)
    logs_cmd.register(subparsers)
    serve_cmd.register(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    code = args.func(args)
    if getattr(args, "exits_process", False):
        # The application may have started threads of its own that never end: stop promptly anyway.
        from .. import _logbridge

        _logbridge.stop()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)
    return code


if __name__ == "__main__":
    sys.exit(main())
