"""The calibration report: every published figure predicted for a clinic the fit never saw.

Written by `make calibrate` (docs/calibration.md, data/calibration.png, data/accuracy.toml)
and summarised on the model page. Each study in turn is left out whole (all its rows, both
lasers) and its figures are predicted for a new clinic: the model's predictive distribution
of the published figure mixes the between-clinic spread (Gauss-Hermite nodes of a new
clinic's offsets) with the figure's own sampling error (binomial for shares, the stated
standard error for means). Against it stands a naive baseline: per condition, the logit
mean and spread of the other studies' figures. Scores on the figures in percent (shares of
patients and mean improvements): coverage of the 50% and 80% bands, the 80% band's width,
its interval score, the log score (the log predictive probability of the published count
for a share, the log density per point for a mean) and the error of the predictive mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.catalogue import Fitted, FittedCondition, FittedPih, conditions
from ..core.evidence import EvidenceRow, rows
from ..core.pih import clinic_sd as pih_clinic_sd
from .calibrate import forecast_row, predictive, refit_without

MODEL_PAGE_START, MODEL_PAGE_END = "<!-- calibration:start -->", "<!-- calibration:end -->"
SHARES_AND_MEANS = ("shares", "mean")  # figures in percentage points, scored together
BINOMIAL = ("shares", "pih", "pih_rate")  # shares of patients (or of sessions)
PERCENT = (*SHARES_AND_MEANS, "pih", "pih_rate")
_GRID = np.linspace(-12.0, 12.0, 2401)  # logit (or session) grid the bands are read from
_ALPHA = 0.2  # the 80% band's miss rate, for the interval score


@dataclass(frozen=True)
class Line:
    """One published figure, its fitted value and its forecast with its study left out."""

    row: EvidenceRow
    what: str
    published: float
    forecast: float  # the fitted model at the typical clinic (in sample)
    left_out: float  # predictive mean for a new clinic, the study left out
    band50: tuple[float, float]
    band80: tuple[float, float]
    log_score: float  # log predictive probability (shares) or density (means) of the figure
    naive: tuple[float, tuple[float, float], tuple[float, float], float] | None = None

    @property
    def unit(self) -> str:
        return "sessions" if self.row.kind in ("sessions", "sessions_capped") else "points"

    @property
    def inside80(self) -> bool:
        return self.band80[0] <= self.published <= self.band80[1]

    @property
    def inside50(self) -> bool:
        return self.band50[0] <= self.published <= self.band50[1]


def _logit(share: np.ndarray | float) -> np.ndarray:
    share = np.asarray(share, dtype=float)
    return np.log(share) - np.log1p(-share)


def _expit(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def _floor(row: EvidenceRow) -> float:
    """How close to 0 or 1 a share can be read: half a patient (a mean: half a point)."""
    return 0.5 / (row.patients * row.weight) if row.kind in BINOMIAL else 0.005


def _spread(row: EvidenceRow, share: np.ndarray) -> np.ndarray:
    """The figure's own sampling sd on the logit scale, at a true value `share` (0-1)."""
    p = np.clip(share, _floor(row), 1 - _floor(row))
    if row.kind in BINOMIAL:
        return 1.0 / np.sqrt(row.patients * row.weight * p * (1 - p))
    assert row.se is not None
    return (row.se / math.sqrt(row.weight)) / (100 * p * (1 - p))


def _bands(centres: np.ndarray, sds: np.ndarray, weights: np.ndarray, grid: np.ndarray
           ) -> dict[float, float]:
    """Quantiles 0.1, 0.25, 0.75, 0.9 of a mixture of normals, read off its CDF on `grid`."""
    from scipy.special import ndtr

    cdf = (weights[:, None] * ndtr((grid[None, :] - centres[:, None]) / sds[:, None])).sum(0)
    return {q: float(np.interp(q, cdf, grid)) for q in (0.1, 0.25, 0.75, 0.9)}


def _mixture_log_density(x: float, centres: np.ndarray, sds: np.ndarray,
                         weights: np.ndarray) -> float:
    terms = (np.log(weights) - 0.5 * ((x - centres) / sds) ** 2
             - np.log(sds * math.sqrt(2 * math.pi)))
    top = float(terms.max())
    return top + math.log(float(np.exp(terms - top).sum()))


def _binomial_log(row: EvidenceRow, published: float, share: np.ndarray) -> np.ndarray:
    """log P(the published share | a true share), binomial over the row's patients (its
    weight counted: H4's groups a quarter of 225), continuous in the count."""
    from scipy.special import gammaln

    n = row.patients * row.weight
    count = published / 100 * n
    p = np.clip(share, 1e-12, 1 - 1e-12)
    return (gammaln(n + 1) - gammaln(count + 1) - gammaln(n - count + 1)
            + count * np.log(p) + (n - count) * np.log1p(-p))


def _log_sum(terms: np.ndarray) -> float:
    top = float(terms.max())
    return top + math.log(float(np.exp(terms - top).sum()))


def log_score(row: EvidenceRow, published: float, truth: np.ndarray,
              weights: np.ndarray) -> float:
    """log predictive probability of the published figure given true values at a new
    clinic (`truth` (K,), percent) with `weights`: for a share, the binomial probability of
    the count published; for a mean, the normal density (per point) of its stated error."""
    if row.kind in BINOMIAL:
        return _log_sum(np.log(weights) + _binomial_log(row, published, truth / 100))
    assert row.se is not None
    sd = row.se / math.sqrt(row.weight)
    return _log_sum(np.log(weights) - 0.5 * ((published - truth) / sd) ** 2
                    - math.log(sd * math.sqrt(2 * math.pi)))


_NAIVE_X = np.linspace(-15.0, 15.0, 6001)
_NODES = np.linspace(-7.0, 7.0, 701)  # the true value's normal, in its sds


def _naive_log_score(row: EvidenceRow, published: float, centre: float, sd: float) -> float:
    """The naive forecast's log score: its logit-normal for the true value, integrated
    against the figure's own sampling error (as the model's is)."""
    density = np.exp(-0.5 * ((_NAIVE_X - centre) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    weights = density * (_NAIVE_X[1] - _NAIVE_X[0])
    keep = weights > 1e-300
    return log_score(row, published, 100 * _expit(_NAIVE_X[keep]), weights[keep])


def _truth(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The true value across clinics as a logit-normal with the nodes' logit mean and sd:
    points on its logit grid and their weights. A sum over 125 nodes would give a spiky
    density that a study of 300 patients, whose sampling error is narrower than the
    nodes' spacing, falls between."""
    logits = _logit(np.clip(values / 100, 1e-6, 1 - 1e-6))
    centre = float(weights @ logits)
    spread = max(math.sqrt(float(weights @ (logits - centre) ** 2)), 1e-3)
    density = np.exp(-0.5 * _NODES**2)
    return centre + spread * _NODES, density / density.sum()


def figure_score(row: EvidenceRow, published: float, values: np.ndarray,
                 weights: np.ndarray) -> float:
    """figure_forecast's log score alone (what the spread factor is chosen by)."""
    if row.kind in PERCENT:
        grid, density = _truth(values, weights)
        return log_score(row, published, 100 * _expit(grid), density)
    return figure_forecast(row, published, values, weights)[3]


def figure_forecast(row: EvidenceRow, published: float, values: np.ndarray,
                    weights: np.ndarray) -> tuple[float, tuple[float, float],
                                                  tuple[float, float], float]:
    """Predictive mean, 50% and 80% bands and log score of one figure, from its values at
    a new clinic's nodes (K,) and their weights. For shares and means the true value across
    clinics is taken as logit-normal with the nodes' logit mean and sd; the bands add the
    figure's sampling error as normal on the logit scale, the log score uses it exactly
    (binomial for shares)."""
    mean = float(weights @ values)
    if row.kind in PERCENT:
        grid, density = _truth(values, weights)  # as the app's band summarises it
        truth = _expit(grid)
        q = _bands(grid, _spread(row, truth), density, _GRID)
        score = log_score(row, published, 100 * truth, density)

        def back(x: float) -> float:
            return 100 * float(_expit(x))
    else:  # sessions: a mixture of normals in sessions (not scored)
        assert row.se is not None
        sds = np.full(values.shape, row.se / math.sqrt(row.weight))
        q = _bands(values, sds, weights, np.linspace(0.0, 40.0, 4001))
        score = _mixture_log_density(published, values, sds, weights)

        def back(x: float) -> float:
            return x
    return (mean, (back(q[0.25]), back(q[0.75])), (back(q[0.1]), back(q[0.9])), score)


def _percent_figures(cid: str) -> list[tuple[str, float, EvidenceRow]]:
    """(study, published logit, row) of each fitted share and mean figure of a condition."""
    out = []
    for row in rows(cid, efficacy=True):
        if row.fitted and row.kind in SHARES_AND_MEANS:
            for _, value in row.published:
                share = np.clip(value / 100, _floor(row), 1 - _floor(row))
                out.append((row.source, float(_logit(share)), row))
    return out


def _pooled_naive_sd() -> float:
    """The spread of figures within a condition, pooled over conditions: the naive
    baseline's spread where a condition has too few other figures to measure its own."""
    deviations: list[float] = []
    for cid in conditions():
        logits = np.array([x for _, x, _ in _percent_figures(cid)])
        if len(logits) >= 2:
            deviations += list(logits - logits.mean())
    return float(np.sqrt(np.mean(np.square(deviations)) * len(deviations)
                         / max(len(deviations) - len(conditions()), 1)))


def naive(row: EvidenceRow, published: float, pooled_sd: float
          ) -> tuple[float, tuple[float, float], tuple[float, float], float]:
    """The naive forecast of a figure: a normal on the logit scale with the mean and sd of
    the other studies' share and mean figures of the condition (any threshold or session)."""
    others = np.array([x for source, x, _ in _percent_figures(row.condition)
                       if source != row.source])
    centre = float(others.mean()) if len(others) else 0.0
    sd = float(others.std(ddof=1)) if len(others) >= 3 else pooled_sd
    sd = max(sd, 0.05)
    z50, z80 = 0.6744897501960817, 1.2815515655446004
    score = _naive_log_score(row, published, centre, sd)

    def back(x: float) -> float:
        return 100 * float(_expit(x))

    return (back(centre), (back(centre - z50 * sd), back(centre + z50 * sd)),
            (back(centre - z80 * sd), back(centre + z80 * sd)), score)


SPREAD_FACTORS = tuple(round(0.5 + 0.1 * i, 1) for i in range(31))  # 0.5 to 3.5


def spread_factor(scores: dict[tuple[str, str], np.ndarray], leave: tuple[str, str] | None
                  ) -> float:
    """The factor on the clinic sds that gives the studies left out the best log score in
    all (SPREAD_FACTORS), each study's figures predicted by a fit without it; with `leave`,
    chosen without that study's own figures, so that the report judges the factor on a
    study it did not help choose (nested). The marginal likelihood's clinic sds run low
    when each condition's dozen parameters are fitted to 2-8 studies: the fitted
    parameters take up part of what the studies disagree on (model page)."""
    total = sum(score for study, score in scores.items() if study != leave)
    assert isinstance(total, np.ndarray)
    return SPREAD_FACTORS[int(np.argmax(total))]


def lines(fitted: Fitted) -> tuple[list[Line], float, float]:
    """Every fitted efficacy figure with its study left out, in the evidence file's order,
    then the PIH figures, and the clinic spread factors (efficacy, PIH) chosen by all the
    studies left out."""
    pooled = _pooled_naive_sd()
    refits: dict[tuple[str, str], object] = {}
    scores: dict[tuple[str, str], np.ndarray] = {}
    for cid in conditions():
        for source in dict.fromkeys(r.source for r in rows(cid, efficacy=True) if r.fitted):
            params = refit_without(fitted, cid, source)
            refits[(cid, source)] = params
            own = [r for r in rows(cid, efficacy=True) if r.source == source and r.fitted
                   and r.kind in SHARES_AND_MEANS]
            scores[(cid, source)] = np.array([
                sum(figure_score(row, value, values[:, i], weights)
                    for row in own
                    for values, weights in [predictive(row, params, fitted.clinic, factor)]
                    for i, (_, value) in enumerate(row.published))
                for factor in SPREAD_FACTORS])
    out = []
    for row in rows(efficacy=True):
        if not row.fitted:
            continue
        study = (row.condition, row.source)
        params = refits[study]
        assert isinstance(params, FittedCondition)
        values, weights = predictive(row, params, fitted.clinic, spread_factor(scores, study))
        fit = forecast_row(row, fitted)
        for i, ((what, value), f) in enumerate(zip(row.published, fit, strict=True)):
            mean, b50, b80, score = figure_forecast(row, value, values[:, i], weights)
            base = naive(row, value, pooled) if row.kind in SHARES_AND_MEANS else None
            out.append(Line(row, what, value, f, mean, b50, b80, score, base))
    pih, pih_factor = pih_lines(fitted)
    return out + pih, spread_factor(scores, None), pih_factor


def pih_lines(fitted: Fitted) -> tuple[list[Line], float]:
    """Every fitted PIH figure with its study left out of the PIH fit, forecast for a new
    clinic (its own factor on the risk drawn from the clinic sd the app uses, pih.clinic_sd,
    9 Gauss-Hermite nodes), and the factor on that sd the studies left out choose, as for
    efficacy (spread_factor, nested): the PIH fit's factor per condition takes up part of
    what its studies disagree on. Shown and counted apart from the efficacy totals."""
    from .calibrate import fit_pih, predict_pih

    nodes, weights = np.polynomial.hermite_e.hermegauss(9)
    weights = weights / weights.sum()
    used = [r for r in rows(efficacy=False) if r.fitted]

    def values(row: EvidenceRow, params: FittedPih, factor: float) -> np.ndarray:
        tau = pih_clinic_sd(params, row.condition, factor)
        return np.array([predict_pih(row, params, tau * float(z))[0] for z in nodes])

    refits: dict[tuple[str, str], tuple[list[EvidenceRow], FittedPih]] = {}
    scores: dict[tuple[str, str], np.ndarray] = {}
    for source in dict.fromkeys(r.source for r in used):
        own = [r for r in used if r.source == source]
        params = fit_pih(leave_out={r.id for r in own})
        refits[("pih", source)] = own, params
        scores[("pih", source)] = np.array([
            sum(figure_score(row, value, values(row, params, factor), weights)
                for row in own for _, value in row.published)
            for factor in SPREAD_FACTORS])
    out = []
    for study, (own, params) in refits.items():
        for row in own:
            at = values(row, params, spread_factor(scores, study))
            for (what, value), f in zip(row.published, forecast_row(row, fitted), strict=True):
                mean, b50, b80, score = figure_forecast(row, value, at, weights)
                out.append(Line(row, what, value, f, mean, b50, b80, score))
    return out, spread_factor(scores, None)


def totals(found: list[Line]) -> dict[str, float]:
    """Scores over the share and mean figures (points), the model's and the naive's."""
    chosen = [x for x in found if x.row.kind in SHARES_AND_MEANS]
    assert all(x.naive is not None for x in chosen)

    def interval_score(low: float, high: float, y: float) -> float:
        return ((high - low) + (2 / _ALPHA) * max(low - y, 0.0)
                + (2 / _ALPHA) * max(y - high, 0.0))

    def scores(mean: list[float], b50: list[tuple[float, float]],
               b80: list[tuple[float, float]], logs: list[float]) -> dict[str, float]:
        y = [x.published for x in chosen]
        return {
            "coverage_80": 100 * float(np.mean([lo <= v <= hi for (lo, hi), v
                                                in zip(b80, y, strict=True)])),
            "coverage_50": 100 * float(np.mean([lo <= v <= hi for (lo, hi), v
                                                in zip(b50, y, strict=True)])),
            "mean_width_80": float(np.mean([hi - lo for lo, hi in b80])),
            "interval_score_80": float(np.mean([interval_score(lo, hi, v)
                                                for (lo, hi), v in zip(b80, y, strict=True)])),
            "log_score": float(np.mean(logs)),
            "mae": float(np.mean([abs(m - v) for m, v in zip(mean, y, strict=True)])),
        }

    model = scores([x.left_out for x in chosen], [x.band50 for x in chosen],
                   [x.band80 for x in chosen], [x.log_score for x in chosen])
    base = scores([x.naive[0] for x in chosen if x.naive], [x.naive[1] for x in chosen if x.naive],
                  [x.naive[2] for x in chosen if x.naive], [x.naive[3] for x in chosen if x.naive])
    return {"figures": float(len(chosen)),
            "studies": float(len({(x.row.condition, x.row.source) for x in chosen})),
            **model, **{f"{k}_naive": v for k, v in base.items()}}


def by_condition(found: list[Line]) -> dict[str, tuple[int, int, float]]:
    """Per condition: the studies with fitted share or mean figures, those figures, and the
    mean absolute error of their forecast for a new clinic with the study left out (what
    the app tells a doctor about how far to trust a chance)."""
    out = {}
    for cid in conditions():
        chosen = [x for x in found if x.row.condition == cid and x.row.kind in SHARES_AND_MEANS]
        if chosen:
            out[cid] = (len({x.row.source for x in chosen}), len(chosen),
                        float(np.mean([abs(x.left_out - x.published) for x in chosen])))
    return out


def accuracy_toml(model_version: str, found: list[Line], factor: float,
                  pih_factor: float) -> str:
    """data/accuracy.toml: the left-out totals and, per condition, the left-out error."""
    total = totals(found) | {"clinic_sd_factor": factor, "pih_clinic_sd_factor": pih_factor}
    out = ["# Generated by `make calibrate`: every fitted share and mean figure predicted for a",
           "# new clinic by a fit that left its whole study out (docs/calibration.md). Percent",
           "# and points; log scores in mean nats per figure (binomial probability of a share's",
           "# count, density per point of a mean); '_naive': the",
           "# baseline (per condition, the logit mean and spread of the other studies' figures).",
           "# Per condition: studies, figures and the mean absolute error of the forecast,",
           "# shown beside the strength of evidence. Do not edit by hand.",
           "", f'model_version = "{model_version}"', "", "[out_of_sample]"]
    for key, value in total.items():
        out.append(f"{key} = {int(value)}" if key in ("figures", "studies")
                   else f"{key} = {value:.4f}")
    out.append("")
    for cid, (studies, figures, error) in by_condition(found).items():
        out += [f"[conditions.{cid}]", f"studies = {studies}", f"figures = {figures}",
                f"left_out_error = {error:.2f}", ""]
    return "\n".join(out)


def table(found: list[Line]) -> str:
    head = ["| row | condition | laser | figure | published | fitted | left out | 50% band "
            "| 80% band | inside 80% | naive (80% band) |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    body = []
    for x in found:
        base = (f"{x.naive[0]:.1f} ({x.naive[2][0]:.1f}-{x.naive[2][1]:.1f})" if x.naive
                else "-")
        body.append(
            f"| {x.row.id} | {x.row.condition} | {x.row.laser} | {x.what} | {x.published:g} "
            f"| {x.forecast:.1f} | {x.left_out:.1f} | {x.band50[0]:.1f}-{x.band50[1]:.1f} "
            f"| {x.band80[0]:.1f}-{x.band80[1]:.1f} | {'yes' if x.inside80 else 'no'} "
            f"| {base} |")
    return "\n".join(head + body)


def totals_table(found: list[Line]) -> str:
    total = totals(found)
    sessions = [x for x in found if x.unit == "sessions"]
    rows_ = [("80% band holds (% of figures; target 70-90)", "coverage_80", "{:.0f}"),
             ("50% band holds (% of figures; target 40-60)", "coverage_50", "{:.0f}"),
             ("mean width of the 80% band (points; target <= 45)", "mean_width_80", "{:.1f}"),
             ("interval score, 80% (points; target <= 65)", "interval_score_80", "{:.1f}"),
             ("log score (nats per figure; higher is better)", "log_score", "{:.2f}"),
             ("mean absolute error (points; target <= 14)", "mae", "{:.1f}")]
    lines_ = [f"Left out: {int(total['figures'])} share and mean figures from "
              f"{int(total['studies'])} studies, each study left out whole.", "",
              "| score | model | naive baseline |", "|---|---|---|"]
    lines_ += [f"| {name} | {fmt.format(total[key])} | {fmt.format(total[key + '_naive'])} |"
               for name, key, fmt in rows_]
    pih = [x for x in found if x.row.kind in ("pih", "pih_rate")]
    if pih:
        lines_ += ["", f"PIH figures (not in the totals above; each study left out of the PIH "
                   f"fit): the 80% band holds {sum(x.inside80 for x in pih)} of {len(pih)}, "
                   f"the 50% band {sum(x.inside50 for x in pih)}; mean error "
                   f"{np.mean([abs(x.left_out - x.published) for x in pih]):.1f} points."]
    if sessions:
        inside = sum(x.inside80 for x in sessions)
        lines_ += ["", f"Session counts (not in the totals above): the 80% band holds "
                   f"{inside} of {len(sessions)}; mean error "
                   f"{np.mean([abs(x.left_out - x.published) for x in sessions]):.1f} sessions."]
    return "\n".join(lines_)


def plot(found: list[Line], path: Path) -> None:
    """Left-out forecast against published with each figure's 80% band: inside (blue
    circles) and outside (vermilion squares)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), dpi=110)
    panels = [(axes[0], PERCENT, 100, "percent"),
              (axes[1], ("sessions", "sessions_capped"), 9, "sessions")]
    for ax, kinds, top, unit in panels:
        chosen = [x for x in found if x.row.kind in kinds]
        top = max(top, math.ceil(max(max(x.published, x.band80[1]) for x in chosen)))
        ax.plot([0, top], [0, top], color="#555555", lw=1, ls="--", label="forecast = published")
        for inside, colour, marker, label in ((True, "#0072B2", "o", "inside its 80% band"),
                                              (False, "#D55E00", "s", "outside")):
            group = [x for x in chosen if x.inside80 == inside]
            if not group:
                continue
            ax.errorbar([x.published for x in group], [x.left_out for x in group],
                        yerr=[[x.left_out - x.band80[0] for x in group],
                              [x.band80[1] - x.left_out for x in group]],
                        fmt=marker, color=colour, ms=5, elinewidth=0.8, capsize=2, label=label)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(f"published ({unit})")
        ax.set_ylabel(f"forecast, study left out ({unit})")
        ax.set_aspect("equal")
        ax.grid(color="#e5e5e5")
    axes[0].set_title("Shares, mean improvements and PIH")
    axes[1].set_title("Mean sessions to an endpoint")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def write_report(fitted: Fitted, report: Path, picture: Path, accuracy: Path,
                 model_page: Path) -> None:
    """Leave each study out, then write the report, the plot, accuracy.toml and the model
    page's calibration table (between its markers)."""
    found, factor, pih_factor = lines(fitted)
    plot(found, picture)
    accuracy.write_text(accuracy_toml(fitted.model_version, found, factor, pih_factor),
                        "utf-8")
    summary = totals_table(found)
    clinic = fitted.clinic
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        "# Calibration report\n\n"
        "Written by `make calibrate` (pico_widget/fit/calibrate.py, calibration_report.py); do "
        "not edit by hand. Each study of `pico_widget/data/evidence.toml` in turn is left out "
        "whole and its figures are forecast for a new clinic by a fit that never saw them: "
        "'left out' is the predictive mean, the bands are the predictive distribution's "
        "(between clinics and the figure's own sampling error), 'fitted' the full fit at the "
        "typical clinic. The naive baseline: per condition, the logit mean and spread of the "
        "other studies' share and mean figures. Rows marked 'fitted = false' in the evidence "
        "file are not shown. "
        f"Model {fitted.model_version}; clinic sds (pooled): log rate {clinic.rate_sd:.2f}, "
        f"logit ceiling {clinic.ceiling_sd:.2f}, logit complete share "
        f"{clinic.complete_sd:.2f}; the studies left out widen them by {factor:.1f}, and the "
        f"PIH clinic sd ({fitted.pih.study_sd:.2f} on the log risk, before the condition "
        f"factor's own uncertainty) by {pih_factor:.1f} (each study's own figures judged "
        "with the factor the other studies chose).\n\n"
        "![Forecast with the study left out, against published]"
        "(../pico_widget/data/calibration.png)\n\n"
        f"## Totals (studies left out)\n\n{summary}\n\n## Every figure\n\n{table(found)}\n",
        "utf-8")
    page = model_page
    text = page.read_text("utf-8")
    head, _, rest = text.partition(MODEL_PAGE_START)
    _, _, tail = rest.partition(MODEL_PAGE_END)
    page.write_text(f"{head}{MODEL_PAGE_START}\n{summary}\n\n{table(found)}\n"
                    f"{MODEL_PAGE_END}{tail}", "utf-8")
    print(f"wrote {report}, {picture} and {accuracy}\n{summary}")
