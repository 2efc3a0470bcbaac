"""A small application for runner tests: counts frames, labels them, prints one line per entry.

Behaviour switches come from parameters so one file covers several cases."""
import threading
import time

import panoramasdk


class counter(panoramasdk.base):
    def interface(self):
        return {
            "parameters": (
                ("string", "fail_in", "init, entry or nothing", ""),
                ("int", "fail_every", "entry raises on every Nth frame when fail_in=entry", 3),
                ("bool", "start_thread", "start a non-daemon thread that never ends", False),
                ("bool", "draw", "draw a white square into image and add a rect and a label", True),
                ("float", "sleep_s", "seconds to sleep in entry", 0.0),
            ),
            "inputs": (("media[]", "video_in", "Camera input stream"),),
            "outputs": (("media[video_in]", "video_out", "Camera output stream"),),
        }

    def init(self, parameters, inputs, outputs):
        self.p = parameters
        self.frames = 0
        if parameters.fail_in == "init":
            raise RuntimeError("init failed on purpose")
        if parameters.fail_in == "init-false":
            return False
        if parameters.start_thread:
            threading.Thread(target=lambda: time.sleep(3600), name="app-forever").start()
        print(f"init: {len(inputs.video_in)} streams")
        return True

    def entry(self, inputs, outputs):
        self.frames += 1
        if self.p.fail_in == "entry" and self.frames % self.p.fail_every == 0:
            raise ValueError(f"entry failed on purpose at frame {self.frames}")
        if self.p.sleep_s:
            time.sleep(self.p.sleep_s)
        for i, m in enumerate(inputs.video_in):
            if self.p.draw:
                h, w, _ = m.image.shape
                m.image[h // 4: h // 4 + 8, w // 4: w // 4 + 8] = 255
                m.add_rect(0.5, 0.5, 0.75, 0.75)
                m.add_label(f"frame {self.frames}\nstream {i}", 0.02, 0.05)
            outputs.video_out[i] = m
        print(f"frame {self.frames}: {len(inputs.video_in)} streams, uri {inputs.video_in[0].stream_uri}")
        return True


def main():
    counter().run()


main()
