"""The guide's people counter on panoramasdk's fast path: the same detections as ``app.py``, no numpy
preprocessing in the application.

``app.py`` resizes and normalises every frame in numpy (the guide's ``preprocess()``: about 6 ms for a
1080p frame on a small CPU) and double-buffers, so that work overlaps inference and each frame is shown
with the boxes of the frame before it. Here ``self.model.batch(0, media)`` hands the frame itself to the
model: the runtime's fused C++ preprocessing (resize, scale, mean/std, NCHW, well under a millisecond)
writes the tensor straight into the batch, following the spec recorded with the model (see
``examples/models/build_people_ssd.py`` and ``panorama models add --preprocess``). Nothing is left to
overlap, so every frame is shown with its own boxes.

``model.batch(i, media)`` is an extension of the Panorama API: on AWS's appliance, keep ``app.py``.
"""
import logging

import numpy as np
import panoramasdk

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class people_counter_fast(panoramasdk.base):  # noqa: N801 - Panorama application classes are lower case

    def interface(self):
        return {
            "parameters": (
                ("float", "threshold", "Minimum confidence for display", 0.10),
                ("model", "model_name", "Name of the model in AWS Panorama", "aws-panorama-sample-model"),
                ("int", "batch_size", "Model batch size", 1),
                ("float", "person_index", "The index of the person class in the model's dataset", 14),
            ),
            "inputs": (
                ("media[]", "video_in", "Camera input stream"),
            ),
            "outputs": (
                ("media[video_in]", "video_out", "Camera output stream"),
            ),
        }

    def init(self, parameters, inputs, outputs):
        try:
            self.threshold = parameters.threshold
            self.person_index = parameters.person_index
            self.frame_num = 0
            self.model = panoramasdk.model()
            self.model.open(parameters.model_name, 1)
            # The input tensor's size, from the model: boxes come back in its pixels.
            _, _, self.input_height, self.input_width = self.model.get_input(0).get_dims()
            return True
        except Exception as e:
            logger.exception("Exception: %s", e)
            return False

    def entry(self, inputs, outputs):
        self.frame_num += 1
        for i in range(len(inputs.video_in)):
            outputs.video_out[i] = self.process_media(inputs.video_in[i])
        return True

    def process_media(self, media):
        self.model.batch(0, media)  # fused C++ preprocessing into the batch: no numpy, no copy
        self.model.flush()
        results = self.model.get_result()
        classes, scores, boxes = (results.get(i).get(0) for i in range(3))  # item 0: (100, 1), (100, 1), (100, 4)
        self.model.release_result(results)

        people = np.flatnonzero((classes[:, 0].astype(int) == int(self.person_index))
                                & (scores[:, 0] >= self.threshold))
        scale = np.array([self.input_width, self.input_height, self.input_width, self.input_height], np.float32)
        for index in people:
            left, top, right, bottom = np.clip(boxes[index] / scale, 0, 1)
            media.add_rect(left, top, right, bottom)
            media.add_label(f"{scores[index, 0]:.2f}", right, bottom)
        media.add_label(f"People detected: {len(people)}", 0.02, 0.9)
        logger.info("Frame %d: people detected: %d", self.frame_num, len(people))
        return media


def main():
    people_counter_fast().run()


main()
