"""The frozen test set (data/test_studies.toml): published figures from studies the model
has never seen, fixed before the model changes they are to judge.

Its rows are evidence rows (core.evidence.EvidenceRow), read with the file's own
references so that the app never cites a test study. Nothing is fitted or chosen by
them: `make calibrate` scores them once, with the fit on all the evidence and the clinic
spread factor the left-out studies chose, into data/accuracy.toml [test] and a table in
docs/calibration.md, by the report's own forecast and scores (issue 30).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator

from ..core.catalogue import Fitted
from ..core.evidence import Design, EvidenceRow
from .baselines import SHARES_AND_MEANS, naive, pooled_naive_sd, threshold_aware
from .calibrate import forecast_row, predictive
from .calibration_report import Line, figure_forecast, totals

TEST_STUDIES = Path(__file__).resolve().parent.parent / "data" / "test_studies.toml"


class FrozenTestSet(BaseModel):
    """data/test_studies.toml: the date it was frozen, its studies and their rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frozen: dt.date
    references: dict[str, str]
    searched: dict[str, str]
    designs: dict[str, Design]
    row: tuple[EvidenceRow, ...]

    @model_validator(mode="after")
    def _cited(self) -> Self:
        ids = [r.id for r in self.row]
        if len(ids) != len(set(ids)):
            raise ValueError("test row ids must be unique")
        sources = {r.source for r in self.row}
        for name, table in (("searched", self.searched), ("designs", self.designs)):
            if sources - set(table):
                raise ValueError(f"no [{name}] entry for {sorted(sources - set(table))}")
        return self


def parse_test_set(text: str) -> FrozenTestSet:
    """The test set from its TOML text, each row checked as an evidence row is."""
    data: dict[str, Any] = tomllib.loads(text)
    references = data.get("references", {})
    return FrozenTestSet.model_validate(data, context={"references": references})


def load_test_set(path: Path = TEST_STUDIES) -> FrozenTestSet:
    return parse_test_set(path.read_text("utf-8"))


def frozen_lines(fitted: Fitted, factor: float, found: FrozenTestSet) -> list[Line]:
    """Each share and mean figure of the test set forecast for a new clinic by the full fit
    (its clinic sds widened by `factor`, as the app's are), with both baselines fitted to
    all the evidence (the test studies are in none of it)."""
    pooled = pooled_naive_sd()
    out = []
    for row in found.row:
        if row.kind not in SHARES_AND_MEANS:
            continue
        values, weights = predictive(row, fitted.conditions[row.condition], fitted.clinic,
                                     factor)
        typical = forecast_row(row, fitted)
        thresholds = row.thresholds if row.kind == "shares" else (None,) * len(typical)
        for i, ((what, value), at, t) in enumerate(zip(row.published, typical, thresholds,
                                                       strict=True)):
            fc = figure_forecast(row, value, values[:, i], weights)
            out.append(Line(row, what, value, at, fc.mean, fc.band50, fc.band80, fc.log_score,
                            naive(row, value, pooled), threshold_aware(row, t, value),
                            fc.clinic50, fc.clinic80, factor))
    return out


def frozen_toml(model_version: str, frozen: dt.date, found: list[Line]) -> str:
    """The [test] table of data/accuracy.toml."""
    out = ["", "# The frozen test set (data/test_studies.toml), scored once for this model",
           "# version by the fit on all the evidence; never used to choose anything.",
           "[test]", f'model_version = "{model_version}"', f'frozen = "{frozen}"']
    for key, value in totals(found).items():
        if isinstance(value, tuple):
            out.append(f"{key} = [{value[0]:.4f}, {value[1]:.4f}]")
        else:
            out.append(f"{key} = {int(value)}" if key in ("figures", "studies")
                       else f"{key} = {value:.4f}")
    return "\n".join(out) + "\n"


def frozen_section(frozen: dt.date, found: list[Line]) -> str:
    """The report's section: the totals against the naive baseline and every figure."""
    total = totals(found)
    head = [f"## Frozen test set\n\n{total['figures']:.0f} share and mean figures from "
            f"{total['studies']:.0f} published studies that are not in the evidence "
            f"(`pico_widget/data/test_studies.toml`, frozen {frozen}), each forecast for a "
            "new clinic by the fit on all the evidence, with the same bands and scores as "
            "the studies left out above. Scored once per model version; nothing is chosen "
            "by it.\n",
            "| score | model | naive baseline | threshold-aware baseline |", "|---|---|---|---|"]
    names = [("80% band holds (% of figures)", "coverage_80", "{:.0f}"),
             ("50% band holds (% of figures)", "coverage_50", "{:.0f}"),
             ("mean width of the 80% band (points)", "mean_width_80", "{:.1f}"),
             ("interval score, 80% (points)", "interval_score_80", "{:.1f}"),
             ("log score (nats per figure)", "log_score", "{:.2f}"),
             ("mean absolute error (points)", "mae", "{:.1f}")]
    head += [f"| {name} | {fmt.format(total[key])} | {fmt.format(total[key + '_naive'])} "
             f"| {fmt.format(total[key + '_naive_threshold'])} |"
             for name, key, fmt in names]
    body = ["", "Bands as above: the clinic band is the one the screen shows; a published "
            "figure is judged against the figure band (its own sampling error included).", "",
            "| row | condition | laser | figure | published | forecast | clinic 80% band "
            "| figure 50% band | figure 80% band | inside 80% |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    body += [f"| {x.row.id} | {x.row.condition} | {x.row.laser} | {x.what} | {x.published:g} "
             f"| {x.left_out:.1f} | {x.clinic80[0]:.1f}-{x.clinic80[1]:.1f} "
             f"| {x.band50[0]:.1f}-{x.band50[1]:.1f} "
             f"| {x.band80[0]:.1f}-{x.band80[1]:.1f} | {'yes' if x.inside80 else 'no'} |"
             for x in found]
    return "\n".join(head + body) + "\n"


def write_test_report(fitted: Fitted, accuracy: Path, report: Path,
                      path: Path = TEST_STUDIES) -> None:
    """Score the test set after the report: append [test] to accuracy.toml and the section
    to docs/calibration.md, with the spread factor the report just wrote."""
    factor = tomllib.loads(accuracy.read_text("utf-8"))["out_of_sample"]["clinic_sd_factor"]
    frozen = load_test_set(path)
    found = frozen_lines(fitted, factor, frozen)
    with accuracy.open("a", encoding="utf-8") as out:
        out.write(frozen_toml(fitted.model_version, frozen.frozen, found))
    with report.open("a", encoding="utf-8") as out:
        out.write("\n" + frozen_section(frozen.frozen, found))
    print(f"scored the frozen test set into {accuracy} and {report}")
