"""Smoke test of the benchmark suite: `run_all.py --quick` runs the preprocess, decode, overhead, memory, e2e and
streams benchmarks on tiny inputs and writes RESULTS.md and a PNG each, with positive, finite numbers.
It measures nothing: the timing goals live in benchmarks/results/, never in tests."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "build" / "models" / "people-ssd.onnx"
BENCHMARKS = {  # run_all name -> the heading its table starts with
    "preprocess": "Preprocess:",
    "decode": "Decode:",
    "overhead": "Runtime overhead per frame",
    "memory": "Memory:",
    "e2e": "End to end:",
    "streams": "N live cameras",
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

for module, package in (("cv2", "opencv-python-headless"), ("av", "av (PyAV)"), ("matplotlib", "matplotlib"),
                        ("psutil", "psutil")):
    pytest.importorskip(module, reason=f"the benchmarks need {package}: make bench-deps "
                                       "(pip install -r requirements/bench.txt)")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    if not MODEL.is_file():
        pytest.skip(f"the memory benchmark runs the people counter with {MODEL}: make model")
    out = tmp_path_factory.mktemp("bench-results")
    args = [sys.executable, str(ROOT / "benchmarks" / "python" / "run_all.py"), "--quick", "--out", str(out)]
    for name in BENCHMARKS:
        args += ["-k", name]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"run_all.py --quick failed:\n{proc.stderr[-4000:]}"
    return out


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def table_rows(block: str) -> list:
    """The data rows of the first Markdown table in `block`, as {column: cell}."""
    lines = [line for line in block.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(header, (c.strip() for c in line.strip("|").split("|")))) for line in lines[2:]]


def test_results_name_the_machine(results):
    text = (results / "RESULTS.md").read_text()
    machine = section(text, "Machine")
    for key in ("CPU", "cores", "memory", "OS", "kernel", "Python", "numpy", "onnxruntime", "opencv", "PyAV",
                "FFmpeg", "git commit", "date"):
        assert f"| {key} | " in machine, f"machine description lacks {key}"


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_benchmark_table_plot_and_numbers(results, name):
    text = (results / "RESULTS.md").read_text()
    block = section(text, BENCHMARKS[name])
    rows = table_rows(block)
    assert rows, f"{name}: no table rows"
    fps = [float(r["frames/s"]) for r in rows if r["frames/s"] != "–"]
    assert fps and all(math.isfinite(v) and v > 0 for v in fps), f"{name}: frames/s {fps}"
    for r in rows:
        for column, cell in r.items():
            if column in ("configuration", "baseline"):
                continue
            value = cell.removesuffix("x")
            try:
                number = float(value)
            except ValueError:
                continue  # words (threads "auto") and "–" for an empty cell
            assert math.isfinite(number), f"{name}, row {r['configuration']!r}: {column} = {cell}"
    if name != "memory":  # every other benchmark compares with a baseline measured in the same run
        assert any(r["baseline"] == "(baseline)" for r in rows) and any(r["ratio"] != "1.00x" for r in rows)
    assert any(line.startswith("- goal: ") for line in block.splitlines()), f"{name}: no goal line"
    png = results / f"{name}.png"
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 5000
    assert f"![{name}]({name}.png)" in block
