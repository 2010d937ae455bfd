"""One row per measurement: median and p95 beside its floor, a ratio, and the target."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    name: str
    unit: str
    median: float
    p95: float
    floor_name: str
    floor_median: float
    ratio: float
    target: str
    met: bool | None
    n: int


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summarise(
    name: str,
    values: list[float],
    floor: list[float],
    floor_name: str,
    *,
    target_ms: float | None = None,
    max_ratio: float | None = None,
    p95_ms: float | None = None,
    unit: str = "ms",
) -> Row:
    """Median/p95 of `values`, ratio to the floor's median, and whether the targets hold."""
    median, floor_median = statistics.median(values), statistics.median(floor)
    ratio = median / floor_median if floor_median else float("inf")
    targets, met = [], True
    if target_ms is not None:
        targets.append(f"median < {target_ms:g} {unit}")
        met &= median < target_ms
    if p95_ms is not None:
        targets.append(f"p95 < {p95_ms:g} {unit}")
        met &= p95(values) < p95_ms
    if max_ratio is not None:
        targets.append(f"ratio <= {max_ratio:g}")
        met &= ratio <= max_ratio
    return Row(
        name,
        unit,
        median,
        p95(values),
        floor_name,
        floor_median,
        ratio,
        "; ".join(targets) or "-",
        met if targets else None,
        len(values),
    )


def print_table(rows: list[Row]) -> str:
    head = "| measurement | median | p95 | floor (median) | ratio | target | met | n |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        met = "-" if r.met is None else ("yes" if r.met else "NO")
        lines.append(
            f"| {r.name} | {r.median:.3g} {r.unit} | {r.p95:.3g} {r.unit} | {r.floor_name} "
            f"({r.floor_median:.3g} {r.unit}) | {r.ratio:.2f} | {r.target} | {met} | {r.n} |"
        )
    text = "\n".join(lines)
    print(text)
    return text


def write_json(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(r) for r in rows], indent=2))
