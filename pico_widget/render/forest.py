"""The evidence view's chart: this clinic among the published studies (issue 31).

Why this chart: a trainer shows where the clinic stands. Each study behind the condition's
fit is one clinic; its offset on how fast its patients improve (log rate, from
data/study_offsets.toml, written by `python -m pico_widget.fit.study_offsets`) is drawn as
a pace against the typical clinic's with its 80% interval, and this clinic's own offset
(core/clinic_effect.py, from its recorded courses) beside them in another colour and
shape. Plain SVG from a template: no plotly, so it prints in the handout as on screen.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..core.clinic_effect import ClinicEffect
from ..core.response import clinic_sd
from ..i18n.wording import wording
from .templates import html

Z80 = 1.2815515655446004  # the 80% interval, as every band in the app
ROW, LEFT, RIGHT_MARGIN, WIDTH = 26, 150, 20, 560
TICKS = (0.25, 0.33, 0.5, 0.67, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
TICK_GAP = 48  # labels this far apart (viewBox units) at least: "x0.67" in 13 px is ~40


@cache
def study_offsets() -> dict[str, dict[str, tuple[float, float]]]:
    """Per condition, per study: (mean, sd) of its log-rate offset."""
    text = resources.files("pico_widget").joinpath("data/study_offsets.toml").read_text(
        "utf-8")
    return {cid: {key: (float(v[0]), float(v[1])) for key, v in studies.items()}
            for cid, studies in tomllib.loads(text).items()}


@dataclass(frozen=True)
class Row:
    name: str
    mean: float  # log-rate offset
    sd: float
    clinic: bool = False


def clinic_row(condition: str, effect: ClinicEffect | None, language: str) -> Row | None:
    """This clinic's log-rate offset in the studies' units, when its band is its own."""
    own = effect.usable(condition) if effect is not None else None
    if own is None:
        return None
    mean, sd = own.offset("log_rate")
    tau = clinic_sd(condition=condition)[0]
    name = str(wording("band", "forest_this_clinic", language=language)).format(courses=own.courses)
    return Row(name, tau * mean, tau * sd, clinic=True)


def spaced(ticks: list[tuple[float, float]], one: float) -> list[tuple[float, float]]:
    """The ticks (pace, x) whose labels do not overlap: the pace 1 at `one`, then outward on each
    side each tick at least TICK_GAP from the last one kept (a wide axis drops 0.75)."""
    kept = [(t, at) for t, at in ticks if at == one]
    for side in (sorted(p for p in ticks if p[1] > one),
                 sorted((p for p in ticks if p[1] < one), reverse=True)):
        last = one
        for t, at in side:
            if abs(at - last) >= TICK_GAP:
                kept.append((t, at))
                last = at
    return sorted(kept, key=lambda p: p[1])


def forest_html(condition: str, effect: ClinicEffect | None, language: str) -> str:
    """The chart, or "" when the clinic has no band of its own for the condition."""
    clinic = clinic_row(condition, effect, language)
    studies = study_offsets().get(condition, {})
    if clinic is None or effect is None or not studies:
        return ""
    rows = [Row(key, mean, sd) for key, (mean, sd) in studies.items()] + [clinic]
    low = min(r.mean - Z80 * r.sd for r in rows)
    high = max(r.mean + Z80 * r.sd for r in rows)
    low, high = min(low, math.log(0.67)) - 0.05, max(high, math.log(1.5)) + 0.05
    right = WIDTH - RIGHT_MARGIN

    def x(log_pace: float) -> float:
        return round(LEFT + (log_pace - low) / (high - low) * (right - LEFT), 1)

    placed = [{"name": r.name, "clinic": r.clinic, "y": 16 + i * ROW, "mid": x(r.mean),
               "low": x(r.mean - Z80 * r.sd), "high": x(r.mean + Z80 * r.sd)}
              for i, r in enumerate(rows)]
    axis_y = 16 + len(rows) * ROW - 8
    say = wording("band", language=language)
    shown = spaced([(t, x(math.log(t))) for t in TICKS if low <= math.log(t) <= high], x(0.0))
    ticks = [{"x": at, "text": str(say["forest_tick"]).format(pace=f"{t:g}")}
             for t, at in shown]
    pace = math.exp(clinic.mean)
    return html("forest.html.j2", title=say["forest_title"], axis=say["forest_axis"],
                caption=str(say["forest_caption"]).format(courses=effect.courses(condition)),
                label=str(say["forest_label"]).format(pace=f"{pace:.2f}",
                                                      studies=len(studies)),
                rows=placed, ticks=ticks, one=x(0.0), left=LEFT, right=right,
                axis_y=axis_y, width=WIDTH, height=axis_y + 50)

