"""Retrospective check of the "this clinic" band: published studies stand in for clinics.

`python -m pico_widget.fit.clinic_retrospective` writes the [retrospective] part of
pico_widget/data/this_clinic.toml (after RETROSPECTIVE_MARKER; clinic_sbc writes the part
before it and keeps this one).

A study that reports share or mean figures at more than one session is a clinic whose
early records are known: its figures at every session before its last (the early ones)
estimate its offsets, and its figures at its last session are scored. The model is
refitted without any row of the study (calibrate.refit_without, as the left-out check
does, the pooled clinic sds kept), so no scored figure was seen by the fit. The study's
offsets are estimated as clinic_effect estimates a clinic's: the same prior (the studies'
spread, response.clinic_sd, and the atypical share's, in prior sds), a grid re-centred on
the posterior, read as the app reads a clinic's posterior: its mean and covariance
(clinic_effect.moments), the covariance no surer than clinic_effect.FLOOR in any
direction (clinic_effect.floored), the band's nodes on the posterior's own axes
(ConditionEffect.root). A normal per offset made a simulated clinic's band 1.3-1.4x too
wide: rate and ceiling are strongly correlated in a clinic's posterior. What differs is
the likelihood: a study publishes figures, not patients, so its early
figures count through the fit's own likelihood of a published figure
(calibrate.log_likelihoods, each row's weight as the evidence file gives it). Each later
figure is then forecast for "this clinic" (the study's offsets) and for a new clinic (the
studies' spread), with the left-out check's bands and log score
(calibration_report.figure_forecast): the clinic band (the screen's) and the
published-figure band (the clinic's share plus the figure's own sampling error).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.catalogue import FittedCondition, conditions, fitted
from ..core.clinic_effect import DIMS, FLOOR, ConditionEffect, floored, moments
from ..core.evidence import EvidenceRow, rows
from ..core.population import atypical_shares
from ..core.response import clinic_sd
from .baselines import SHARES_AND_MEANS
from .calibrate import clinic_dims, gauss_hermite, log_likelihoods, predict_at, refit_without
from .calibration_report import figure_forecast
from .this_clinic_page import written

PACKAGE = Path(__file__).resolve().parent.parent
OUT = PACKAGE / "data" / "this_clinic.toml"
RETROSPECTIVE_MARKER = "# --- retrospective (python -m pico_widget.fit.clinic_retrospective)"
_POINTS = 7  # grid nodes per offset in each pass
_PASSES = 4  # the first spans +-4 prior sds; each later one 4 posterior sds about the mean
_SPAN = 4.0
_BAND_POINTS = 5  # Gauss-Hermite nodes per offset for a band (calibrate.predictive's)
_ATYPICAL_POINTS = 3
PROCESSES = 2  # studies refitted in parallel (fork): this machine has 2 cores, shared


@dataclass(frozen=True)
class StudyAsClinic:
    """A study with figures at several sessions: its early rows and its last session's."""

    condition: str
    source: str
    early: tuple[EvidenceRow, ...]
    later: tuple[EvidenceRow, ...]


def studies_as_clinics() -> list[StudyAsClinic]:
    """Every study with share or mean figures at more than one session (fitted or not:
    a figure the fit leaves out as counted twice is still a figure the study published)."""
    out = []
    for cid in conditions():
        by_source: dict[str, list[EvidenceRow]] = {}
        for row in rows(cid, efficacy=True):
            if row.kind in SHARES_AND_MEANS and row.session is not None:
                by_source.setdefault(row.source, []).append(row)
        for source, own in by_source.items():
            last = max(r.session for r in own if r.session is not None)
            early = tuple(r for r in own if r.session is not None and r.session < last)
            if early:
                out.append(StudyAsClinic(cid, source, early,
                                         tuple(r for r in own if r.session == last)))
    return out


def _offsets(cid: str, params: FittedCondition, z: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (K, 3) and atypical shares (K,) at points z (K, dims + 1) in prior sds (the
    last column the atypical share's)."""
    dims = clinic_dims(cid)
    scales = np.array(clinic_sd(params, fitted().clinic))[:dims]
    return np.pad(z[:, :dims] * scales, ((0, 0), (0, 3 - dims))), atypical_shares(z[:, dims])


def study_offsets(study: StudyAsClinic, params: FittedCondition) -> ConditionEffect:
    """The posterior of the study's offsets in prior sds from its early figures: mean,
    sds and correlations (the atypical share's last), floored as clinic_effect floors a
    clinic's."""
    dims = clinic_dims(study.condition) + 1
    centre, span = np.zeros(dims), np.full(dims, _SPAN)
    mean, sd, correlation = centre, np.ones(dims), np.eye(dims)
    for _ in range(_PASSES):
        axes = [c + s * np.linspace(-1.0, 1.0, _POINTS) for c, s in zip(centre, span,
                                                                       strict=True)]
        z = np.array(list(itertools.product(*axes)))
        offsets, atypical = _offsets(study.condition, params, z)
        log_post = -0.5 * (z * z).sum(axis=1)
        for row in study.early:
            log_post = log_post + log_likelihoods(row, predict_at(row, params, offsets,
                                                                  atypical))
        weight = np.exp(log_post - log_post.max())
        mean, sd, correlation = moments(weight / weight.sum(), axes)
        step = np.array([a[1] - a[0] for a in axes])
        centre, span = mean, np.clip(np.maximum(_SPAN * sd, step), 0.01, _SPAN)
    return posterior(study.condition, len(study.early), mean, sd, correlation)


def posterior(cid: str, figures: int, mean: np.ndarray, sd: np.ndarray,
              correlation: np.ndarray) -> ConditionEffect:
    """The study's offsets (clinic_dims' and the atypical share's, in prior sds) as the
    app holds a clinic's, floored at FLOOR; `figures` stands where a clinic's courses do."""
    names = DIMS[:clinic_dims(cid)] + DIMS[-1:]
    return floored(ConditionEffect(cid, figures, tuple(float(m) for m in mean),
                                   tuple(float(s) for s in sd), names, FLOOR,
                                   tuple(tuple(float(r) for r in row) for row in correlation)),
                   FLOOR)


def new_clinic(cid: str) -> ConditionEffect:
    """A clinic nothing is known of: the prior, independent (0, 1) offsets."""
    dims = clinic_dims(cid) + 1
    return posterior(cid, 0, np.zeros(dims), np.ones(dims), np.eye(dims))


def band_points(effect: ConditionEffect) -> tuple[np.ndarray, np.ndarray]:
    """Where the clinic may sit, as the band integrates it: Gauss-Hermite nodes on the
    posterior's own axes (mean + root x), in prior sds (K, dims + 1), and their weights.
    The axis that moves the atypical share most gets its _ATYPICAL_POINTS nodes, the
    others _BAND_POINTS (the atypical share's offset stays near its prior, correlated
    with little)."""
    root = effect.root()
    last = int(np.argmax(root[-1] ** 2 / (root**2).sum(axis=0)))
    root = root[:, [j for j in range(root.shape[1]) if j != last] + [last]]
    nodes, weights = gauss_hermite(root.shape[1] - 1, _BAND_POINTS)
    own, own_weights = gauss_hermite(1, _ATYPICAL_POINTS)
    x = np.hstack([np.repeat(nodes, len(own), axis=0), np.tile(own, (len(nodes), 1))])
    return np.array(effect.mean) + x @ root.T, np.outer(weights, own_weights).ravel()


def _band_nodes(params: FittedCondition, effect: ConditionEffect
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clinic's offsets, atypical shares and weights at band_points."""
    z, weights = band_points(effect)
    offsets, atypical = _offsets(effect.condition, params, z)
    return offsets, atypical, weights


@dataclass(frozen=True)
class Scored:
    """One later figure, forecast for the study as a clinic and for a new clinic."""

    condition: str
    source: str
    row: str
    what: str
    published: float
    early: tuple[str, ...]
    own_clinic80: tuple[float, float]
    own_band80: tuple[float, float]
    own_log_score: float
    new_clinic80: tuple[float, float]
    new_band80: tuple[float, float]
    new_log_score: float


def score_study(study: StudyAsClinic) -> list[Scored]:
    """The study's later figures, its offsets from its early ones, the fit without it."""
    params = refit_without(fitted(), study.condition, study.source)
    effect = study_offsets(study, params)
    out = []
    for row in study.later:
        forecasts = []
        for clinic in (effect, new_clinic(study.condition)):
            offsets, atypical, weights = _band_nodes(params, clinic)
            values = predict_at(row, params, offsets, atypical)
            forecasts.append([figure_forecast(row, value, values[:, i], weights)
                              for i, (_, value) in enumerate(row.published)])
        for (what, value), own, new in zip(row.published, *forecasts, strict=True):
            out.append(Scored(study.condition, study.source, row.id, what, value,
                              tuple(r.id for r in study.early), own.clinic80, own.band80,
                              own.log_score, new.clinic80, new.band80, new.log_score))
    print(f"{study.condition} {study.source}: offsets {np.round(effect.mean, 2)} "
          f"sd {np.round(effect.sd, 2)} rate-ceiling correlation {effect.correlation[0][1]:.2f}",
          flush=True)
    return out


def score_all(processes: int = PROCESSES) -> list[Scored]:
    studies = studies_as_clinics()
    if processes > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            found = pool.map(score_study, studies, chunksize=1)
    else:
        found = [score_study(s) for s in studies]
    return [s for group in found for s in group]


def _inside(band: tuple[float, float], value: float) -> bool:
    return band[0] <= value <= band[1]


def _pair(band: tuple[float, float]) -> str:
    return f"[{band[0]:.1f}, {band[1]:.1f}]"


def retrospective_toml(scored: list[Scored]) -> str:
    n = len(scored)
    totals = {
        "own_clinic80": sum(_inside(s.own_clinic80, s.published) for s in scored),
        "own_band80": sum(_inside(s.own_band80, s.published) for s in scored),
        "new_clinic80": sum(_inside(s.new_clinic80, s.published) for s in scored),
        "new_band80": sum(_inside(s.new_band80, s.published) for s in scored)}
    lines = [RETROSPECTIVE_MARKER,
             "# Studies reporting several sessions stand in for clinics: their early figures",
             "# estimate their offsets, their last session's figures are scored, with the",
             "# fit refitted without the study. own = the study as 'this clinic', new = a",
             "# new clinic; clinic80 = the screen's band, band80 = the published figure's.",
             "[retrospective]",
             f"studies = {len({(s.condition, s.source) for s in scored})}",
             f"figures = {n}", f"floor = {FLOOR:g}"]
    lines += [f"{key}_holds = {hits}" for key, hits in totals.items()]
    lines += [f"own_log_score = {sum(s.own_log_score for s in scored) / n:.3f}",
              f"new_log_score = {sum(s.new_log_score for s in scored) / n:.3f}",
              f"own_clinic80_width = "
              f"{sum(s.own_clinic80[1] - s.own_clinic80[0] for s in scored) / n:.1f}",
              f"new_clinic80_width = "
              f"{sum(s.new_clinic80[1] - s.new_clinic80[0] for s in scored) / n:.1f}", ""]
    for s in scored:
        lines += ["[[retrospective.figure]]", f'condition = "{s.condition}"',
                  f'source = "{s.source}"', f'row = "{s.row}"', f'what = "{s.what}"',
                  f"published = {s.published:g}",
                  "early = [" + ", ".join(f'"{e}"' for e in s.early) + "]",
                  f"own_clinic80 = {_pair(s.own_clinic80)}", f"own_band80 = {_pair(s.own_band80)}",
                  f"own_log_score = {s.own_log_score:.3f}",
                  f"new_clinic80 = {_pair(s.new_clinic80)}", f"new_band80 = {_pair(s.new_band80)}",
                  f"new_log_score = {s.new_log_score:.3f}", ""]
    return "\n".join(lines)


def write_part(path: Path, text: str, *, retrospective: bool) -> None:
    """Write one part of the file (before RETROSPECTIVE_MARKER, or from it on), keeping
    the other as it is."""
    old = path.read_text("utf-8") if path.exists() else ""
    head, _, tail = old.partition(RETROSPECTIVE_MARKER)
    tail = RETROSPECTIVE_MARKER + tail if tail else ""
    new = head.rstrip("\n") + "\n\n" + text if retrospective else text.rstrip("\n") + "\n\n" + tail
    path.write_text(new.lstrip("\n").rstrip("\n") + "\n", "utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pico_widget.fit.clinic_retrospective",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=PROCESSES)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = retrospective_toml(score_all(args.processes))
    write_part(args.out, text, retrospective=True)
    print(text)
    written(args.out)


if __name__ == "__main__":
    main()
