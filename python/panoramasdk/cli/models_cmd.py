"""``panorama models add|list|remove``: the model store from the command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InvalidArgumentError, PanoramaError

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
    add.add_argument("--preprocess", metavar="JSON|@FILE",
                     help="how a frame becomes the model's input, recorded for model.batch(i, media): a JSON "
                          "object like '{\"size\": [512, 512], \"channel_order\": \"bgr\", \"mean\": [0.485, "
                          "0.456, 0.406], \"std\": [0.229, 0.224, 0.225]}' or @file.json; replaces a spec "
                          "embedded in the ONNX file's metadata (panoramasdk.preprocess)")
    add.add_argument("--replace", action="store_true", help="replace a model of the same name")
    add.set_defaults(func=run)

    lst = actions.add_parser("list", help="list the models in the store")
    lst.set_defaults(func=run)

    rm = actions.add_parser("remove", help="remove a model from the store")
    rm.add_argument("name")
    rm.set_defaults(func=run)


def _shapes(tensors) -> str:
    return "; ".join(f"{t.name} {tuple(t.shape)} {t.dtype}" for t in tensors)


def _read_spec(value):
    """--preprocess: JSON text, or @FILE holding it; None when not given."""
    if value is None or not value.startswith("@"):
        return value
    path = Path(value[1:]).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidArgumentError(f"--preprocess {value}: cannot read {path}: {exc.strerror}") from None


def run(args) -> int:
    from ..models.preprocess_spec import describe_preprocess
    from ..models.store import ModelStore

    store = ModelStore()
    try:
        if args.models_command == "add":
            entry = store.add(args.name, args.path, args.input or None, replace=args.replace,
                              preprocess=_read_spec(args.preprocess))
            d = entry.descriptor
            print(f"added model '{d.name}' to {entry.folder}")
            print(f"  inputs:     {_shapes(d.inputs)}")
            print(f"  outputs:    {_shapes(d.outputs)}")
            print(f"  preprocess: {describe_preprocess(d.preprocess)}")
        elif args.models_command == "list":
            entries = store.list()
            if not entries:
                print(f"no models in {store.root}")
            for entry in entries:
                d = entry.descriptor
                print(f"{d.name}\t{d.framework}\tinputs: {_shapes(d.inputs)}\toutputs: {_shapes(d.outputs)}"
                      f"\tpreprocess: {describe_preprocess(d.preprocess)}\tadded {d.created}")
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
