"""``panorama models import|list|describe|compile|delete``: the model store from the command line
(``add`` and ``remove``, the first names, still work)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InvalidArgumentError, NoCudaError, PanoramaError, UnsupportedError

DESCRIPTION = """\
Models are found by name, as on the appliance: `panorama models import people-ssd ./model.onnx` makes
`panoramasdk.model().open("people-ssd")` load that file. PyTorch (TorchScript .pt, torch.export .pt2) and
TensorFlow SavedModel folders are converted to ONNX on import when their converter is installed (torch,
onnxscript for .pt2, tensorflow and tf2onnx). The store is $PANORAMA_HOME/models (default
~/.panorama/models), one folder per model with the ONNX file and its model.json.
`panorama models compile NAME` builds the model's TensorRT engine ahead of time (pip install tensorrt; an
NVIDIA GPU), cached in the model's engines/ folder per GPU, TensorRT version, precision and batch sizes;
`panorama run --device cuda` then starts without the build's minutes.

exit status: 0 on success, 2 for a bad name, file or shape, 1 for other failures (a converter, TensorRT or
a GPU that is missing among them)."""

_INPUT_HELP = ("an input's shape, batch first, e.g. data:1,3,512,512: needed for dynamic dimensions and for "
               "every input of a TorchScript model; repeat for several inputs")
_PREPROCESS_HELP = ("how a frame becomes the model's input, recorded for model.batch(i, media): a JSON object like "
                    "'{\"size\": [512, 512], \"channel_order\": \"bgr\", \"mean\": [0.485, 0.456, 0.406], "
                    "\"std\": [0.229, 0.224, 0.225]}' or @file.json; replaces a spec embedded in the ONNX file's "
                    "metadata (panoramasdk.preprocess)")


def register(subparsers) -> None:
    p = subparsers.add_parser("models", help="import, list, describe and delete models in the model store",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="models_command", metavar="ACTION")
    actions.required = True

    for action, help_text, path_help in (
            ("import", "import a model under a name (ONNX, or PyTorch / TensorFlow converted to ONNX)",
             "the model: a .onnx file, a TorchScript .pt/.pth, a torch.export .pt2 or a SavedModel folder"),
            ("add", "add an ONNX model under a name (as import, for ONNX files only)", "the ONNX file")):
        sub = actions.add_parser(action, help=help_text)
        sub.add_argument("name", help="the model's name (letters, digits, '-', '_', '.')")
        sub.add_argument("path", help=path_help)
        sub.add_argument("--input", action="append", default=[], metavar="NAME:SHAPE", help=_INPUT_HELP)
        sub.add_argument("--preprocess", metavar="JSON|@FILE", help=_PREPROCESS_HELP)
        sub.add_argument("--replace", action="store_true", help="replace a model of the same name")
        sub.set_defaults(func=run, models_action=action)

    lst = actions.add_parser("list", help="list the models in the store")
    lst.set_defaults(func=run, models_action="list")

    describe = actions.add_parser("describe", help="show a model's inputs, outputs, source, size and checksum")
    describe.add_argument("name")
    describe.add_argument("--json", action="store_true", help="print it as one JSON object")
    describe.set_defaults(func=run, models_action="describe")

    compile_ = actions.add_parser("compile", help="build the model's TensorRT engine ahead of time (needs a GPU "
                                                  "and pip install tensorrt)")
    compile_.add_argument("name")
    compile_.add_argument("--fp16", action=argparse.BooleanOptionalAction, default=None,
                          help="build in FP16 where the GPU has fast FP16 (default: TVM_TENSORRT_USE_FP16=1 asks "
                               "for it, as in the Panorama guide)")
    compile_.add_argument("--max-batch", type=int, metavar="N",
                          help="the largest batch size the engine takes (a model with a dynamic batch dimension; "
                               "default: the model's recorded batch size)")
    compile_.set_defaults(func=run, models_action="compile")

    delete = actions.add_parser("delete", aliases=["remove"], help="delete a model from the store")
    delete.add_argument("name")
    delete.set_defaults(func=run, models_action="delete")


class ProgressLine:
    """Progress of a long step on `stream`: one line rewritten in place on a terminal, else one line per
    stage (a log stays readable)."""

    def __init__(self, stream, label: str):
        self.stream, self.label = stream, label
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.stage, self.width = None, 0

    def __call__(self, stage: str, fraction) -> None:
        if self.tty:
            text = f"{self.label}: {stage}" + (f" {fraction:4.0%}" if fraction is not None else " ...")
            self.stream.write("\r" + text.ljust(self.width))
            self.width = max(self.width, len(text))
        elif stage != self.stage:
            self.stream.write(f"{self.label}: {stage}\n")
        self.stage = stage
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")  # the result lines follow on a clean line
            self.stream.flush()


def _shapes(tensors) -> str:
    return "; ".join(f"{t.name} {tuple(t.shape)} {t.dtype}" for t in tensors)


def _json_shapes(tensors) -> str:
    return "; ".join(f"{t['name']} {tuple(t['shape'])} {t['dtype']}" for t in tensors)


def _read_spec(value):
    """--preprocess: JSON text, or @FILE holding it; None when not given."""
    if value is None or not value.startswith("@"):
        return value
    path = Path(value[1:]).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidArgumentError(f"--preprocess {value}: cannot read {path}: {exc.strerror}") from None


def _print_describe(info: dict) -> None:
    onnx = info["onnx"]
    source = info["source_format"] + (f" ({info['source_file']})" if info["source_file"] else "")
    producer = " ".join(p for p in (onnx["producer_name"], onnx["producer_version"]) if p) or "unknown"
    pre = info["preprocess"]
    rows = [("name", info["name"]), ("source", source),
            ("file", f"{info['path']} ({info['size_bytes']} bytes)"), ("sha256", info["sha256"]),
            ("onnx", f"opset {onnx['opset']}, IR version {onnx['ir_version']}, producer {producer}"),
            ("inputs", _json_shapes(info["inputs"])), ("outputs", _json_shapes(info["outputs"])),
            ("dynamic batch", "yes" if info["dynamic_batch"] else "no"),
            ("preprocess", json.dumps(pre) if pre is not None else "none"),
            ("created", info["created"] or "unknown")]
    if info["run_override"]:
        rows.append(("run override", "yes (not in the store)"))
    for key, value in rows:
        print(f"{key + ':':15}{value}")


def _add(store, args) -> None:
    from ..models.preprocess_spec import describe_preprocess

    spec = _read_spec(args.preprocess)
    if args.models_action == "add":
        entry = store.add(args.name, args.path, args.input or None, replace=args.replace, preprocess=spec)
    else:
        progress = ProgressLine(sys.stderr, f"import {args.name}")
        try:
            entry = store.import_model(args.name, args.path, args.input or None, replace=args.replace,
                                       preprocess=spec, progress=progress)
        finally:
            progress.close()
    d = entry.descriptor
    verb = "added" if args.models_action == "add" else f"imported {d.source_format}"
    print(f"{verb} model '{d.name}' to {entry.folder}")
    print(f"  inputs:     {_shapes(d.inputs)}")
    print(f"  outputs:    {_shapes(d.outputs)}")
    print(f"  preprocess: {describe_preprocess(d.preprocess)}")


def _compile(store, args) -> None:
    from ..models.engine_tensorrt import compile_model

    entry = store.find(args.name)
    progress = ProgressLine(sys.stderr, f"compile {args.name}")
    try:
        result = compile_model(entry, args.fp16, args.max_batch, progress)
    finally:
        progress.close()
    verb = "found the compiled" if result["how"] == "cached" else f"compiled ({result['how']})"
    print(f"{verb} TensorRT {result['tensorrt']} engine of model '{args.name}': {result['path']}")
    print(f"  precision: {'fp16' if result['fp16'] else 'fp32'}, batch sizes up to {result['max_batch']}")


def run(args) -> int:
    from ..models.preprocess_spec import describe_preprocess
    from ..models.store import ModelStore

    store = ModelStore()
    try:
        if args.models_action in ("import", "add"):
            _add(store, args)
        elif args.models_action == "list":
            entries = store.list()
            if not entries:
                print(f"no models in {store.root}")
            for entry in entries:
                d = entry.descriptor
                print(f"{d.name}\t{d.source_format}\tinputs: {_shapes(d.inputs)}\toutputs: {_shapes(d.outputs)}"
                      f"\tpreprocess: {describe_preprocess(d.preprocess)}\tadded {d.created}")
        elif args.models_action == "describe":
            info = store.describe(args.name)
            if args.json:
                print(json.dumps(info, indent=2))
            else:
                _print_describe(info)
        elif args.models_action == "compile":
            _compile(store, args)
        elif args.models_action == "delete":
            store.delete(args.name)
            print(f"deleted model '{args.name}' from {store.root}")
    except (UnsupportedError, NoCudaError) as exc:  # a converter, TensorRT or a GPU missing: not the file's fault
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (PanoramaError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
