"""``panorama status`` (the appliance at a glance) and ``panorama token`` (the API token, on request)."""
from __future__ import annotations

from .appliance_cli import APP_COLUMNS, open_appliance, print_json, reports_errors, table


def register(subparsers) -> None:
    p = subparsers.add_parser("status", help="the appliance at a glance: supervisor, host, applications")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_status)
    t = subparsers.add_parser("token", help="print the API token of panorama serve (made if missing)")
    t.set_defaults(func=run_token)


@reports_errors
def run_status(args) -> int:
    from ..appliance.overview import appliance_status

    status = appliance_status(open_appliance())
    if args.json:
        return print_json(status)
    supervisor = status["supervisor"]
    host = status["host"]
    memory = host["memory"]
    print(f"panoramasdk {status['version']}, data folder {status['data_folder']}")
    running = f"running (pid {supervisor['pid']})" if supervisor["running"] else "not running (start panorama serve)"
    print(f"supervisor: {running}")
    free_mem = f", memory {memory['available_bytes'] / 2**30:.1f} of {memory['total_bytes'] / 2**30:.1f} GiB free" \
        if memory["total_bytes"] else ""
    print(f"host: {host['cpu_count']} CPUs, load {host['load_average'][0]:.2f}{free_mem}, "
          f"disk {host['disk']['free_bytes'] / 2**30:.1f} GiB free, "
          f"GPUs: {', '.join(g.get('name', '?') for g in host['gpus']) or 'none'}")
    counts = status["counts"]
    print(f"{counts['cameras']} cameras, {counts['models']} models, {counts['apps']} applications")
    if status["apps"]:
        table(status["apps"], APP_COLUMNS)


@reports_errors
def run_token(args) -> int:
    from ..appliance.api.auth import load_or_create_token

    print(load_or_create_token(open_appliance().home))
