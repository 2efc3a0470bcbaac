"""``panorama apps create|update|versions|deploy|rollback|stop|clone|delete|status``: applications and their
immutable versions."""
from __future__ import annotations

import argparse
import json
import time

from ..parameters import parse_assignments
from .appliance_cli import APP_COLUMNS, open_appliance, print_json, reports_errors, table

DESCRIPTION = """\
An application is a folder with its code and panorama-app.json (entry file, model bindings, parameters,
cameras, outputs). Every change makes a new immutable version, named by its content hash; deploying or
rolling back chooses which version the supervisor (panorama serve) runs.

  panorama apps create examples/people_counter --camera lobby
  panorama apps deploy people-counter
  panorama apps update people-counter --param threshold=0.6 --deploy
  panorama apps rollback people-counter

exit status: 0 on success, 2 for a bad name, folder or argument, 1 for other failures."""


def register(subparsers) -> None:
    p = subparsers.add_parser("apps", help="create, version, deploy and roll back applications",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="apps_command", metavar="ACTION")
    actions.required = True

    def with_changes(parser) -> None:
        parser.add_argument("--camera", action="append", metavar="NAME", help="bind cameras (video_in order)")
        parser.add_argument("--param", action="append", metavar="NAME=VALUE", help="set a parameter")
        parser.add_argument("--model", action="append", metavar="CODE_NAME=STORE_NAME",
                            help="the store model the code's model().open(CODE_NAME) loads")

    create = actions.add_parser("create", help="make an application from a folder (its first version)")
    create.add_argument("folder")
    create.add_argument("--name", help="default: the manifest's name, else the folder's")
    with_changes(create)
    create.set_defaults(func=run_create)

    update = actions.add_parser("update", help="make a new version: new code from a folder and/or changes")
    update.add_argument("name")
    update.add_argument("folder", nargs="?", help="new code (default: the newest version's)")
    update.add_argument("--base", metavar="VERSION", help="start from this version instead of the newest")
    update.add_argument("--note", default="")
    update.add_argument("--deploy", action="store_true", help="deploy the new version at once")
    with_changes(update)
    update.set_defaults(func=run_update)

    versions = actions.add_parser("versions", help="list an application's versions")
    versions.add_argument("name")
    versions.add_argument("--json", action="store_true")
    versions.set_defaults(func=run_versions)

    for action, helptext in (("deploy", "run a version (default: the newest)"),
                             ("rollback", "go back to the version deployed before (or to VERSION)")):
        sub = actions.add_parser(action, help=helptext)
        sub.add_argument("name")
        sub.add_argument("version", nargs="?")
        sub.set_defaults(func=run_deploy)

    stop = actions.add_parser("stop", help="stop the application (it stays deployed; deploy starts it again)")
    stop.add_argument("name")
    stop.set_defaults(func=run_stop)

    clone = actions.add_parser("clone", help="a new application from a version of another")
    clone.add_argument("name")
    clone.add_argument("new_name")
    clone.add_argument("--version")
    clone.set_defaults(func=run_clone)

    delete = actions.add_parser("delete", help="delete a version, or the whole application (stopping it)")
    delete.add_argument("name")
    delete.add_argument("--version", help="delete only this version (never the deployed or the last one)")
    delete.set_defaults(func=run_delete)

    status = actions.add_parser("status", help="the applications' states")
    status.add_argument("name", nargs="?")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=run_status)


def _value(text: str):
    """'0.6' -> 0.6, 'true' -> True, '12' -> 12, anything else stays text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (bool, int, float, str)) else text


def _changes(args) -> dict:
    return {
        "cameras": args.camera,
        "parameters": {k: _value(v) for k, v in parse_assignments(args.param).items()} if args.param else None,
        "models": parse_assignments(args.model) if args.model else None,
    }


def _print_version(app: str, version: dict, made: str) -> None:
    m = version["manifest"]
    print(f"application '{app}': version {version['version']} (#{version['seq']}) {made}")
    print(f"  cameras: {', '.join(m['cameras']) or '(none: bind one with --camera)'}")
    print(f"  models: {', '.join(f'{k} -> {v}' for k, v in m['models'].items()) or '(none)'}")
    print(f"  parameters: {', '.join(f'{k}={v}' for k, v in m['parameters'].items()) or '(defaults)'}")


@reports_errors
def run_create(args) -> int:
    version = open_appliance().apps.create(args.folder, args.name, **_changes(args))
    _print_version(version["manifest"]["name"], version, "created")


@reports_errors
def run_update(args) -> int:
    a = open_appliance()
    changes = _changes(args)
    if changes["parameters"] is not None and args.folder is None:
        base = args.base or a.apps.get(args.name)["versions"][-1]["version"]
        changes["parameters"] = {**a.apps.manifest(args.name, base).parameters, **changes["parameters"]}
    version = a.apps.new_version(args.name, args.folder, args.base, args.note, **changes)
    _print_version(args.name, version, f"made from {version['parent']}")
    if args.deploy:
        a.apps.deploy(args.name, version["version"])
        print(f"deployed {version['version']}")


@reports_errors
def run_versions(args) -> int:
    app = open_appliance().apps.get(args.name)
    if args.json:
        return print_json(app["versions"])
    deployed = app["deployed_version"]
    table(app["versions"], [("", lambda v: "*" if v["version"] == deployed else ""), ("#", "seq"),
                            ("VERSION", "version"), ("CREATED", lambda v: _when(v["created"])),
                            ("FROM", lambda v: v["parent"] or "-"),
                            ("PARAMETERS", lambda v: json.dumps(v["manifest"]["parameters"], sort_keys=True)),
                            ("NOTE", "note")])


@reports_errors
def run_deploy(args) -> int:
    a = open_appliance()
    app = a.apps.rollback(args.name, args.version) if args.apps_command == "rollback" else \
        a.apps.deploy(args.name, args.version)
    print(f"application '{args.name}': version {app['deployed_version']} deployed"
          + ("" if _supervised(a) else " (it starts when panorama serve runs)"))


@reports_errors
def run_stop(args) -> int:
    open_appliance().apps.stop(args.name)
    print(f"application '{args.name}' stopped")


@reports_errors
def run_clone(args) -> int:
    version = open_appliance().apps.clone(args.name, args.new_name, args.version)
    _print_version(args.new_name, version, f"cloned from '{args.name}'")


@reports_errors
def run_delete(args) -> int:
    a = open_appliance()
    if args.version:
        a.apps.delete_version(args.name, args.version)
        print(f"application '{args.name}': version {args.version} deleted")
    else:
        a.apps.delete(args.name)
        print(f"application '{args.name}' deleted")


@reports_errors
def run_status(args) -> int:
    from ..appliance.overview import appliance_status

    a = open_appliance()
    apps = [app for app in appliance_status(a)["apps"] if args.name in (None, app["name"])]
    if args.name and not apps:
        a.apps.get(args.name)  # the not-found error
    if args.json:
        return print_json(apps)
    table(apps, APP_COLUMNS)


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def _supervised(a) -> bool:
    from ..appliance.overview import supervisor_state

    return supervisor_state(a)["running"]
