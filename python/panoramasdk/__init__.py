"""panoramasdk: an open, self-hosted runtime for AWS Panorama applications.

The application API of the Panorama Application SDK (preview era): derive from ``base``, load models by
name with ``model``, read frames from ``inputs.video_in`` (a ``port`` of ``media``), add boxes and labels,
assign ``outputs.video_out``. Run an application with ``panorama run app.py --camera URI``.

Classes: base, batch, batch_set, input_array, media, model, output_array, port.
"""
from .base import base
from .media import media
from .model import batch, batch_set, input_array, model, output_array
from .port import port
from .preprocess import PreprocessSpec, preprocess

__version__ = "0.1.0"

__all__ = ["base", "batch", "batch_set", "input_array", "media", "model", "output_array", "port",
           "PreprocessSpec", "preprocess"]  # the last two: a fast path beyond the Panorama API
