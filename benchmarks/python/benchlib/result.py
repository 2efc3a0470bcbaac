"""What a benchmark returns: a table of rows, each with its throughput and its ratio to a baseline row."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class Row:
    """One measured configuration.

    fps: frames per second (None for a row that measures something else, such as memory).
    baseline: the name of the row of the same Result this one is compared with (None: no ratio);
        a baseline row names itself, so its ratio is 1.
    extra: further columns, in order: {"ms/frame": 1.9, "p99 ms": 2.4, "threads": 2}.
    """

    name: str
    fps: Optional[float]
    baseline: Optional[str] = None
    extra: dict = field(default_factory=dict)

    @property
    def ms_per_frame(self) -> Optional[float]:
        return 1e3 / self.fps if self.fps else None


@dataclass
class Result:
    """One benchmark's table. `notes` are printed under it (input, method, goals met or missed).
    `plot`, when given, draws the benchmark's own figure on a matplotlib Axes; otherwise the report draws
    frames/s per row."""

    name: str
    title: str
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    plot: Optional[Callable] = None

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"benchmark {self.name}: no row {name!r}; rows: {', '.join(r.name for r in self.rows)}")

    def ratio(self, row: Row) -> Optional[float]:
        """row's frames/s over its baseline's (> 1: faster than the baseline)."""
        if row.baseline is None or row.fps is None:
            return None
        base = self.row(row.baseline).fps
        return row.fps / base if base else None

    def extra_columns(self) -> list:
        columns: list = []
        for r in self.rows:
            columns += [k for k in r.extra if k not in columns]
        return columns

    def numbers(self) -> list:
        """Every number of the table (frames/s, ratios, numeric extras), for sanity checks."""
        out = []
        for r in self.rows:
            out += [v for v in (r.fps, self.ratio(r)) if v is not None]
            out += [v for v in r.extra.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        return out

    def to_json(self) -> dict:
        """The table and notes (not the plot function: its PNG is drawn once, when measured)."""
        return {"name": self.name, "title": self.title, "notes": list(self.notes),
                "rows": [{"name": r.name, "fps": r.fps, "baseline": r.baseline, "extra": dict(r.extra)}
                         for r in self.rows]}

    @classmethod
    def from_json(cls, d: dict) -> Result:
        return cls(d["name"], d["title"], [Row(r["name"], r["fps"], r["baseline"], r["extra"]) for r in d["rows"]],
                   list(d["notes"]))

    def check(self) -> None:
        """Raises ValueError when a number is not finite or a frames/s is not positive (a broken run)."""
        for r in self.rows:
            if r.fps is not None and not (math.isfinite(r.fps) and r.fps > 0):
                raise ValueError(f"benchmark {self.name}, row {r.name!r}: frames/s {r.fps!r} is not positive")
        bad = [v for v in self.numbers() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"benchmark {self.name}: numbers that are not finite: {bad}")


def goal_line(what: str, value: float, target: float, unit: str = "x", higher_is_better: bool = True) -> str:
    """'goal: ours vs numpy >= 10x: 14.2x (met)' or '... (missed by 31%)'."""
    met = value >= target if higher_is_better else value <= target
    sign = ">=" if higher_is_better else "<="
    verdict = "met" if met else f"missed by {abs(value - target) / target:.0%}"
    return f"goal: {what} {sign} {target:g}{unit}: {value:.3g}{unit} ({verdict})"
