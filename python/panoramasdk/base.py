"""``base``: the class a Panorama application derives from."""
from __future__ import annotations

import logging
import sys

from .runtime import session
from .runtime.config import current_config
from .runtime.loop import AppRunner, RunStopped

log = logging.getLogger("panoramasdk.runtime")


class base:  # noqa: N801 - SDK class name
    """Base class of a Panorama application.

    Define ``interface()`` (a dict of "parameters", "inputs", "outputs"), ``init(parameters, inputs,
    outputs)`` (called once; return True) and ``entry(inputs, outputs)`` (called once per frame set; return
    True), then call ``run()`` from the module's ``main()``.
    """

    def interface(self) -> dict:
        """Returns {"parameters": (...), "inputs": (...), "outputs": (...)}; override it."""
        return {
            "parameters": (),
            "inputs": (("media[]", "video_in", "Camera input stream"),),
            "outputs": (("media[video_in]", "video_out", "Camera output stream"),),
        }

    def init(self, parameters, inputs, outputs) -> bool:
        """Called once before the first frame: load models, set up state. Return True to start."""
        return True

    def entry(self, inputs, outputs) -> bool:
        """Called for every frame set: ``inputs.video_in[i]`` is the newest media of stream i; assign
        ``outputs.video_out[i]``. Return True."""
        return True

    def run(self) -> None:
        """Builds parameters, ports and outputs, calls ``init``, then ``entry`` for every frame set until
        the sources end, the process is signalled, or the runner's frame limit is reached. Exits the
        process with a non-zero status (SystemExit) when ``init`` fails."""
        session.note_run_called()
        try:
            code = AppRunner(self, current_config()).run()
        except RunStopped as stop:
            session.note_failure(stop.reason)
            print(f"error: {stop.reason}", file=sys.stderr, flush=True)
            code = stop.code
        session.note_exit_code(code)
        if code != 0:
            raise SystemExit(code)
