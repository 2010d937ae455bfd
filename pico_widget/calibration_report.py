"""The calibration report: every evidence row, published against forecast, in and out of sample.

Written by `make calibrate` (docs/calibration.md, data/calibration.png) and summarised on
the model page. "Leave-one-out" refits the row's condition (or the PIH model) without
that row and predicts it: how the model does on a study it has not seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .calibrate import forecast_row, leave_one_out
from .catalogue import Fitted
from .evidence import EvidenceRow, evidence

MODEL_PAGE_START, MODEL_PAGE_END = "<!-- calibration:start -->", "<!-- calibration:end -->"


@dataclass(frozen=True)
class Line:
    """One published figure: what it is, its value, the fitted and left-out forecasts."""

    row: EvidenceRow
    what: str
    published: float
    forecast: float
    left_out: float

    @property
    def unit(self) -> str:
        return "sessions" if self.row.kind in ("sessions", "sessions_capped") else "points"


def lines(fitted: Fitted) -> list[Line]:
    out = []
    for row in evidence().row:
        fit = forecast_row(row, fitted)
        held = leave_one_out(row) if row.fitted else fit
        out += [Line(row, what, value, f, h)
                for (what, value), f, h in zip(row.published, fit, held, strict=True)]
    return out


def totals(found: list[Line]) -> dict[str, tuple[float, float, float, int]]:
    """Per family of rows: (mean abs error fitted, largest, mean abs error left out, count),
    over the rows the fit used."""
    families = {"shares and means (points)": ("shares", "mean"),
                "sessions to an endpoint (sessions)": ("sessions", "sessions_capped"),
                "PIH over a course (points)": ("pih", "pih_rate")}
    out = {}
    for name, kinds in families.items():
        chosen = [x for x in found if x.row.kind in kinds and x.row.fitted]
        fit = [abs(x.forecast - x.published) for x in chosen]
        held = [abs(x.left_out - x.published) for x in chosen]
        out[name] = (float(np.mean(fit)), float(np.max(fit)), float(np.mean(held)), len(chosen))
    return out


def table(found: list[Line]) -> str:
    head = ["| row | condition | laser | figure | published | forecast | left out | fitted |",
            "|---|---|---|---|---|---|---|---|"]
    body = [f"| {x.row.id} | {x.row.condition} | {x.row.laser} | {x.what} | {x.published:g} "
            f"| {x.forecast:.1f} | {x.left_out:.1f} | {'yes' if x.row.fitted else 'no'} |"
            for x in found]
    return "\n".join(head + body)


def totals_table(found: list[Line]) -> str:
    head = ["| rows | figures | mean abs error (fit) | largest (fit) | mean abs error (left out) |",
            "|---|---|---|---|---|"]
    body = [f"| {name} | {n} | {fit:.1f} | {worst:.1f} | {held:.1f} |"
            for name, (fit, worst, held, n) in totals(found).items()]
    return "\n".join(head + body)


def plot(found: list[Line], path: Path) -> None:
    """Forecast against published, with the identity line: fitted and left-out forecasts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), dpi=110)
    panels = [(axes[0], ("shares", "mean", "pih", "pih_rate"), 100, "percent"),
              (axes[1], ("sessions", "sessions_capped"), 9, "sessions")]
    for ax, kinds, top, unit in panels:
        chosen = [x for x in found if x.row.kind in kinds and x.row.fitted]
        # Room for every point, a left-out forecast far off included.
        top = max(top, math.ceil(max(max(x.published, x.forecast, x.left_out) for x in chosen)))
        ax.plot([0, top], [0, top], color="#555555", lw=1, ls="--", label="forecast = published")
        ax.scatter([x.published for x in chosen], [x.forecast for x in chosen], s=30,
                   color="#0072B2", marker="o", label="fitted")
        ax.scatter([x.published for x in chosen], [x.left_out for x in chosen], s=30,
                   facecolors="none", edgecolors="#D55E00", marker="s", label="left out")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(f"published ({unit})")
        ax.set_ylabel(f"forecast ({unit})")
        ax.set_aspect("equal")
        ax.grid(color="#e5e5e5")
    axes[0].set_title("Shares, mean improvements and PIH")
    axes[1].set_title("Mean sessions to an endpoint")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def write_report(fitted: Fitted, report: Path, picture: Path) -> None:
    found = lines(fitted)
    plot(found, picture)
    summary = totals_table(found)
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        "# Calibration report\n\n"
        "Written by `make calibrate` (pico_widget/calibrate.py); do not edit by hand. "
        "Each row of `pico_widget/data/evidence.toml`: the published figure, the forecast of "
        "the fitted model for the row's population, and the forecast of a model fitted "
        "without that row (leave-one-out). Rows marked 'fitted: no' re-use patients "
        "already counted or cannot be read as the others are; they are shown, not fitted. "
        f"Model {fitted.model_version}.\n\n"
        f"![Forecast against published](../pico_widget/data/calibration.png)\n\n"
        f"## Totals (fitted rows)\n\n{summary}\n\n## Every row\n\n{table(found)}\n",
        "utf-8")
    from .model_page import model_page_path

    page = model_page_path()
    text = page.read_text("utf-8")
    head, _, rest = text.partition(MODEL_PAGE_START)
    _, _, tail = rest.partition(MODEL_PAGE_END)
    page.write_text(f"{head}{MODEL_PAGE_START}\n{summary}\n\n{table(found)}\n"
                    f"{MODEL_PAGE_END}{tail}", "utf-8")
    print(f"wrote {report} and {picture}\n{summary}")
