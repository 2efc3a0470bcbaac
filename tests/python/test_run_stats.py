"""Decode-to-output latency and per-stage times: OutputChain.stats() and what `panorama run --stats` reports."""
from __future__ import annotations

import json
import time

import make_media
import numpy as np
from cli_helpers import APPS, panorama
from panoramasdk._native import core

COUNTER = APPS / "misc" / "counter_app.py"


def now_us() -> int:
    return time.time_ns() // 1000


def test_chain_latency_counts_fresh_time_stamped_frames(tmp_path):
    options = core.OutputOptions()
    options.record_path = str(tmp_path / "out.mp4")
    image = np.full((240, 320, 3), 90, np.uint8)
    age_us = 150_000  # decoded 150 ms before the hand-off
    with core.OutputChain(options) as chain:
        for _ in range(10):
            chain.submit(image, [(0.1, 0.1, 0.5, 0.5)], [("label", 0.1, 0.1)], now_us() - age_us)
        chain.submit(image, [], [], now_us() - 60_000_000, fresh=False)  # a repeat: not a sample
        chain.submit(image, [], [])  # no time stamp: not a sample
    s = chain.stats()
    assert s["frames_encoded"] == 12
    assert s["latency_count"] == 10
    assert age_us <= s["latency_p50_us"] <= s["latency_p99_us"] <= s["latency_max_us"] < age_us + 5_000_000
    assert age_us <= s["latency_mean_us"] <= s["latency_max_us"]
    assert s["overlay_s"] > 0 and s["encode_s"] > 0 and s["jpeg_s"] == 0


def test_run_reports_latency_that_includes_the_apps_time(h264_mp4, tmp_path):
    stats_file = tmp_path / "stats.json"
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--frames", 20, "--param", "sleep_s=0.04",
                 "--record", tmp_path / "out.mp4", "--stats", env={"PANORAMA_STATS_JSON": str(stats_file)})
    assert r.returncode == 0, r.stderr
    stats = json.loads(stats_file.read_text())
    assert stats["frame_sets"] == 20
    assert 0 < stats["loop_s"] < stats["wall_s"]
    assert stats["entry_s"] >= 20 * 0.04
    (stream,) = stats["streams"]
    assert stream["frames_delivered"] >= 20 and stream["uri"].endswith("pattern.mp4")
    (out,) = stats["outputs"]
    assert out["frames_encoded"] == 20 and out["latency_count"] == 20
    # Every frame spent its 40 ms in entry() between decode and output.
    assert 40_000 <= out["latency_p50_us"] <= out["latency_p99_us"] <= out["latency_max_us"]
    assert out["overlay_s"] > 0 and out["encode_s"] > 0
    printed = r.stdout + r.stderr
    assert "video_out[0]: 20 frames drawn, 20 encoded, 0 dropped" in printed
    assert "decode to output (ms, 20 frames): p50 " in printed
    assert "camera 0 " in printed and " dropped (newest-frame policy)" in printed


def test_repeated_media_of_an_ended_camera_is_not_a_latency_sample(h264_mp4, media_dir, tmp_path):
    # Files play in order: once the 30-frame clip ends its last media is output again with each set.
    short = make_media.encode_test_clip(media_dir / "short-30.mp4", width=160, height=120, frames=30)
    stats_file = tmp_path / "stats.json"
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--camera", short, "--record", tmp_path / "out.mp4",
                 env={"PANORAMA_STATS_JSON": str(stats_file)})
    assert r.returncode == 0, r.stderr
    first, second = json.loads(stats_file.read_text())["outputs"]
    assert first["frames_encoded"] == second["frames_encoded"] == 50
    assert first["latency_count"] == 50
    assert second["latency_count"] == 30


def test_without_outputs_the_summary_still_covers_loop_and_cameras(h264_mp4, tmp_path):
    stats_file = tmp_path / "stats.json"
    r = panorama("run", COUNTER, "--camera", h264_mp4, "--frames", 5,
                 env={"PANORAMA_STATS_JSON": str(stats_file)})
    assert r.returncode == 0, r.stderr
    stats = json.loads(stats_file.read_text())
    assert stats["frame_sets"] == 5 and stats["outputs"] == [{}]
    assert "frame sets in" not in r.stdout + r.stderr  # no --stats: nothing printed
