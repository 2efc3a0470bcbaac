"""benchmarks/results/: RESULTS.md (the machine, then one table per benchmark) and one PNG per benchmark."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .result import Result  # noqa: E402


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


def write(results: list, machine: dict, out_dir: Path, command: str) -> Path:
    """Writes RESULTS.md and the PNGs into out_dir; returns the path of RESULTS.md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = ["# Benchmark results", "",
             f"Made by `{command}`. Ratios compare each row with its baseline row, measured in the same run "
             "on the same input (> 1: faster than the baseline).", "", "## Machine", "",
             "| | |", "|---|---|"]
    parts += [f"| {k} | {v} |" for k, v in machine.items()]
    for result in results:
        png = plot(result, out_dir / f"{result.name}.png")
        parts += ["", f"## {result.title}", "", table(result), ""]
        parts += [f"- {note}" for note in result.notes]
        parts += ["", f"![{result.name}]({png.name})"]
    path = out_dir / "RESULTS.md"
    path.write_text("\n".join(parts) + "\n")
    return path
