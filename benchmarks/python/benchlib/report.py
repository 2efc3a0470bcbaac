"""benchmarks/results/: RESULTS.md (the machine, then one table per benchmark) and one PNG per benchmark."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .result import Result  # noqa: E402

# The order of the list; benchmarks not named here follow by name.
PER_RUN = ("load average at start", "CPU used by other processes")  # said per section, not for the machine
BUSY_PERCENT = 10  # other processes' share of the CPU above which a section is flagged
ORDER = ("preprocess", "decode", "e2e", "streams", "overhead", "memory")


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def table(result: Result) -> str:
    """The Markdown table of one Result: row, frames/s, ratio (and to what), then the extra columns."""
    extras = result.extra_columns()
    lines = ["| " + " | ".join(["configuration", "frames/s", "ratio", "baseline", *extras]) + " |",
             "|" + "---|" * (4 + len(extras))]
    for r in result.rows:
        ratio = result.ratio(r)
        cells = [r.name, _cell(r.fps), f"{ratio:.2f}x" if ratio is not None else "–",
                 r.baseline if r.baseline and r.baseline != r.name else ("(baseline)" if r.baseline else "–")]
        cells += [_cell(r.extra.get(k)) for k in extras]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(result: Result, path: Path) -> Path:
    """The benchmark's own figure, or frames/s per row as horizontal bars (baselines in grey)."""
    height = 4.5 if result.plot is not None else 0.5 * max(len(result.rows), 3) + 1.5
    fig, ax = plt.subplots(figsize=(9, height))
    if result.plot is not None:
        result.plot(ax)
    else:
        rows = [r for r in result.rows if r.fps is not None]
        colours = ["0.6" if r.baseline == r.name else "tab:blue" for r in rows]
        ax.barh([r.name for r in rows], [r.fps for r in rows], color=colours)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.3 * max((r.fps for r in rows), default=1))  # room for the labels
        ax.set_xlabel("frames/s (higher is better; grey: baselines)")
        for i, r in enumerate(rows):
            ratio = result.ratio(r)
            label = f" {r.fps:.0f}" + (f" ({ratio:.2f}x)" if ratio is not None and r.baseline != r.name else "")
            ax.text(r.fps, i, label, va="center", fontsize=8)
    ax.set_title(result.title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _record_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}.result.json"


def _ordered(records: list) -> list:
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(records, key=lambda r: (rank.get(r["result"]["name"], len(ORDER)), r["result"]["name"]))


def _provenance(record: dict, machine: dict) -> str:
    m = record["machine"]
    text = f"Measured {m['date']} at commit {m['git commit']} by `{record['command']}`"
    other = [k for k in ("CPU", "cores", "memory") if m.get(k) != machine.get(k)]
    if other:
        text += " on another machine (" + ", ".join(f"{k}: {m.get(k)}" for k in other) + ")"
    text += f"; load average at its start (1, 5, 15 min): {m.get('load average at start', '?')}"
    other = m.get("CPU used by other processes")
    if other is not None:
        text += f"; other processes used {other} of the machine's CPU during it"
        if float(other.rstrip("%")) > BUSY_PERCENT:  # the figures are pessimistic, the ratios noisy
            text += " (**a busy machine**: rerun on a quiet one for figures to quote)"
    return text + "."


def write(results: list, machine: dict, out_dir: Path, command: str) -> Path:
    """Draws each new Result's PNG and keeps its table as <name>.result.json in out_dir, then writes
    RESULTS.md from every table there: a run of some benchmarks (-k) updates their sections and keeps the
    others, each section saying when, where and at which commit it was measured. Returns RESULTS.md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for result in results:
        plot(result, out_dir / f"{result.name}.png")
        record = {"result": result.to_json(), "machine": machine, "command": command}
        _record_path(out_dir, result.name).write_text(json.dumps(record, indent=1) + "\n")
    records = _ordered([json.loads(p.read_text()) for p in out_dir.glob("*.result.json")])
    parts = ["# Benchmark results", "",
             "`make bench` (python benchmarks/python/run_all.py) made this file. Ratios compare each row with "
             "its baseline row, measured in the same run on the same input (> 1: faster than the baseline).",
             "", "## Machine", "", "| | |", "|---|---|"]
    parts += [f"| {k} | {v} |" for k, v in machine.items() if k not in PER_RUN]
    for record in records:
        result = Result.from_json(record["result"])
        parts += ["", f"## {result.title}", "", _provenance(record, machine), "", table(result), ""]
        parts += [f"- {note}" for note in result.notes]
        if (out_dir / f"{result.name}.png").exists():
            parts += ["", f"![{result.name}]({result.name}.png)"]
    path = out_dir / "RESULTS.md"
    path.write_text("\n".join(parts) + "\n")
    return path
