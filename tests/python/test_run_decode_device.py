"""`panorama run --device` picks the streams' decoder as well as the engines: cpu decodes with libavcodec;
auto and cuda decode on NVDEC when it is usable, else with libavcodec, saying why once. On this machine
without NVDEC, --device auto runs exactly as --device cpu (tests/python/gpu/test_run_nvdec.py covers NVDEC)."""
from __future__ import annotations

import pytest
from panoramasdk._native import core
from panoramasdk.models.engines import engines_for
from panoramasdk.runtime.config import CameraSpec, RunConfig
from panoramasdk.runtime.sources import stream_options
from people_counter_run import CLIP, build_people_ssd, run_people_counter

FRAMES = 10


@pytest.fixture(scope="module")
def people_ssd(tmp_path_factory):
    return build_people_ssd(tmp_path_factory.mktemp("models") / "people-ssd.onnx")


@pytest.mark.parametrize("device, decode_device", [("cpu", "cpu"), ("auto", "auto"), ("cuda", "auto")])
def test_the_run_device_sets_each_streams_decode_device(device, decode_device):
    config = RunConfig(cameras=[CameraSpec(str(CLIP))], device=device)
    assert stream_options(config.cameras[0], config).decode_device == decode_device


def test_device_auto_without_nvdec_decodes_with_libavcodec_and_counts_as_the_cpu(people_ssd, tmp_path):
    reason = core.nvdec_unavailable_reason()
    if not reason:
        pytest.skip("NVDEC is usable here; tests/python/gpu/test_run_nvdec.py covers it")
    cpu = run_people_counter(people_ssd, "cpu", FRAMES, tmp_path / "cpu.json")
    auto = run_people_counter(people_ssd, "auto", FRAMES, tmp_path / "auto.json")
    for run in (cpu, auto):
        assert run.decoder == run.printed_decoder == "libavcodec", run.output[-2000:]
    assert "not NVDEC" not in cpu.output
    fallback = [line for line in auto.output.splitlines() if "decoding on the CPU with libavcodec, not NVDEC" in line]
    assert len(fallback) == 1 and f"file {CLIP}: " in fallback[0] and reason in fallback[0], auto.output[-2000:]
    assert len(cpu.counts) == FRAMES and any(cpu.counts), cpu.counts
    if engines_for("auto").engines[0] == "onnxruntime-cpu":  # the same decoder and engine: the same counts
        assert auto.counts == cpu.counts
    else:  # a GPU engine: within the engines' tolerance
        assert len(auto.counts) == FRAMES and max(abs(a - c) for a, c in zip(auto.counts, cpu.counts)) <= 1
