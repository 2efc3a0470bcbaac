"""``panorama run APP.py``: runs a Panorama application file against cameras, models and outputs."""
from __future__ import annotations

import argparse
import json
import logging
import os
import runpy
import sys
import traceback
from pathlib import Path

from ..errors import NoCudaError
from ..parameters import ParameterError, parse_assignments
from ..runtime import app_logging, session
from ..runtime.config import CAMERA_SECRETS_ENV, DEVICE_ENV, CameraSpec, RunConfig, set_config
from ..runtime.numpy_compat import restore_removed_aliases

log = logging.getLogger("panoramasdk.runtime")

DESCRIPTION = """\
Runs a Panorama application (a Python file whose module-level main() calls .run() on a panoramasdk.base
subclass) unmodified. Each --camera becomes one media of inputs.video_in; outputs.video_out[i] is recorded
and shown. Video files deliver every frame in order and the run ends with them (unless --realtime);
RTSP cameras keep the newest frame and reconnect when they drop.

With several cameras, --record PATH.mp4 writes one file per output: PATH-0.mp4, PATH-1.mp4, ...
The application's print() and logging go to stdout and to its log file
($PANORAMA_HOME/logs/APP.log unless --log-file).
Camera credentials go in the URI (rtsp://user:pass@host/path) or in PANORAMA_CAMERA_USER /
PANORAMA_CAMERA_PASSWORD; they are never printed.

Models run where --device says (default auto, or PANORAMA_DEVICE): cpu is ONNX Runtime on the CPU; cuda is
TensorRT (engines built on first use and cached per GPU, see `panorama models compile`) or else ONNX
Runtime's CUDA provider; auto takes the GPU when it can and logs why it did not. With auto and cuda the
cameras decode on NVDEC when it is usable, else on the CPU (logged; --stats names each camera's decoder).

exit status: 0 when the sources end or --frames is reached; 1 when the application fails to import,
init() fails, every camera fails or --device cuda cannot run here (the message names what is missing);
2 for bad arguments."""


def _host_port(text: str) -> tuple:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (for example 127.0.0.1:8080), got {text!r}")
    return (host or "127.0.0.1", int(port))


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def register(subparsers) -> None:
    p = subparsers.add_parser("run", help="run a Panorama application", description=DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("app", help="the application's Python file")
    p.add_argument("--camera", action="append", default=[], metavar="URI",
                   help="rtsp://[user:pass@]host[:port]/path, a video file (.mp4 .mkv .h264), or "
                        "testsrc://?size=WxH&rate=N; repeat for several cameras")
    p.add_argument("--model", action="append", default=[], metavar="NAME=PATH",
                   help="use this ONNX file under NAME for this run (the model store is not touched)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override an application parameter")
    p.add_argument("--frames", type=_positive_int, metavar="N", help="stop after N entry() calls")
    p.add_argument("--record", metavar="PATH.mp4", help="record the output video (H.264)")
    p.add_argument("--record-preset", default="ultrafast", metavar="PRESET",
                   choices=("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                            "veryslow", "placebo"),
                   help="x264 speed preset of the recording (default ultrafast: about a third of veryfast's CPU "
                        "time, larger files; the CPU is left to inference)")
    p.add_argument("--view", type=_host_port, metavar="HOST:PORT",
                   help="serve the live output to a browser (MJPEG over HTTP)")
    p.add_argument("--realtime", action="store_true",
                   help="play video files at their own frame rate, like a live camera")
    p.add_argument("--strict", action="store_true",
                   help="stop (exit 1) at the first entry() failure or camera failure")
    p.add_argument("--transport", choices=("tcp", "udp"), default="tcp", help="RTSP transport (default tcp)")
    p.add_argument("--first-frame-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long to wait for each camera's first frame before init (default 10)")
    p.add_argument("--stall-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="a live camera silent this long counts as disconnected and is reconnected (default 5)")
    p.add_argument("--log-file", metavar="PATH", help="the application's log file ('-': none, the console only)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), type=str.lower, metavar="{auto,cpu,cuda}",
                   help="where models run: auto (the GPU when it can), cpu, or cuda (TensorRT, else "
                        f"ONNX Runtime's CUDA provider; fails when neither can run); default: ${DEVICE_ENV}, else auto")
    p.add_argument("--stats", action="store_true", help="print where the time went and which engine ran each "
                                                        "model at the end")
    p.set_defaults(func=run, exits_process=True)


def _camera_uri(uri: str) -> str:
    """File cameras become absolute paths: the application runs from its own folder."""
    if "://" in uri:
        return uri
    return str(Path(uri).resolve())


def _camera_credentials(count: int) -> list:
    """(user, password) per camera: PANORAMA_CAMERA_SECRETS (a JSON list of [user, password], one per
    --camera, set by the appliance's supervisor) or else PANORAMA_CAMERA_USER / _PASSWORD for all."""
    secrets = os.environ.pop(CAMERA_SECRETS_ENV, None)  # the application's code has no need to see it
    if secrets is None:
        return [(os.environ.get("PANORAMA_CAMERA_USER", ""), os.environ.get("PANORAMA_CAMERA_PASSWORD", ""))] * count
    try:
        pairs = [(str(user), str(password)) for user, password in json.loads(secrets)]
    except (ValueError, TypeError):
        raise ParameterError(f"{CAMERA_SECRETS_ENV}: expected a JSON list of [user, password] pairs") from None
    if len(pairs) != count:
        raise ParameterError(f"{CAMERA_SECRETS_ENV} holds {len(pairs)} credential pairs for {count} cameras")
    return pairs


def _config_from_args(args) -> RunConfig:
    from ..models.engines import check_device

    models = parse_assignments(args.model)
    for name, path in models.items():
        if not Path(path).is_file():
            raise ParameterError(f"--model {name}=...: model file {path!r} does not exist")
    return RunConfig(
        cameras=[CameraSpec(_camera_uri(uri), user, password)
                 for uri, (user, password) in zip(args.camera, _camera_credentials(len(args.camera)))],
        params=parse_assignments(args.param),
        model_overrides={name: str(Path(path).resolve()) for name, path in models.items()},
        frames=args.frames,
        record=str(Path(args.record).resolve()) if args.record else None,
        record_preset=args.record_preset,
        view=args.view,
        realtime=args.realtime,
        strict=args.strict,
        transport=args.transport,
        first_frame_timeout_s=args.first_frame_timeout,
        stall_timeout_s=args.stall_timeout,
        stats=args.stats,
        device=check_device(args.device or os.environ.get(DEVICE_ENV) or "auto"),
    )


def run(args) -> int:
    app_path = Path(args.app)
    if not app_path.is_file():
        print(f"error: application file {args.app!r} does not exist", file=sys.stderr)
        return 2
    try:
        config = _config_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not config.cameras:
        print("error: no camera: give at least one --camera URI", file=sys.stderr)
        return 2
    if config.device == "cuda":  # say what is missing before any camera or model is opened
        from ..models.engines import engines_for

        try:
            engines_for(config.device)
        except NoCudaError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    if args.log_file == "-":  # the console only: the appliance's supervisor keeps the log
        log_path = app_logging.setup(None)
    else:
        log_path = app_logging.setup(Path(args.log_file) if args.log_file else app_logging.default_log_path(args.app))
    config.log_file = str(log_path) if log_path else None
    if config.model_overrides:
        from ..models.store import set_run_overrides

        set_run_overrides(config.model_overrides)
    restore_removed_aliases()
    set_config(config)
    session.reset()
    return _execute(app_path.resolve())


def _execute(app_path: Path) -> int:
    """Runs the file as __main__ from its own folder, first on sys.path (so sibling modules import)."""
    os.chdir(app_path.parent)
    sys.path.insert(0, str(app_path.parent))
    sys.argv = [str(app_path)]
    try:
        namespace = runpy.run_path(str(app_path), run_name="__main__")
    except SystemExit as exc:
        if session.run_called:
            return exc.code if isinstance(exc.code, int) else 1
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:
        stage = "failed while running" if session.run_called else "failed to import"
        log.error("application %s %s:\n%s", app_path.name, stage, traceback.format_exc().rstrip())
        print(f"error: application {app_path.name} {stage}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if not session.run_called:
        return _run_defined_application(app_path, namespace)
    return session.exit_code or 0


def _run_defined_application(app_path: Path, namespace: dict) -> int:
    """A file that defines an application class but never calls main(): run the one class it defines."""
    from ..base import base

    classes = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, base) and v is not base]
    if len(classes) != 1:
        print(f"error: {app_path.name} did not call run(): define main() that calls "
              f"<your class>().run() and call main() at module level", file=sys.stderr)
        return 1
    log.warning("%s did not call run(); running its class %s", app_path.name, classes[0].__name__)
    try:
        classes[0]().run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return session.exit_code or 0
