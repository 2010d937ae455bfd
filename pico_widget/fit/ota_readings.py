"""Which evidence rows hold nevus of Ota's 'never reach 75%' up, and how far (issue 30).

`python -m pico_widget.fit.ota_readings` refits nevus of Ota alone, from the shipped fit
at the shipped clinic sds (not nested: the other conditions, the clinic sds and the spread
factor as shipped), once per reading of its evidence in READINGS: rows left out, or read
another way. For each it prints what the app then says for the issue's case (picosecond,
moderate, type IV, goal 75): how many in 100 never reach it, the median sessions with each
laser and their ratio. The model page's section on nevus of Ota is written from its table.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from ..core import catalogue, forecast, response
from ..core.evidence import EvidenceRow, rows
from ..core.models import PatientProfile
from .calibrate import (
    _minimise,
    condition_loss,
    condition_params,
    condition_theta,
    to_condition,
)

CONDITION = "nevus_of_ota"
CASE = {"condition": CONDITION, "fitzpatrick": 4, "goal_percent": 75, "severity": "moderate"}


@dataclass(frozen=True)
class Reading:
    """One way of reading the condition's rows: which to leave out, how to re-read some."""

    label: str
    leave_out: frozenset[str] = frozenset()
    reread: Callable[[EvidenceRow], EvidenceRow] = lambda row: row


def _o6_over_sessions(row: EvidenceRow) -> EvidenceRow:
    """O6's patients had 1-11 sessions: read as spread evenly over them (mean 6)."""
    if row.id != "O6":
        return row
    return row.model_copy(update={"session_spread": (1, 11), "session": 6.0})


def _o13_good_as_quartile(row: EvidenceRow) -> EvidenceRow:
    """O13's 'excellent to good' read on the quartile scale's words, good as 25% or more,
    instead of 50% or more: its cut-offs are not in the abstract."""
    if row.id != "O13":
        return row
    return row.model_copy(update={"thresholds": (95.0, 25.0)})


READINGS = (
    Reading("as shipped (every row as evidence.toml reads it)"),
    Reading("without O6", frozenset({"O6"})),
    Reading("without O12", frozenset({"O12"})),
    Reading("without O13", frozenset({"O13"})),
    Reading("without O12 and O13", frozenset({"O12", "O13"})),
    Reading("without O6, O12 and O13", frozenset({"O6", "O12", "O13"})),
    Reading("O6 read over sessions 1-11 (not at 5)", reread=_o6_over_sessions),
    Reading("O13's 'good' read as 25% or more (not 50%)", reread=_o13_good_as_quartile),
)


@dataclass(frozen=True)
class Outcome:
    never: float  # in 100, picosecond
    median_ps: int | None
    median_qs: int | None


def refit(reading: Reading) -> catalogue.FittedCondition:
    """Nevus of Ota's parameters fitted to the reading's rows, from the shipped fit."""
    shipped = catalogue.fitted()
    used = [reading.reread(r) for r in rows(CONDITION, efficacy=True)
            if r.fitted and r.id not in reading.leave_out]
    start = shipped.conditions[CONDITION]
    theta = _minimise(condition_params(CONDITION),
                      condition_loss(CONDITION, used, shipped.clinic),
                      start=condition_theta(CONDITION, start))
    return to_condition(CONDITION, theta, [r.id for r in used])


def outcome(params: catalogue.FittedCondition) -> Outcome:
    """What the app says for CASE with these parameters in place of the shipped ones."""
    shipped = catalogue.fitted()
    trial = shipped.model_copy(update={"conditions": {**shipped.conditions,
                                                      CONDITION: params}})
    with mock.patch.object(catalogue, "fitted", lambda: trial), \
            mock.patch.object(forecast, "fitted", lambda: trial), \
            mock.patch.object(response, "fitted", lambda: trial):
        ps, qs = (forecast.estimate(PatientProfile(**CASE, laser=laser))
                  for laser in ("picosecond", "q-switched"))
    return Outcome(ps.never_percent, ps.sessions_median, qs.sessions_median)


def main(argv: list[str] | None = None) -> None:
    """Print the table's rows; with arguments, only the readings at those indices (to run
    them in two processes)."""
    chosen = [int(a) for a in (sys.argv[1:] if argv is None else argv)]
    print("| reading | never reach 75 (in 100) | median, picosecond | Q-switched | ratio |")
    print("|---|---|---|---|---|")
    for reading in [READINGS[i] for i in chosen] or READINGS:
        found = outcome(refit(reading))
        ratio = (f"{found.median_qs / found.median_ps:.2f}"
                 if found.median_ps and found.median_qs else "-")
        print(f"| {reading.label} | {found.never:.1f} | {found.median_ps or '-'} | "
              f"{found.median_qs or '-'} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
