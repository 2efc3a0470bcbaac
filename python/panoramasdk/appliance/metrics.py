"""Prometheus metrics of the appliance, built at each scrape from the status table and the live statistics
files the applications write (runtime/live_stats.py); the HTTP server serves :meth:`AppMetrics.render` at
``/metrics``.

Per application (label ``app``): ``panorama_app_up``, ``panorama_app_state{state}``,
``panorama_app_restarts_total``, ``panorama_app_entry_seconds`` (a summary: entry() calls and their time),
``panorama_app_stats_age_seconds``, ``panorama_app_log_write_errors_total`` (with a supervisor).
Per camera (``app``, ``camera`` = index in video_in, ``name``, ``uri`` without credentials):
``panorama_stream_up``, ``panorama_stream_fps``, ``panorama_stream_frames_decoded_total``,
``panorama_stream_frames_dropped_total``, ``panorama_stream_reconnects_total``. Per model (``app``,
``model``): ``panorama_model_inference_seconds`` (a summary), ``panorama_model_inference_last_seconds``,
``panorama_model_batch_fill_ratio``, ``panorama_model_batches_failed_total``, ``panorama_model_in_flight``.

Stream and model figures come only from a live process: a statistics file whose pid is not the
application's current one (an exited run) is ignored.
"""
from __future__ import annotations

import json
import time
from typing import Optional

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector

from ..runtime import live_stats
from .home import ApplianceHome
from .state_db import StateDB

STATES = ("STARTING", "RUNNING", "ERROR", "STOPPED")
STREAM_LABELS = ("app", "camera", "name", "uri")
MODEL_LABELS = ("app", "model")


class AppMetrics(Collector):
    """A collector with its own registry (nothing global): ``render()`` gives the exposition text."""

    def __init__(self, home: ApplianceHome, db: StateDB, supervisor=None):
        self._home = home
        self._db = db
        self._supervisor = supervisor  # for the counts only it keeps (failed log writes)
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def render(self) -> tuple:
        """(body bytes, Content-Type) of the Prometheus text format."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def collect(self):
        rows = self._db.query("SELECT s.*, v.manifest FROM app_status s LEFT JOIN versions v "
                              "ON v.app = s.app AND v.version = s.version ORDER BY s.app")
        up = GaugeMetricFamily("panorama_app_up", "1 when the application's process runs its loop", labels=["app"])
        state = GaugeMetricFamily("panorama_app_state", "1 for the application's current state",
                                  labels=["app", "state"])
        restarts = CounterMetricFamily("panorama_app_restarts", "Times the application's process ended and was "
                                       "started again (this version)", labels=["app"])
        entry = SummaryMetricFamily("panorama_app_entry_seconds", "entry() calls and the time they took",
                                    labels=["app"])
        age = GaugeMetricFamily("panorama_app_stats_age_seconds", "Age of the newest live statistics "
                                "(a large value: the application hangs)", labels=["app"])
        streams = _StreamFamilies()
        models = _ModelFamilies()
        for row in rows:
            app = row["app"]
            up.add_metric([app], 1.0 if row["state"] == "RUNNING" else 0.0)
            for name in STATES:
                state.add_metric([app, name], 1.0 if row["state"] == name else 0.0)
            restarts.add_metric([app], row["restarts"])
            stats = self._live_stats(app, row["pid"])
            if stats is None:
                continue
            entry.add_metric([app], count_value=stats.get("frame_sets", 0), sum_value=stats.get("entry_s", 0.0))
            age.add_metric([app], max(0.0, time.time() - float(stats.get("time", 0))))
            streams.add(app, stats.get("streams", []), _camera_names(row["manifest"]))
            models.add(app, stats.get("models", []))
        yield from (up, state, restarts, entry, age)
        yield from streams.families()
        yield from models.families()
        if self._supervisor is not None:
            errors = CounterMetricFamily("panorama_app_log_write_errors", "Log lines that could not be written "
                                         "(a full disk)", labels=["app"])
            for app, info in sorted(self._supervisor.snapshot().items()):
                errors.add_metric([app], info["log_write_errors"])
            yield errors

    def _live_stats(self, app: str, pid: Optional[int]) -> Optional[dict]:
        if not pid:
            return None
        stats = live_stats.read(self._home.run_dir / f"{app}.stats.json")  # the file app_launch names
        return stats if stats is not None and stats.get("pid") == pid else None


class _StreamFamilies:
    def __init__(self):
        self.up = GaugeMetricFamily("panorama_stream_up", "1 while the camera delivers frames", labels=STREAM_LABELS)
        self.fps = GaugeMetricFamily("panorama_stream_fps", "Frames decoded per second", labels=STREAM_LABELS)
        self.decoded = CounterMetricFamily("panorama_stream_frames_decoded", "Frames decoded", labels=STREAM_LABELS)
        self.dropped = CounterMetricFamily("panorama_stream_frames_dropped", "Frames decoded but replaced by a "
                                           "newer one before the application took them", labels=STREAM_LABELS)
        self.reconnects = CounterMetricFamily("panorama_stream_reconnects", "Times the camera was reconnected",
                                              labels=STREAM_LABELS)

    def add(self, app: str, streams: list, names: list) -> None:
        for s in streams:
            index = int(s.get("index", 0))
            labels = [app, str(index), names[index] if index < len(names) else "", str(s.get("uri", ""))]
            self.up.add_metric(labels, 1.0 if s.get("state") == "streaming" else 0.0)
            self.fps.add_metric(labels, float(s.get("fps") or 0.0))
            self.decoded.add_metric(labels, s.get("frames_decoded") or 0)
            self.dropped.add_metric(labels, s.get("frames_dropped") or 0)
            self.reconnects.add_metric(labels, s.get("reconnects") or 0)

    def families(self) -> tuple:
        return self.up, self.fps, self.decoded, self.dropped, self.reconnects


class _ModelFamilies:
    def __init__(self):
        self.inference = SummaryMetricFamily("panorama_model_inference_seconds", "Batches run by the engine and "
                                             "the time they took", labels=MODEL_LABELS)
        self.last = GaugeMetricFamily("panorama_model_inference_last_seconds", "Time of the latest batch",
                                      labels=MODEL_LABELS)
        self.fill = GaugeMetricFamily("panorama_model_batch_fill_ratio", "Mean share of each batch that held "
                                      "items (1: every batch full)", labels=MODEL_LABELS)
        self.failed = CounterMetricFamily("panorama_model_batches_failed", "Batches the engine failed",
                                          labels=MODEL_LABELS)
        self.in_flight = GaugeMetricFamily("panorama_model_in_flight", "Batches queued or running",
                                           labels=MODEL_LABELS)

    def add(self, app: str, models: list) -> None:
        for m in models:
            labels = [app, str(m.get("name") or "")]
            self.inference.add_metric(labels, count_value=m.get("inferences", 0), sum_value=m.get("inference_s", 0.0))
            self.last.add_metric(labels, float(m.get("inference_last_ms", 0.0)) / 1e3)
            self.fill.add_metric(labels, float(m.get("batch_fill", 0.0)))
            self.failed.add_metric(labels, m.get("failed", 0))
            self.in_flight.add_metric(labels, m.get("in_flight", 0))

    def families(self) -> tuple:
        return self.inference, self.last, self.fill, self.failed, self.in_flight


def _camera_names(manifest_text: Optional[str]) -> list:
    """The camera names of the version's manifest, in video_in order."""
    try:
        cameras = json.loads(manifest_text).get("cameras", []) if manifest_text else []
    except (ValueError, AttributeError):
        return []
    return [str(c) for c in cameras] if isinstance(cameras, list) else []


def render(home: ApplianceHome, db: StateDB, supervisor=None) -> tuple:
    """(body bytes, Content-Type) for one scrape of /metrics."""
    return AppMetrics(home, db, supervisor).render()
