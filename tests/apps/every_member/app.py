"""An application that uses every member of the preview-era ``panoramasdk`` API (see SDK_API.md).

It is written the way applications of 2020-2021 were (``np.float``, a sibling module, state per camera,
double buffering, two models) and records what it observes in a JSON report, so that a test can assert on
the runtime's behaviour from the application's side.

Report
    Written to the path in the environment variable ``EVERY_MEMBER_REPORT`` (nothing is written when it
    is unset), atomically, at the end of ``init``, at the end of every ``entry`` call and at exit. Keys
    are listed in ``_new_report()``; values are plain JSON. Exceptions are recorded as
    ``{"type", "mro" (class names), "message"}``.

Models (by name, from the ``model`` parameters ``model_a`` and ``model_b``; defaults "model_a" and
"model_b"); both are opened with batch size 1 and are in flight together on every call:
    model_a: one input "data" float32 [1, 3, 64, 64] -> one output float32 [1, 10].
             Call k (1-based) feeds ``np.full((3, 64, 64), k / 10.0)`` (float64, leading batch dimension
             missing, non-contiguous) on calls k % 3 == 1, the same values as float32 [1, 3, 64, 64] on
             k % 3 == 2, and as a float64 [1, 3, 64, 64] array on k % 3 == 0.
    model_b: one input "x" float32 [1, 4] -> two outputs float32 [1, 4] and [1, 2].
             Call k feeds the Python list ``[[k, k + 1, k + 2, k + 3]]`` (ints, cast by the SDK).
    Per call the report's "results" holds both inputs and every output, so a test can recompute them
    with ONNX Runtime. Both models are finished at the end of call ``finish_after`` (parameter, default
    4); later calls use no model. Run with at least ``finish_after + 1`` frames, e.g. ``--frames 6``.

Video
    Every new frame gets, drawn into ``media.image`` with OpenCV: a red (BGR 0, 0, 255) rectangle from
    (4, 4) to (width // 4, height // 4), 3 px thick, and the text "EM" (white, ``parameters.shade``) near
    its bottom-left corner; plus ``repeat`` green ticks. Output slot 0 receives the PREVIOUS frame of
    camera 0 (the first call outputs the current one), carrying overlay rectangles and labels (see
    ``_add_overlays``). With two or more cameras, the slots from 1 on are left unassigned (they pass the
    input through); their input media get the label "pass-through".

Parameter ``fail_once`` (bool, default false): call 2 raises RuntimeError("every_member: deliberate
failure") and call 3 returns False, to show the runner logs them and goes on (not in strict mode).
"""
# ruff: noqa: UP032, I001  (written as apps of 2020 were: str.format, the sibling import last)
import atexit
import hashlib
import logging
import os
import sys

import cv2
import numpy as np
import panoramasdk

import helpers

logger = logging.getLogger()
logger.setLevel(logging.INFO)

A_SIZE = 64


def _new_report():
    return {
        "app_dir": helpers.APP_DIR,
        "cwd": os.getcwd(),
        "sys_path0": os.path.abspath(sys.path[0]) if sys.path and sys.path[0] else os.getcwd(),
        "helpers_module_file": os.path.abspath(helpers.__file__),
        "numpy_version": np.__version__,
        "np_float_is_float": None,
        "parameters": {},           # name -> {"type": Python type name, "value": value}
        "repeat_range": None,       # list(range(parameters.repeat))
        "unknown_parameter_error": None,
        "init": {},                 # camera_count, port facts, per-camera state size
        "models": {},               # name -> batch size, counts, names, input/output info
        "probes": {},               # error probes: missing model, no flush, wrong sizes, after finish
        "calls": 0,                 # entry() calls that reached the app
        "per_call": [],             # per call: cameras, prefilled slots, outputs, identity facts
        "streams": {},              # stream_uri -> frames, time stamps, repeats, image facts
        "results": [],              # per call with models: inputs and outputs of both models
        "kept_images_unchanged": [],  # per call: last call's output media still hold the app's pixels
        "drawn": {},
        "overlays": [],
        "finished": False,
        "release_twice_ok": None,
        "fail_once_done": False,
    }


class every_member(panoramasdk.base):

    def interface(self):
        return {
            "parameters":
            (
                ("model", "model_a", "Model with an image-shaped input", "model_a"),
                ("model", "model_b", "Model with a vector input and two outputs", "model_b"),
                ("float", "repeat", "Declared float with an int default: used in range()", 3),
                ("float", "threshold", "A fractional float", 0.25),
                ("int", "finish_after", "entry() call at which both models are finished", 4),
                ("uint32", "seed", "A value beyond the int32 range", 4000000000),
                ("byte", "shade", "Grey level of the text drawn into the image", 200),
                ("bool", "draw", "Draw into media.image with OpenCV", True),
                ("bool", "fail_once", "Call 2 raises, call 3 returns False", False),
                ("string", "title", "Text of a two-line overlay label", "every member\nof the SDK"),
                ("rect", "zone", "A rectangle handed to add_rect", (0.1, 0.2, 0.5, 0.6)),
                ("media", "placeholder", "A media-typed parameter without a default", None),
            ),
            "inputs":
            (
                ("media[]", "video_in", "Camera input stream"),
            ),
            "outputs":
            (
                ("media[video_in]", "video_out", "Camera output stream"),
            )
        }

    # ------------------------------------------------------------------ init
    def init(self, parameters, inputs, outputs):
        try:
            self.report = _new_report()
            self.report_path = os.environ.get("EVERY_MEMBER_REPORT")
            atexit.register(self.write_report)
            report = self.report
            report["np_float_is_float"] = np.float is float

            for name in ("model_a", "model_b", "repeat", "threshold", "finish_after", "seed", "shade",
                         "draw", "fail_once", "title", "zone", "placeholder"):
                value = getattr(parameters, name)
                report["parameters"][name] = {"type": type(value).__name__, "value": value}
            self.repeat = parameters.repeat
            report["repeat_range"] = list(range(parameters.repeat))
            report["unknown_parameter_error"] = helpers.capture(lambda: parameters.no_such_parameter)
            self.threshold = np.float(parameters.threshold)
            self.finish_after = parameters.finish_after
            self.shade = parameters.shade
            self.draw = parameters.draw
            self.fail_once = parameters.fail_once
            self.title = parameters.title
            self.zone = parameters.zone

            # Per-camera state, sized at init as published apps do.
            cameras = len(inputs.video_in)
            self.previous = [None] * cameras
            self.last_seen = [None] * cameras
            self.last_arrays = {}
            self.last_outputs = []  # (media, digest of its pixels when it was handed to the output)
            report["init"] = {
                "camera_count": cameras,
                "output_count": len(outputs.video_out),
                "inputs_is_port": isinstance(inputs.video_in, panoramasdk.port),
                "inputs_is_list": isinstance(inputs.video_in, list),
                "outputs_is_list": isinstance(outputs.video_out, list),
                "media_types_ok": all(isinstance(m, panoramasdk.media) for m in inputs.video_in),
                "image_shapes": [list(m.image.shape) for m in inputs.video_in],
                "stream_uris": [m.stream_uri for m in inputs.video_in],
                "state_size": len(self.previous),
                "sdk_classes": {name: hasattr(panoramasdk, name) for name in (
                    "base", "batch", "batch_set", "input_array", "media", "model", "output_array", "port")},
            }

            # Two models at once, names from the model parameters.
            logger.info("Loading models: {} and {}".format(parameters.model_a, parameters.model_b))
            self.model_a = panoramasdk.model()
            self.model_a.open(parameters.model_a, 1)
            self.model_b = panoramasdk.model()
            self.model_b.open(parameters.model_b, batch_size=1)
            for name, model in ((parameters.model_a, self.model_a), (parameters.model_b, self.model_b)):
                report["models"][name] = self.describe_model(model)

            # Output arrays sized from the info objects, in both shapes batch.get accepts.
            a_out = self.model_a.get_output(0)
            self.a_full = np.empty(a_out.get_dims(), dtype=a_out.get_type())
            self.a_item = np.empty(a_out.get_dims()[1:], dtype=a_out.get_type())
            self.b_full = []
            self.b_item = []
            for i in range(self.model_b.get_output_count()):
                info = self.model_b.get_output(i)
                self.b_full.append(np.empty(info.get_dims(), dtype=info.get_type()))
                self.b_item.append(np.empty(info.get_dims()[1:], dtype=info.get_type()))

            self.run_probes()
            self.write_report()
            print("every_member: init done, {} camera(s)".format(cameras))
            return True

        except Exception as e:
            logger.exception("Exception: {}".format(e))
            return False

    def describe_model(self, model):
        def info(item):
            return {"dims": list(item.get_dims()), "dims_is_tuple": isinstance(item.get_dims(), tuple),
                    "type": str(np.dtype(item.get_type())), "type_is_dtype": isinstance(item.get_type(), np.dtype),
                    "name": item.get_name(), "index": item.get_index(), "size": item.get_size(),
                    "class": type(item).__name__}
        return {
            "batch_size": model.get_batch_size(),
            "input_count": model.get_input_count(),
            "output_count": model.get_output_count(),
            "input_names": list(model.get_input_names()),
            "output_names": list(model.get_output_names()),
            "inputs": [info(model.get_input(i)) for i in range(model.get_input_count())],
            "outputs": [info(model.get_output(i)) for i in range(model.get_output_count())],
        }

    def run_probes(self):
        """Errors the SDK promises, provoked before any real batch so they cannot disturb one."""
        probes = self.report["probes"]
        known = panoramasdk.model()
        probes["missing_model"] = helpers.capture(lambda: known.open("no-such-model-every-member", 1))
        probes["get_result_without_flush"] = helpers.capture(self.model_b.get_result)
        probes["batch_wrong_size"] = helpers.capture(lambda: self.model_a.batch(0, np.zeros(5, np.float32)))
        # A whole batch to learn what batch.get does with a wrong-sized array; released at once.
        self.model_b.batch(0, np.zeros((1, 4), np.float32))
        self.model_b.flush()
        result = self.model_b.get_result()
        probes["result_is_batch_set"] = isinstance(result, panoramasdk.batch_set)
        probes["batch_is_batch"] = isinstance(result.get(0), panoramasdk.batch)
        probes["batch_get_wrong_size"] = helpers.capture(lambda: result.get(0).get(0, np.empty(7, np.float32)))
        self.model_b.release_result(result)

    # ----------------------------------------------------------------- entry
    def entry(self, inputs, outputs):
        self.report["calls"] += 1
        call = self.report["calls"]
        print("every_member: call {}".format(call))
        if self.fail_once and call == 2:
            self.write_report()
            raise RuntimeError("every_member: deliberate failure")
        if self.fail_once and call == 3:
            self.report["fail_once_done"] = True
            self.write_report()
            return False

        facts = {"call": call, "cameras": len(inputs.video_in),
                 "prefilled": [outputs.video_out[i] is inputs.video_in[i] for i in range(len(outputs.video_out))],
                 "truthy": [bool(m) for m in inputs.video_in],
                 "iterated": sum(1 for _ in inputs.video_in)}

        # What the output showed last call must still hold the app's pixels: overlays go on the output's
        # own copy, never into the arrays the app keeps.
        self.report["kept_images_unchanged"].append(
            [self.digest(media.image) == digest for media, digest in self.last_outputs])

        # Start both models on this call's inputs, then draw while they run.
        models_live = not self.report["finished"]
        if models_live:
            a_input = self.model_a_input(call)
            b_input = [[call, call + 1, call + 2, call + 3]]
            self.model_a.batch(0, a_input)
            self.model_b.batch(0, b_input)
            self.model_a.flush()
            self.model_b.flush()

        repeats = []
        for i, media in enumerate(inputs.video_in):
            repeated = media is self.last_seen[i]
            repeats.append(repeated)
            self.observe_stream(media, repeated)
            if not repeated and self.draw:
                self.draw_into(media.image)
            self.last_seen[i] = media
        facts["repeated"] = repeats

        if models_live:
            self.collect_results(call, a_input, b_input)

        # Slot 0: the previous frame of camera 0, with overlays; other slots stay unassigned.
        current = inputs.video_in[0]
        output = self.previous[0] if self.previous[0] is not None else current
        facts["output_is_previous"] = output is not current
        self.add_overlays(output, call)
        outputs.video_out[0] = output
        for i in range(1, len(inputs.video_in)):
            inputs.video_in[i].add_label("pass-through", 0.02, 0.05)
        facts["slot0_assigned"] = outputs.video_out[0] is output
        facts["other_slots_untouched"] = all(outputs.video_out[i] is inputs.video_in[i]
                                             for i in range(1, len(inputs.video_in)))
        for i, media in enumerate(inputs.video_in):
            self.previous[i] = media
        self.last_outputs = [(media, self.digest(media.image)) for media in outputs.video_out]
        self.report["per_call"].append(facts)

        if models_live and call >= self.finish_after:
            self.finish_models()
        self.write_report()
        return True

    def model_a_input(self, call):
        values = np.full((A_SIZE, A_SIZE, 3), call / 10.0)
        if call % 3 == 1:
            return values.transpose(2, 0, 1)                      # item, no batch dim, float64, strided
        if call % 3 == 2:
            return values.transpose(2, 0, 1)[None].astype(np.float32)  # item with a leading 1
        return np.ascontiguousarray(values.transpose(2, 0, 1)[None])   # whole batch, float64

    def collect_results(self, call, a_input, b_input):
        results_a = self.model_a.get_result()
        results_b = self.model_b.get_result()
        entry = {"call": call, "a_input_value": call / 10.0, "a_input_shape": list(np.shape(a_input)),
                 "b_input": b_input, "a_sizes": results_a.size(), "b_sizes": results_b.size()}

        batch = results_a.get(0)
        batch.get(0, self.a_full)
        batch.get(0, self.a_item)
        entry["a_out"] = self.a_full[0].copy()
        entry["a_shapes_agree"] = bool(np.array_equal(self.a_full[0], self.a_item))

        entry["b_out"] = []
        entry["b_shapes_agree"] = []
        for i in range(results_b.size()):
            batch = results_b.get(i)
            batch.get(0, self.b_full[i])
            batch.get(0, self.b_item[i])
            entry["b_out"].append(self.b_full[i][0].copy())
            entry["b_shapes_agree"].append(bool(np.array_equal(self.b_full[i][0], self.b_item[i])))

        self.model_a.release_result(results_a)
        self.model_a.release_result(results_a)  # idempotent
        if call != 1:
            self.model_b.release_result(results_b)
        # Call 1 never releases model_b's result: the SDK must not leak it without bound.
        self.report["release_twice_ok"] = True
        self.report["results"].append(entry)

    def finish_models(self):
        self.model_a.finish()
        self.model_b.finish()
        self.report["finished"] = True
        probes = self.report["probes"]
        probes["batch_after_finish"] = helpers.capture(
            lambda: self.model_a.batch(0, np.zeros((1, 3, A_SIZE, A_SIZE), np.float32)))
        probes["flush_after_finish"] = helpers.capture(self.model_b.flush)

    # ------------------------------------------------------------ per frame
    def observe_stream(self, media, repeated):
        streams = self.report["streams"]
        uri = media.stream_uri
        state = streams.setdefault(uri, {"frames": 0, "repeats": 0, "time_stamps": [], "stamp_types_ok": True,
                                         "image_facts_ok": True, "same_array_each_access": True,
                                         "fresh_array_each_frame": True, "uri_has_credentials": "@" in uri})
        if repeated:
            state["repeats"] += 1
            return
        state["frames"] += 1
        stamp = media.time_stamp
        state["time_stamps"].append(list(stamp))
        state["stamp_types_ok"] &= (len(stamp) == 2 and all(isinstance(v, int) for v in stamp))
        image = media.image
        state["image_facts_ok"] &= bool(image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
                                        and image.flags["C_CONTIGUOUS"] and image.flags["WRITEABLE"])
        state["same_array_each_access"] &= media.image is image
        previous = self.last_arrays.get(uri)
        if previous is not None:
            state["fresh_array_each_frame"] &= previous is not image
        self.last_arrays[uri] = image

    def draw_into(self, image):
        height, width = image.shape[:2]
        corner = (width // 4, height // 4)
        cv2.rectangle(image, (4, 4), corner, (0, 0, 255), 3)
        cv2.putText(image, "EM", (10, corner[1] - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.8,
                    (self.shade, self.shade, self.shade), 2)
        for tick in range(self.repeat):
            x = 12 + 10 * tick
            cv2.line(image, (x, 12), (x, 22), (0, 255, 0), 2)
        self.report["drawn"] = {"rect": [4, 4, corner[0], corner[1]], "rect_bgr": [0, 0, 255],
                                "text": "EM", "ticks": self.repeat}

    def add_overlays(self, media, call):
        media.add_rect(0.1, 0.1, 0.3, 0.3)                                    # Python floats
        media.add_rect(np.float32(0.4), np.float64(0.1), np.float32(0.6), np.int64(0))  # numpy scalars
        media.add_rect((0.7, 0.1, 0.9, 0.3))                                  # one 4-tuple
        media.add_rect(0.3, 0.7, 0.1, 0.5)                                    # reversed edges
        media.add_rect(-0.5, 0.8, 1.5, 1.2)                                   # out of range
        media.add_rect(*self.zone)                                            # the rect parameter
        media.add_label(self.title, 0.05, 0.5)                                # two lines
        media.add_label("call {}\nthreshold {}".format(call, self.threshold), np.float32(0.6), np.float64(0.5))
        media.add_label("outside", 1.5, -0.5)                                 # out of range
        if call == 1:
            self.report["overlays"] = [
                {"rect": [0.1, 0.1, 0.3, 0.3]}, {"rect": [0.4, 0.1, 0.6, 0.0]}, {"rect": [0.7, 0.1, 0.9, 0.3]},
                {"rect": [0.3, 0.7, 0.1, 0.5]}, {"rect": [-0.5, 0.8, 1.5, 1.2]}, {"rect": list(self.zone)},
                {"label": self.title, "x": 0.05, "y": 0.5}, {"label": "call N\nthreshold T", "x": 0.6, "y": 0.5},
                {"label": "outside", "x": 1.5, "y": -0.5},
            ]

    @staticmethod
    def digest(image):
        return hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).hexdigest()

    def write_report(self):
        if self.report_path:
            helpers.write_report(self.report_path, self.report)


def main():
    every_member().run()


main()
