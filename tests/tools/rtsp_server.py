#!/usr/bin/python3
"""A real RTSP camera for tests: GStreamer's gst-rtsp-server on loopback.

Runs only under Debian's own /usr/bin/python3 (python3-gi and gir1.2-gst-rtsp-server-1.0 live there,
not in the venv), so tests start it as a subprocess (see tests/python/rtsp_fixtures.py).

    /usr/bin/python3 tests/tools/rtsp_server.py --port 0 --pattern /test --size 320x240 --fps 25 \
        --file /clip=clip.mp4 --loop --user viewer --password secret

Mounts:
  --pattern /PATH   live moving test pattern, x264 (zerolatency, 1 s GOP), shared by all clients
  --file /PATH=MP4  the file's own H.264 (no re-encoding), from the start for every client;
                    with --loop it repeats forever with continuous timestamps
Prints "READY rtsp://ADDRESS:PORT" on stdout once listening; logs to stderr; exits 0 on SIGTERM/SIGINT.
`--check` only verifies that every GStreamer piece is present and names the Debian package when not.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

log = logging.getLogger("rtsp_server")

# GStreamer element -> the Debian package that ships it.
ELEMENT_PACKAGES = {
    "videotestsrc": "gstreamer1.0-plugins-base",
    "videoconvert": "gstreamer1.0-plugins-base",
    "appsrc": "gstreamer1.0-plugins-base",
    "appsink": "gstreamer1.0-plugins-base",
    "x264enc": "gstreamer1.0-plugins-ugly",
    "rtph264pay": "gstreamer1.0-plugins-good",
    "qtdemux": "gstreamer1.0-plugins-good",
    "h264parse": "gstreamer1.0-plugins-bad",
}

EXIT_MISSING = 3  # a GStreamer piece is missing; stderr names the Debian package


def import_gstreamer():
    """Returns (Gst, GLib, GstRtsp, GstRtspServer) or raises ImportError naming the Debian package."""
    try:
        import gi
    except ImportError as e:
        raise ImportError(
            f"python3-gi is not installed for {sys.executable} (apt-get install python3-gi): {e}"
        ) from None
    try:
        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtsp", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtsp, GstRtspServer
    except (ImportError, ValueError) as e:
        raise ImportError(
            f"GstRtspServer typelib missing (apt-get install gir1.2-gst-rtsp-server-1.0 "
            f"gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0): {e}"
        ) from None
    Gst.init(None)
    return Gst, GLib, GstRtsp, GstRtspServer


def missing_elements(Gst) -> list[str]:
    """'element (package)' for each needed element GStreamer cannot find."""
    return [f"{name} (apt-get install {pkg})" for name, pkg in ELEMENT_PACKAGES.items()
            if Gst.ElementFactory.find(name) is None]


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, got {text!r}") from None
    return w, h


def parse_file_mount(text: str) -> tuple[str, str]:
    path, sep, filename = text.partition("=")
    if not sep or not path.startswith("/") or not filename:
        raise argparse.ArgumentTypeError(f"--file must be /MOUNT=PATH.mp4, got {text!r}")
    return path, filename


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (printed on READY)")
    p.add_argument("--address", default="127.0.0.1")
    p.add_argument("--pattern", action="append", default=[], metavar="/PATH", help="live test pattern mount")
    p.add_argument("--pattern-name", default="ball", help="videotestsrc pattern (ball, smpte, ...)")
    p.add_argument("--size", type=parse_size, default=(320, 240), metavar="WxH")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--bitrate", type=int, default=0, help="x264 kbit/s; 0 = scaled to the picture size")
    p.add_argument("--file", type=parse_file_mount, action="append", default=[], metavar="/PATH=FILE.mp4")
    p.add_argument("--loop", action="store_true", help="repeat --file mounts forever")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--check", action="store_true", help="only check that GStreamer has every piece")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if bool(args.user) != bool(args.password):
        p.error("--user and --password go together")
    if not args.check and not args.pattern and not args.file:
        p.error("give at least one --pattern or --file mount")
    return args


class LoopingFile:
    """An MP4's H.264 access units held in memory and replayed forever through an appsrc.

    qtdemux cannot loop by itself inside an RTSP media, so the file is demuxed once here (no decode,
    no re-encode) and every client's appsrc gets the same buffers with timestamps shifted by one
    clip length per pass, so the stream's clock never jumps back.
    """

    def __init__(self, Gst, path: str):
        self.Gst = Gst
        self.path = path
        self.caps, self.buffers = self._demux(path)
        if not self.buffers:
            raise RuntimeError(f"{path}: no H.264 video access units found")
        first = min(b.pts for b in self.buffers)
        last = max(b.pts + (b.duration if b.duration != Gst.CLOCK_TIME_NONE else 0) for b in self.buffers)
        self.period = last - first
        self.origin = first
        self.copy_flags = (Gst.BufferCopyFlags.FLAGS | Gst.BufferCopyFlags.TIMESTAMPS
                           | Gst.BufferCopyFlags.META | Gst.BufferCopyFlags.MEMORY)
        log.info("%s: %d access units, %.3f s per pass, caps %s", path, len(self.buffers),
                 self.period / Gst.SECOND, self.caps.to_string())

    def _demux(self, path):
        Gst = self.Gst
        pipeline = Gst.parse_launch(
            "filesrc name=src ! qtdemux ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! "
            "appsink name=sink sync=false emit-signals=false"
        )
        pipeline.get_by_name("src").set_property("location", path)
        sink = pipeline.get_by_name("sink")
        pipeline.set_state(Gst.State.PLAYING)
        caps, buffers = None, []
        try:
            while True:
                sample = sink.emit("try-pull-sample", 5 * Gst.SECOND)
                if sample is None:
                    break
                caps = caps or sample.get_caps()
                buffers.append(sample.get_buffer())
            msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
            if msg is not None:
                err, debug = msg.parse_error()
                raise RuntimeError(f"{path}: cannot demux H.264 from it: {err.message} ({debug})")
        finally:
            pipeline.set_state(Gst.State.NULL)
        return caps, buffers

    def attach(self, appsrc) -> None:
        """Feeds one client's appsrc from the first access unit, pass after pass."""
        Gst = self.Gst
        appsrc.set_property("caps", self.caps)
        appsrc.set_property("format", Gst.Format.TIME)
        state = {"index": 0}

        def need_data(src, _length):
            # Push a handful per call: appsrc asks again while its queue is below max-bytes.
            for _ in range(8):
                i = state["index"]
                passes, k = divmod(i, len(self.buffers))
                shift = passes * self.period - self.origin
                # copy_region makes a new buffer sharing the memory; PyGObject's copy() here
                # hands back one whose timestamps alias the stored buffer's.
                buf = self.buffers[k].copy_region(self.copy_flags, 0, self.buffers[k].get_size())
                buf.pts = self.buffers[k].pts + shift
                if self.buffers[k].dts != Gst.CLOCK_TIME_NONE:
                    buf.dts = self.buffers[k].dts + shift
                state["index"] = i + 1
                if src.emit("push-buffer", buf) != Gst.FlowReturn.OK:
                    return

        appsrc.connect("need-data", need_data)


def pattern_launch(args) -> str:
    w, h = args.size
    bitrate = args.bitrate or max(200, w * h * args.fps // 20000)  # ~ 1 Mbit/s at 640x480x25
    return (
        f"( videotestsrc is-live=true pattern={args.pattern_name} "
        f"! video/x-raw,width={w},height={h},framerate={args.fps}/1 ! videoconvert "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps} bitrate={bitrate} threads=1 "
        f"! video/x-h264,profile=constrained-baseline "
        f"! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )


def file_launch(path: str) -> str:
    location = path.replace("\\", "\\\\").replace('"', '\\"')
    return (f'( filesrc location="{location}" ! qtdemux ! h264parse '
            f"! rtph264pay name=pay0 pt=96 config-interval=-1 )")


LOOP_LAUNCH = "( appsrc name=loopsrc is-live=false ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )"


def build_server(args, Gst, GLib, GstRtsp, GstRtspServer):
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()

    permissions = None
    if args.user:
        role = "viewer"
        auth = GstRtspServer.RTSPAuth()
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, role)
        auth.add_digest(args.user, args.password, token)
        server.set_auth(auth)  # no default token: anonymous clients get 401
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(role, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role(role, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)

    def new_factory(launch: str, shared: bool):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(shared)
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
        if permissions is not None:
            factory.set_permissions(permissions)
        return factory

    for path in args.pattern:
        mounts.add_factory(path, new_factory(pattern_launch(args), shared=True))
        log.info("mount %s: live pattern %s %dx%d @ %d fps", path, args.pattern_name, *args.size, args.fps)

    for path, filename in args.file:
        if not os.path.isfile(filename):
            raise RuntimeError(f"--file {path}={filename}: no such file")
        if args.loop:
            clip = LoopingFile(Gst, filename)
            factory = new_factory(LOOP_LAUNCH, shared=False)
            factory.connect(
                "media-configure",
                lambda _f, media, clip=clip: clip.attach(media.get_element().get_by_name_recurse_up("loopsrc")),
            )
        else:
            factory = new_factory(file_launch(filename), shared=False)
        mounts.add_factory(path, factory)
        log.info("mount %s: file %s%s", path, filename, " (looping)" if args.loop else "")

    return server


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="rtsp_server %(levelname)s %(message)s")
    try:
        Gst, GLib, GstRtsp, GstRtspServer = import_gstreamer()
    except ImportError as e:
        log.error("%s", e)
        return EXIT_MISSING
    missing = missing_elements(Gst)
    if missing:
        log.error("GStreamer elements missing: %s", ", ".join(missing))
        return EXIT_MISSING
    if args.check:
        print("OK", Gst.version_string(), flush=True)
        return 0

    try:
        server = build_server(args, Gst, GLib, GstRtsp, GstRtspServer)
    except (RuntimeError, GLib.Error) as e:
        log.error("cannot set up mounts: %s", e)
        return 2
    loop = GLib.MainLoop()
    # attach() answers 0 when it cannot bind (the reason goes to GStreamer's own log).
    if server.attach(None) == 0:
        log.error("cannot listen on %s:%d (port in use?)", args.address, args.port)
        return 2
    port = server.get_bound_port()
    if port <= 0:
        log.error("cannot listen on %s:%d (port in use?)", args.address, args.port)
        return 2

    def quit_on(signum):
        log.info("signal %d: shutting down", signum)
        loop.quit()
        return GLib.SOURCE_REMOVE

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, quit_on, signum)

    log.info("listening on rtsp://%s:%d (auth %s)", args.address, port, "digest" if args.user else "none")
    print(f"READY rtsp://{args.address}:{port}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
