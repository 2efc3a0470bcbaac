"""``panorama cameras add|discover|list|remove``: the appliance's cameras."""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from .appliance_cli import open_appliance, print_json, reports_errors, table

DESCRIPTION = """\
Cameras are named RTSP streams that applications bind to. Passwords are stored encrypted (key in
$PANORAMA_HOME/secret.key, mode 0600) and never shown again. Give the password with --password-stdin,
PANORAMA_CAMERA_PASSWORD, or at the prompt: never on the command line, where `ps` shows it.

exit status: 0 on success, 2 for a bad name or URL or an unknown camera, 1 for other failures."""


def register(subparsers) -> None:
    p = subparsers.add_parser("cameras", help="add, discover, list and remove cameras", description=DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="cameras_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="add a camera by hand")
    add.add_argument("name")
    add.add_argument("url", help="rtsp://host[:port]/path")
    add.add_argument("--user", default="", help="user name (or put it in the URL)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--ask-password", action="store_true", help="prompt for the password")
    add.add_argument("--description", default="")
    add.add_argument("--replace", action="store_true", help="replace a camera of the same name")
    add.set_defaults(func=run_add)

    discover = actions.add_parser("discover", help="find ONVIF cameras on the local network (WS-Discovery)")
    discover.add_argument("--user", default="", help="user name for the cameras' ONVIF service")
    discover.add_argument("--password-stdin", action="store_true")
    discover.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS")
    discover.add_argument("--interface", metavar="NAME|ADDRESS",
                          help="probe on this interface only (default: every one but loopback)")
    discover.add_argument("--json", action="store_true")
    discover.set_defaults(func=run_discover)

    lst = actions.add_parser("list", help="list the cameras and their live state")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)

    rm = actions.add_parser("remove", help="remove a camera")
    rm.add_argument("name")
    rm.set_defaults(func=run_remove)


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if getattr(args, "ask_password", False):
        return getpass.getpass("camera password: ")
    return os.environ.get("PANORAMA_CAMERA_PASSWORD", "")


@reports_errors
def run_add(args) -> int:
    camera = open_appliance().cameras.add(args.name, args.url, args.user, _password(args), args.description,
                                          replace=args.replace)
    secret = "password stored encrypted" if camera["has_password"] else "no password"
    print(f"camera '{camera['name']}': {camera['url']} (user {camera['username'] or '-'}, {secret})")


@reports_errors
def run_list(args) -> int:
    from ..appliance.live_status import IDLE_CAMERA_STATUS, camera_states

    a = open_appliance()
    states = camera_states(a)
    cameras = [dict(c, status=states.get(c["name"], IDLE_CAMERA_STATUS)) for c in a.cameras.list()]
    if args.json:
        return print_json(cameras)
    if not cameras:
        print("no cameras: add one with panorama cameras add NAME rtsp://...")
        return 0
    table(cameras, [("NAME", "name"), ("URL", "url"), ("USER", "username"),
                    ("STATE", lambda c: c["status"]["state"]), ("FPS", lambda c: f"{c['status']['fps']:.1f}"),
                    ("DECODER", lambda c: c["status"]["decoder"] or "-"),
                    ("APPS", lambda c: ",".join(c["status"]["apps"]) or "-"),
                    ("LAST ERROR", lambda c: c["status"]["last_error"] or "-")])


@reports_errors
def run_remove(args) -> int:
    open_appliance().remove_camera(args.name)
    print(f"camera '{args.name}' removed")


@reports_errors
def run_discover(args) -> int:
    from ..appliance.onvif_discovery import discover

    print(f"probing for ONVIF cameras for {args.timeout:g} s ...", file=sys.stderr)
    found = discover(args.user, _password(args), args.timeout, interface=args.interface)
    rows = []
    for device, details, error in found:
        profiles = details.profiles if details else []
        rows.append({"address": device.address, "name": device.name or "-",
                     "model": f"{details.manufacturer} {details.model}" if details else "-",
                     "streams": [{"profile": p.name, "uri": p.uri, "size": f"{p.width}x{p.height}"} for p in profiles],
                     "error": error or ""})
    if args.json:
        return print_json(rows)
    if not rows:
        print("no ONVIF camera answered")
    for row in rows:
        print(f"{row['address']}  {row['name']}  {row['model']}" + (f"  error: {row['error']}" if row["error"] else ""))
        for stream in row["streams"]:
            print(f"    {stream['profile']}: {stream['uri']} ({stream['size']})")
    if rows:
        print("add one with: panorama cameras add NAME URI --user USER --ask-password")
