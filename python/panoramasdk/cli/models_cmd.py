"""``panorama models add|list|remove``: the model store from the command line."""
from __future__ import annotations

import argparse
import sys

from ..errors import PanoramaError

DESCRIPTION = """\
Models are found by name, as on the appliance: `panorama models add people-ssd ./model.onnx` makes
`panoramasdk.model().open("people-ssd")` load that file. The store is $PANORAMA_HOME/models
(default ~/.panorama/models), one folder per model with the ONNX file and its model.json.

exit status: 0 on success, 2 for a bad name, file or shape, 1 for other failures."""


def register(subparsers) -> None:
    p = subparsers.add_parser("models", help="add, list and remove models in the model store",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="models_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="add an ONNX model under a name")
    add.add_argument("name", help="the model's name (letters, digits, '-', '_', '.')")
    add.add_argument("path", help="the ONNX file")
    add.add_argument("--input", action="append", default=[], metavar="NAME:SHAPE",
                     help="the shape of an input with dynamic dimensions, batch first, e.g. data:1,3,512,512; "
                          "repeat for several inputs")
    add.add_argument("--replace", action="store_true", help="replace a model of the same name")
    add.set_defaults(func=run)

    lst = actions.add_parser("list", help="list the models in the store")
    lst.set_defaults(func=run)

    rm = actions.add_parser("remove", help="remove a model from the store")
    rm.add_argument("name")
    rm.set_defaults(func=run)


def _shapes(tensors) -> str:
    return "; ".join(f"{t.name} {tuple(t.shape)} {t.dtype}" for t in tensors)


def run(args) -> int:
    from ..models.store import ModelStore

    store = ModelStore()
    try:
        if args.models_command == "add":
            entry = store.add(args.name, args.path, args.input or None, replace=args.replace)
            d = entry.descriptor
            print(f"added model '{d.name}' to {entry.folder}")
            print(f"  inputs:  {_shapes(d.inputs)}")
            print(f"  outputs: {_shapes(d.outputs)}")
        elif args.models_command == "list":
            entries = store.list()
            if not entries:
                print(f"no models in {store.root}")
            for entry in entries:
                d = entry.descriptor
                print(f"{d.name}\t{d.framework}\tinputs: {_shapes(d.inputs)}\toutputs: {_shapes(d.outputs)}"
                      f"\tadded {d.created}")
        elif args.models_command == "remove":
            store.remove(args.name)
            print(f"removed model '{args.name}' from {store.root}")
    except (PanoramaError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
