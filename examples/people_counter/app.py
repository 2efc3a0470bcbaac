"""The AWS Panorama developer guide's sample application (preview era, 2020-2021): a people counter.

Reconstructed from the guide's listings of ``lambda_function.py`` ("AWS Panorama sample application
features" and "Adding text and boxes to output video"); see README.md for what was filled in between
the listings and the one line added. It runs unmodified on the Panorama runtime of this project.
"""
# ruff: noqa  (the guide's code, kept as written in 2020: str.format, np.float, long lines)
import logging
import os

import cv2
import numpy as np
import panoramasdk

HEIGHT = 512
WIDTH = 512

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class people_counter(panoramasdk.base):

    def interface(self):
        return {
            "parameters":
            (
                ("float", "threshold", "Minimum confidence for display", 0.10),
                ("model", "model_name", "Name of the model in AWS Panorama", "aws-panorama-sample-model"),
                ("int", "batch_size", "Model batch size", 1),
                ("float", "person_index", "The index of the person class in the model's dataset", 14),
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

    def init(self, parameters, inputs, outputs):
        try:
            self.threshold = parameters.threshold
            self.person_index = parameters.person_index
            self.frame_num = 0
            # Set up a frame buffer for each stream
            self.buffered_media = {}
            self.buffered_image = {}
            # Load model
            logger.info("Loading model: " + parameters.model_name)
            self.model = panoramasdk.model()
            self.model.open(parameters.model_name, 1)
            # Use 16-bit precision for faster inference
            os.environ['TVM_TENSORRT_USE_FP16'] = '1'
            # Create input and output arrays
            class_info = self.model.get_output(0)
            prob_info = self.model.get_output(1)
            rect_info = self.model.get_output(2)
            self.class_array = np.empty(class_info.get_dims(), dtype=class_info.get_type())
            self.prob_array = np.empty(prob_info.get_dims(), dtype=prob_info.get_type())
            self.rect_array = np.empty(rect_info.get_dims(), dtype=rect_info.get_type())
            return True

        except Exception as e:
            logger.exception("Exception: {}".format(e))
            return False

    def preprocess(self, img):
        resized = cv2.resize(img, (HEIGHT, WIDTH))
        mean = [0.485, 0.456, 0.406]
        std = [0.229, 0.224, 0.225]
        img = resized.astype(np.float32) / 255.
        img_a = img[:, :, 0]
        img_b = img[:, :, 1]
        img_c = img[:, :, 2]
        # Normalize data in each channel
        img_a = (img_a - mean[0]) / std[0]
        img_b = (img_b - mean[1]) / std[1]
        img_c = (img_c - mean[2]) / std[2]
        # Put the channels back together
        x1 = [[[], [], []]]
        x1[0][0] = img_a
        x1[0][1] = img_b
        x1[0][2] = img_c
        return np.asarray(x1)

    def entry(self, inputs, outputs):
        self.frame_num += 1
        # Loop through attached video streams
        for i in range(len(inputs.video_in)):
            outputs.video_out[i] = self.process_media(inputs.video_in[i])
        return True

    def process_media(self, media):
        stream = media.stream_uri
        # Set up stream buffer
        if not self.buffered_media.get(stream):
            self.buffered_media[stream] = media
            self.buffered_image[stream] = self.preprocess(media.image)
            logger.info('Set up frame buffer for stream: {}'.format(stream))
            logger.info('Stream image size: {}'.format(media.image.shape))
        output = self.buffered_media[stream]
        # Run inference on the buffered image
        self.model.batch(0, self.buffered_image[stream])
        self.model.flush()
        # While waiting for inference, preprocess the current image
        self.buffered_image[stream] = self.preprocess(media.image)
        self.buffered_media[stream] = media
        # Wait for inference results
        inference_results = self.model.get_result()
        # Process results
        output = self.process_results(inference_results, output)
        self.model.release_result(inference_results)
        return output

    def process_results(self, batch_set, output_media):
        # Model outputs (classes, probabilities, bounding boxes) are collected in
        # the BatchSet returned by model.get_result
        # Each output is a Batch of arrays, one for each input in the batch
        classes = batch_set.get(0)
        probabilities = batch_set.get(1)
        boxes = batch_set.get(2)
        # Each batch has only one image; save results for that image
        classes.get(0, self.class_array)
        probabilities.get(0, self.prob_array)
        boxes.get(0, self.rect_array)
        # Get indices of people in class array
        person_indices = [i for i in range(len(self.class_array[0])) if int(self.class_array[0][i]) == self.person_index]
        # Filter out results beneath confidence threshold
        prob_person_indices = [i for i in person_indices if self.prob_array[0][i] >= self.threshold]
        # Draw bounding boxes on output image
        for index in prob_person_indices:
            left = np.clip(self.rect_array[0][index][0] / np.float(HEIGHT), 0, 1)
            top = np.clip(self.rect_array[0][index][1] / np.float(WIDTH), 0, 1)
            right = np.clip(self.rect_array[0][index][2] / np.float(HEIGHT), 0, 1)
            bottom = np.clip(self.rect_array[0][index][3] / np.float(WIDTH), 0, 1)
            output_media.add_rect(left, top, right, bottom)
            output_media.add_label(str(self.prob_array[0][index][0]), right, bottom)
        # Add text
        output_media.add_label('People detected: {}'.format(len(prob_person_indices)), 0.02, 0.9)
        logger.info('Frame {}: people detected: {}'.format(self.frame_num, len(prob_person_indices)))
        return output_media


def main():
    people_counter().run()


main()
