"""What the appliance's commands share: opening the data folder and turning errors into exit codes."""
from __future__ import annotations

import functools
import json
import sys

from ..errors import InvalidArgumentError, NotFoundError, PanoramaError, StateError


def open_appliance():
    """The data folder's parts, or exits 1 naming the missing package (the [appliance] extra)."""
    try:
        from ..appliance.parts import Appliance
    except ImportError as exc:
        print(f"error: this command needs the appliance packages ({exc.name} is missing): "
              f"pip install 'panoramasdk[appliance]'", file=sys.stderr)
        raise SystemExit(1) from None
    return Appliance.open()


def reports_errors(command):
    """Exit 2 for a bad name or argument, 1 for anything else that failed, with the message on stderr."""
    @functools.wraps(command)
    def wrapper(args) -> int:
        try:
            return command(args) or 0
        except (InvalidArgumentError, NotFoundError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except (PanoramaError, StateError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return wrapper


def print_json(value) -> None:
    print(json.dumps(value, indent=2, default=str))


def table(rows: list, columns: list) -> None:
    """Prints rows (dicts) as aligned columns; `columns` is [(header, key or function)]."""
    cells = [[h for h, _ in columns]]
    for row in rows:
        cells.append([str(key(row) if callable(key) else row.get(key, "")) for _, key in columns])
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def last_error_line(status: dict) -> str:
    """The last line of an application's last error (or log error), for one table cell."""
    text = status.get("last_error") or status.get("log_error") or "-"
    return text.strip().splitlines()[-1][:100] if text.strip() else "-"


# The columns of an application status table (panorama status, panorama apps status).
APP_COLUMNS = [("APP", "name"), ("STATE", "state"), ("VERSION", lambda s: s["version"] or "-"),
               ("DEPLOYED", lambda s: s["deployed_version"] or "-"), ("PID", lambda s: s["pid"] or "-"),
               ("RESTARTS", "restarts"), ("LAST ERROR", last_error_line)]
