"""`make calibrate`: fit the model to the evidence rows, and check it on studies left out.

Model 2026.12-7 (issue 22). Each study (clinic) has its own offset on log rate, logit
ceiling and, where a group clears completely, the logit of that share; the offsets are
normal with sds pooled across conditions and are integrated out of the likelihood by
adaptive Gauss-Hermite quadrature (study_log_marginal), so a disagreement between studies
is put down to the clinics, not forced onto the shared parameters. The likelihood of a
study's rows: binomial (multinomial for several thresholds of one study) for shares with
the study's patient count, normal with the stated standard error for means and session
counts, each times the row's weight where rows re-use patients (evidence.toml). Weak
priors encode the documented judgements (data/conditions.toml), half-normal ones the
clinic sds. The conditions and the pooled clinic sds are fitted in turn (fit_efficacy);
PIH the same way, with its own clinic sd. Q-switched-only series get a shift of their own
on log rate where a condition also has a trial that treated both lasers, so the laser
factor rests on those trials. The normal CDF is scipy's (smooth), so L-BFGS-B's
finite-difference gradients are not noise; the fit is deterministic (fixed starts) and the
tests compare every fitted number with data/fitted.toml to a tolerance.
Needs scipy (the `calibrate` extra); the app itself needs only numpy.

Run it as `python -m pico_widget.fit` (fit/__main__.py), which takes the output paths.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from ..core.catalogue import (
    SEVERITIES,
    Fitted,
    FittedClinic,
    FittedCondition,
    FittedLevel,
    FittedPih,
    Severity,
    catalogue,
    conditions,
)
from ..core.evidence import REFERENCE_GRADING, EvidenceRow, grading, rows
from ..core.models import TattooDetails
from ..core.pih import course_risk, per_session_mean
from ..core.population import (
    ATYPICAL_RATE_WEIGHTS,
    CEILING_EDGES,
    CEILINGS,
    RATE_WEIGHTS,
    U,
    V,
    atypical_rate_above,
    atypical_shares,
    complete_cells,
    target_tables,
)
from ..core.response import Case, clinic_sd, logit, spread_for

PACKAGE = Path(__file__).resolve().parent.parent
FITTED = PACKAGE / "data" / "fitted.toml"  # what the app reads (and the tests compare)
_EPS = 1e-6
_BETTER = 1e-3  # how much lower a restart's negative log posterior must end to be taken


@dataclass(frozen=True)
class Param:
    """One fitted quantity on its unconstrained scale, with its weak prior and bounds."""

    name: str
    prior: float
    sd: float
    low: float = -np.inf
    high: float = np.inf


# -- one condition's parameter vector -------------------------------------------------------
def condition_params(cid: str, relaxed: Collection[str] = ()) -> list[Param]:
    """The condition's parameters; those named in `relaxed` have their prior sd widened by
    PRIOR_RELAX (a fold of the nested check that left out a row the prior was written
    from, fit/nested.py)."""
    params = _condition_params(cid) + [
        Param(f"grading_{g}", 0.0, catalogue().model.prior_sd.grading, -3.0, 3.0)
        for g in gradings(cid)]
    if not relaxed:
        return params
    return [replace(p, sd=p.sd * PRIOR_RELAX) if p.name in relaxed else p for p in params]


PRIOR_RELAX = 3.0  # factor on a prior's sd in a fold that left out a row it was written from


@cache
def gradings(cid: str) -> tuple[str, ...]:
    """The gradings other than the reference among the condition's fitted rows, each with
    an offset of its own where the switch is on (model.basis.grading) and the condition
    also has rows of the reference to hold it against."""
    found = {grading(r) for r in rows(cid, efficacy=True) if r.fitted}
    if not catalogue().model.grading_offsets or REFERENCE_GRADING not in found:
        return ()
    return tuple(sorted(found - {REFERENCE_GRADING}))


def _condition_params(cid: str) -> list[Param]:
    spec, sd = conditions()[cid], catalogue().model.prior_sd
    params = [Param("rate_sd", math.log(spec.rate_sd), sd.rate_sd, math.log(0.1), math.log(1.0)),
              Param("ceiling_sd", math.log(spec.ceiling_sd), sd.ceiling_sd,
                    math.log(0.3), math.log(2.0))]
    if spec.complete_share is not None:
        params.append(Param("complete_share", logit(100 * spec.complete_share),
                            sd.complete_share, -8.0, 3.0))
    if spec.qswitched is not None and _series_shifted(cid):
        params.append(Param("qswitched_series", 0.0, QSWITCHED_SERIES_SD, -3.0, 3.0))
    if spec.graded_by_kirby_desai:
        assert spec.qswitched is not None
        return [Param("sessions_per_point", math.log(catalogue().tattoo
                                                     .qswitched_sessions_per_point), sd.rate),
                Param("qswitched", math.log(spec.qswitched.rate_factor), sd.qswitched,
                      math.log(0.2), 0.0),
                Param("ceiling_shift", 0.0, sd.ceiling, -3.0, 3.0), *params]
    assert spec.severity is not None
    level = spec.severity

    def rate(severity: Severity) -> float:
        return math.log(-math.log1p(-level[severity].p))

    def ceiling(severity: Severity) -> float:
        return logit(level[severity].ceiling)

    params = [
        Param("rate", rate("moderate"), sd.rate, math.log(0.01), math.log(5.0)),
        Param("ceiling", ceiling("moderate"), sd.ceiling, -4.0, 5.0),
        Param("rate_mild", rate("mild") - rate("moderate"), sd.severity_rate, 0.0, 2.0),
        Param("rate_severe", rate("severe") - rate("moderate"), sd.severity_rate, -2.0, 0.0),
        Param("ceiling_mild", ceiling("mild") - ceiling("moderate"), sd.severity_ceiling, 0.0,
              2.0),
        Param("ceiling_severe", ceiling("severe") - ceiling("moderate"), sd.severity_ceiling,
              -3.0, 0.0),
        *params,
        *([Param("complete_mild", 0.0, sd.severity_complete, 0.0, 3.0),
           Param("complete_severe", 0.0, sd.severity_complete, -3.0, 0.0)]
          if spec.complete_share is not None else []),
        Param("skin_type_step", math.log(spec.skin_type_step), sd.skin_type_step,
              math.log(0.5), 0.0),
    ]
    if spec.qswitched is not None:
        params.append(Param("qswitched", math.log(spec.qswitched.rate_factor), sd.qswitched,
                            math.log(0.2), 0.0))
    return params


QSWITCHED_SERIES_SD = 1.0  # prior sd of the Q-switched-only series' shift (log rate)


def _qswitched_only(study: Sequence[EvidenceRow]) -> bool:
    return all(r.laser == "q-switched" for r in study)


@cache
def _series_shifted(cid: str) -> bool:
    """Whether the condition has both a trial that treated both lasers and a series that
    used the Q-switched laser alone: only then can the two be told apart."""
    studies = by_study([r for r in rows(cid, efficacy=True) if r.fitted])
    both = any(len({r.laser for r in s}) == 2 for s in studies)
    return both and any(_qswitched_only(s) for s in studies)


def to_condition(cid: str, theta: Sequence[float] | np.ndarray, fitted_rows: Sequence[str] = ()
                 ) -> FittedCondition:
    """The parameter vector as the catalogue's FittedCondition."""
    v = dict(zip((p.name for p in condition_params(cid)), theta, strict=True))
    common = {"rows": tuple(fitted_rows), "rate_sd": math.exp(v["rate_sd"]),
              "ceiling_sd": math.exp(v["ceiling_sd"]),
              "qswitched_rate_factor": math.exp(v["qswitched"]) if "qswitched" in v else None,
              "qswitched_series_shift": v.get("qswitched_series"),
              "complete_share": 1 / (1 + math.exp(-v["complete_share"]))
              if "complete_share" in v else 0.0,
              "grading": {g: v[f"grading_{g}"] for g in gradings(cid)}}
    if conditions()[cid].graded_by_kirby_desai:
        return FittedCondition(skin_type_step=1.0, ceiling_shift=v["ceiling_shift"],
                               sessions_per_point=math.exp(v["sessions_per_point"]), **common)

    def level(rate: float, ceiling: float, step: str | None = None) -> FittedLevel:
        complete = 0.0
        if "complete_share" in v:
            complete = 1 / (1 + math.exp(-v["complete_share"] - (v[step] if step else 0.0)))
        return FittedLevel(p=-math.expm1(-math.exp(rate)),
                           ceiling=100.0 / (1.0 + math.exp(-ceiling)), complete_share=complete)

    levels = {
        "mild": level(v["rate"] + v["rate_mild"], v["ceiling"] + v["ceiling_mild"],
                      "complete_mild"),
        "moderate": level(v["rate"], v["ceiling"]),
        "severe": level(v["rate"] + v["rate_severe"], v["ceiling"] + v["ceiling_severe"],
                        "complete_severe"),
    }
    return FittedCondition(severity=levels, skin_type_step=math.exp(v["skin_type_step"]),
                           **common)


# -- what the model says about a row -----------------------------------------------------------
def _cases(row: EvidenceRow) -> list[Case]:
    tattoo = TattooDetails(**row.tattoo) if row.tattoo else None
    return [Case(row.condition, row.severity, fst, row.laser, tattoo) for fst in row.fitzpatrick]


def _ndtr(x: np.ndarray) -> np.ndarray:
    """The normal CDF, smooth (scipy's ndtr): the app's table is exact to 1e-6 but piecewise
    linear, which made finite-difference gradients noise and the fit's last digits differ
    between machines (issue 22)."""
    from scipy.special import ndtr

    return ndtr(x)


def predict_at(row: EvidenceRow, params: FittedCondition, offsets: np.ndarray,
               atypical: np.ndarray | None = None) -> np.ndarray:
    """The row's figures at a clinic `offsets` away from the typical one, for each of K
    clinics at once: offsets (K, 3) on log rate, logit ceiling and the logit of the share
    who clear completely; `atypical` (K,) each clinic's atypical share (default the mean
    over clinics, which the fit uses: the figures are linear in it). Returns (K, figures),
    averaged over the row's skin types. The same arithmetic as population.Population before
    any observation (tests compare them), vectorised over clinics, with a smooth normal
    CDF."""
    offsets = np.atleast_2d(np.asarray(offsets, dtype=float))
    graded = params.grading.get(grading(row), 0.0)
    if graded:  # the study's grading reads every result higher or lower (logit scale)
        offsets = offsets + np.array([0.0, graded, graded])
    spreads = [spread_for(case, params) for case in _cases(row)]
    rate_sd, ceiling_sd = spreads[0].rate_sd, spreads[0].ceiling_sd
    log_rate = (np.array([s.log_rate for s in spreads])[None, :] + offsets[:, :1]).ravel()
    logit_c = (np.array([s.logit_ceiling for s in spreads])[None, :] + offsets[:, 1:2]).ravel()
    complete = np.array([s.complete_share for s in spreads])
    with np.errstate(divide="ignore"):
        logit_k = np.log(complete) - np.log1p(-complete)
    share = np.where(complete[None, :] > 0,
                     1.0 / (1.0 + np.exp(-(logit_k[None, :] + offsets[:, 2:3]))), 0.0).ravel()
    # Ceiling cells of typical patients at each (clinic, skin type): (M, V).
    cdf = _ndtr((CEILING_EDGES[None, :] - logit_c[:, None]) / ceiling_sd)
    cells = np.diff(cdf, axis=1)
    cells[:, 0] += cdf[:, 0]
    cells[:, -1] += 1.0 - cdf[:, -1]
    if atypical is None:
        atypical = np.full(len(offsets), catalogue().model.atypical_share)
    atypical = np.repeat(np.asarray(atypical, dtype=float), len(spreads))[:, None]  # (M, 1)
    typical = (1 - atypical) * ((1 - share)[:, None] * cells
                                + share[:, None] * complete_cells()[None, :])
    flat = atypical / len(V)
    if row.kind == "mean":
        assert row.session is not None
        reached = -np.expm1(-np.exp(log_rate[:, None] + rate_sd * U[None, :]) * row.session)
        out = ((reached @ RATE_WEIGHTS) * (typical @ CEILINGS)
               + (reached @ ATYPICAL_RATE_WEIGHTS) * flat[:, 0] * CEILINGS.sum())[:, None]
    else:
        if row.kind == "shares":
            targets = np.array(row.thresholds, dtype=float)
            sessions = np.array(row.sessions_mixed)
        else:
            assert row.threshold is not None and row.horizon is not None
            targets = np.array([row.threshold])
            sessions = np.arange(1, row.horizon + 1, dtype=float)
        above, log_need = target_tables(targets)  # (T, V)
        u = ((log_need[None, :, None, :] - np.log(sessions)[None, None, :, None]
              - log_rate[:, None, None, None]) / rate_sd)  # (M, T, N, V)
        with np.errstate(invalid="ignore"):
            survival = (typical[:, None, None, :] * _ndtr(-u)
                        + flat[:, :, None, None] * atypical_rate_above(u, _ndtr))
        reach = np.nan_to_num(survival * above[None, :, None, :]).sum(axis=3)  # (M, T, N)
        if row.kind == "shares":  # the mix of sessions its patients had (most have one)
            out = 100 * reach.mean(axis=2)
        else:
            by = reach[:, 0, :]
            if row.kind == "sessions":
                steps = np.diff(by, axis=1, prepend=0.0)
                out = ((sessions[None, :] * steps).sum(axis=1)
                       / np.maximum(by[:, -1], _EPS))[:, None]
            else:  # sessions_capped: E[min(N, horizon)] = sum over k < horizon of P(N > k)
                out = (1.0 + (1.0 - by[:, :-1]).sum(axis=1))[:, None]
    return out.reshape(len(offsets), len(spreads), -1).mean(axis=1)


def predict(row: EvidenceRow, params: FittedCondition) -> list[float]:
    """The model's value for each figure the row states, at the typical clinic."""
    return [float(x) for x in predict_at(row, params, np.zeros((1, 3)))[0]]


def log_likelihoods(row: EvidenceRow, predicted: np.ndarray) -> np.ndarray:
    """The row's log-likelihood (times its weight) at each of K predictions (K, figures)."""
    predicted = np.atleast_2d(predicted)
    if row.kind == "shares":
        k = len(predicted)
        shares = np.hstack([np.zeros((k, 1)), predicted, np.full((k, 1), 100.0)]) / 100
        seen = np.array([0.0, *row.values, 100.0]) / 100
        probs = np.clip(np.diff(shares, axis=1), _EPS, None)
        counts = row.patients * np.clip(np.diff(seen), 0.0, None)
        return row.weight * (counts[None, :] * np.log(probs)).sum(axis=1)
    if row.kind in ("pih", "pih_rate"):
        p = np.clip(predicted[:, 0] / 100, _EPS, 1 - _EPS)
        y = (row.value or 0.0) / 100
        return row.weight * row.patients * (y * np.log(p) + (1 - y) * np.log1p(-p))
    assert row.value is not None and row.se is not None
    return row.weight * -0.5 * ((predicted[:, 0] - row.value) / row.se) ** 2


def log_likelihood(row: EvidenceRow, predicted: Sequence[float]) -> float:
    return float(log_likelihoods(row, np.asarray([predicted], dtype=float))[0])


def _variances(row: EvidenceRow, predicted: np.ndarray) -> np.ndarray:
    """Sampling variance of each figure (its scale), for the quadrature's proposal only."""
    if row.kind in ("shares", "pih", "pih_rate"):
        half = 0.5 / row.patients
        p = np.clip(predicted / 100, half, 1 - half)
        return 1e4 * p * (1 - p) / (row.patients * row.weight)
    assert row.se is not None
    return np.full(predicted.shape, row.se**2 / row.weight)


def _observed(row: EvidenceRow) -> np.ndarray:
    return np.array([v for _, v in row.published], dtype=float)


@cache
def gauss_hermite(dims: int, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Tensor-product Gauss-Hermite nodes for a standard normal in `dims` dimensions and
    their weights (summing to 1)."""
    x, w = np.polynomial.hermite_e.hermegauss(points)
    w = w / w.sum()
    nodes = np.array(list(itertools.product(x, repeat=dims))).reshape(-1, dims)
    weights = np.prod(np.array(list(itertools.product(w, repeat=dims))).reshape(-1, dims),
                      axis=1)
    return nodes, weights


_AGQ_POINTS = 3  # nodes a dimension once centred: the integrand is then nearly normal
_STEP = 1e-3  # finite-difference step in a clinic offset (sds) for the proposal's slope


def study_log_marginal(study: Sequence[EvidenceRow],
                       predict_rows: Callable[[EvidenceRow, np.ndarray], np.ndarray],
                       scales: np.ndarray) -> float:
    """log of the integral over the study's own clinic offset z ~ N(0, I) of the likelihood
    of its rows (offsets = scales * z), by adaptive Gauss-Hermite quadrature: two
    Gauss-Newton steps find where the likelihood puts z and how tightly (the study's figures
    linearised in z, each with its sampling variance), and the nodes are placed there. A
    large study (C4, 471 patients) pins its offset far more tightly than the spacing of
    fixed nodes, which would make the integral, and so the fit, jump between nodes."""
    dims = len(scales)
    observed = np.concatenate([_observed(r) for r in study])
    centre = np.zeros(dims)
    basis = np.vstack([np.zeros(dims), _STEP * np.eye(dims)])
    precision = np.eye(dims)
    for _ in range(2):
        points = centre[None, :] + basis
        values = [predict_rows(r, points * scales) for r in study]  # each (1 + dims, figs)
        at = np.concatenate([v[0] for v in values])
        slope = np.concatenate([(v[1:] - v[0]) / _STEP for v in values], axis=1).T  # (F, d)
        inverse = 1.0 / np.concatenate([_variances(r, v[0]) for r, v in zip(study, values,
                                                                               strict=True)])
        precision = np.eye(dims) + slope.T @ (inverse[:, None] * slope)
        gradient = slope.T @ (inverse * (observed - at)) - centre
        centre = np.clip(centre + np.linalg.solve(precision, gradient), -4.0, 4.0)
    root = np.linalg.cholesky(np.linalg.inv(precision))
    nodes, weights = gauss_hermite(dims, _AGQ_POINTS)
    z = centre[None, :] + nodes @ root.T
    total = sum(log_likelihoods(r, predict_rows(r, z * scales)) for r in study)
    log_terms = (np.log(weights) + total - 0.5 * (z * z).sum(axis=1)
                 + 0.5 * (nodes * nodes).sum(axis=1))
    top = float(log_terms.max())
    return top + math.log(float(np.exp(log_terms - top).sum())) + float(
        np.log(np.abs(np.diag(root))).sum())


def by_study(used: Sequence[EvidenceRow]) -> list[list[EvidenceRow]]:
    studies: dict[str, list[EvidenceRow]] = {}
    for row in used:
        studies.setdefault(row.source, []).append(row)
    return list(studies.values())


def clinic_dims(cid: str) -> int:
    """Offsets a clinic has: rate and ceiling, and the complete share where there is one."""
    return 3 if conditions()[cid].complete_share is not None else 2


def clinic_scales(clinic: FittedClinic, dims: int) -> np.ndarray:
    return np.array([clinic.rate_sd, clinic.ceiling_sd, clinic.complete_sd][:dims])


def condition_log_marginal(cid: str, params: FittedCondition, used: Sequence[EvidenceRow],
                           clinic: FittedClinic) -> float:
    dims = clinic_dims(cid)
    scales = clinic_scales(clinic, dims)

    def at(row: EvidenceRow, offsets: np.ndarray) -> np.ndarray:
        return predict_at(row, params, np.pad(offsets, ((0, 0), (0, 3 - dims))))

    shift = params.qswitched_series_shift or 0.0

    def shifted(row: EvidenceRow, offsets: np.ndarray) -> np.ndarray:
        return at(row, offsets + np.eye(dims)[0] * shift)

    return sum(study_log_marginal(study, shifted if shift and _qswitched_only(study) else at,
                                  scales)
               for study in by_study(used))


# -- PIH across conditions ---------------------------------------------------------------------
def pih_params() -> list[Param]:
    cat, sd = catalogue(), catalogue().model.prior_sd
    table = cat.pih.per_session_percent
    params = [Param("base", math.log(table[2] / 100), sd.pih_base, math.log(0.002),
                    math.log(0.3))]
    params += [Param(f"step_{i}", math.log(table[i] / table[i - 1]), sd.pih_step, 0.0)
               for i in range(1, 6)]
    params += [Param(f"factor_{cid}", math.log(spec.pih_factor), sd.pih_factor)
               for cid, spec in conditions().items()]
    params += [Param("qswitched", math.log(cat.pih.qswitched_factor), sd.pih_factor, 0.0),
               Param("concentration", math.log(cat.pih.concentration), sd.pih_concentration,
                     math.log(0.3), math.log(200)),
               _half_normal("study_sd", sd.pih_study)]
    return params


def _half_normal(name: str, scale: float) -> Param:
    """A clinic sd, fitted on its log: the prior is half-normal(scale) on the sd itself
    (_prior_penalty adds its density and the Jacobian); `prior` here is only the start."""
    return Param(name, math.log(0.5 * scale), math.inf, math.log(0.02), math.log(3.0))


def _prior_penalty(params: Sequence[Param], theta: np.ndarray) -> float:
    """Negative log prior: normal on each parameter's scale, half-normal on clinic sds."""
    total = 0.0
    for p, x in zip(params, theta, strict=True):
        if p.name.endswith("study_sd") or p.name.startswith("clinic_"):
            scale = _HALF_NORMAL_SCALE[p.name]
            total += 0.5 * (math.exp(x) / scale) ** 2 - x  # -log density - log Jacobian
        else:
            total += 0.5 * ((x - p.prior) / p.sd) ** 2
    return total


class _Scales(dict):
    """Half-normal scales by parameter name, read from the catalogue when first asked."""

    def __missing__(self, key: str) -> float:
        sd = catalogue().model.prior_sd
        value = {"study_sd": sd.pih_study, "clinic_rate": sd.clinic_rate,
                 "clinic_ceiling": sd.clinic_ceiling, "clinic_complete": sd.clinic_complete}[key]
        self[key] = value
        return value


_HALF_NORMAL_SCALE = _Scales()


def to_pih(theta: Sequence[float] | np.ndarray, fitted_rows: Sequence[str] = ()) -> FittedPih:
    v = dict(zip((p.name for p in pih_params()), theta, strict=True))
    log_table = [0.0] * 6
    log_table[2] = v["base"]
    for i in (3, 4, 5):
        log_table[i] = log_table[i - 1] + v[f"step_{i}"]
    for i in (1, 0):
        log_table[i] = log_table[i + 1] - v[f"step_{i + 1}"]
    table = tuple(100 * math.exp(x) for x in log_table)
    return FittedPih(rows=tuple(fitted_rows), per_session_percent=table,
                     concentration=math.exp(v["concentration"]),
                     qswitched_factor=math.exp(v["qswitched"]),
                     study_sd=math.exp(v["study_sd"]),
                     condition_factor={cid: math.exp(v[f"factor_{cid}"]) for cid in conditions()})


def predict_pih(row: EvidenceRow, params: FittedPih, study: float = 0.0) -> list[float]:
    """The row's PIH figure, for the typical study or one `study` (log factor) away."""
    risks = []
    for fst in row.fitzpatrick:
        mean = per_session_mean(params, row.condition, row.laser, fst, study)
        risks.append(mean if row.kind == "pih_rate"
                     else course_risk(mean, params.concentration, row.session or 1.0))
    return [100 * float(np.mean(risks))]


def pih_log_marginal(params: FittedPih, used: Sequence[EvidenceRow]) -> float:
    def at(row: EvidenceRow, offsets: np.ndarray) -> np.ndarray:
        return np.array([predict_pih(row, params, float(z)) for z in offsets[:, 0]])

    return sum(study_log_marginal(study, at, np.array([params.study_sd]))
               for study in by_study(used))


# -- fitting -----------------------------------------------------------------------------------
def _minimise(params: Sequence[Param], loss: Callable[[np.ndarray], float],
              restarts: Sequence[dict[str, float]] = (), start: np.ndarray | None = None
              ) -> np.ndarray:
    """The minimum of `loss` within the parameters' bounds (L-BFGS-B), climbing from `start`
    (default the priors) and from each of `restarts` (values by parameter name), keeping
    the best end: the posterior can have more than one peak."""
    from scipy.optimize import minimize

    low = np.array([p.low for p in params])
    high = np.array([p.high for p in params])
    bounds = [(a if np.isfinite(a) else None, b if np.isfinite(b) else None)
              for a, b in zip(low, high, strict=True)]
    origin = np.clip(np.array([p.prior for p in params]) if start is None else start, low, high)

    def climb(first: np.ndarray) -> tuple[float, np.ndarray]:
        end = minimize(loss, first, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 400, "ftol": 1e-10, "gtol": 1e-6})
        return (float(end.fun) if np.isfinite(end.fun) else np.inf), np.asarray(end.x)

    best, theta = climb(origin)
    names = [p.name for p in params]
    for values in restarts:
        other_start = origin.copy()
        for name, value in values.items():
            i = names.index(name)
            other_start[i] = np.clip(value, low[i], high[i])
        end, other = climb(other_start)
        if end < best - _BETTER:  # a real second peak, not the same one to rounding
            best, theta = end, other
    return theta


def condition_loss(cid: str, used: Sequence[EvidenceRow], clinic: FittedClinic,
                   relaxed: Collection[str] = ()) -> Callable[[np.ndarray], float]:
    params = condition_params(cid, relaxed)

    def loss(theta: np.ndarray) -> float:
        try:
            fitted_params = to_condition(cid, theta)
        except ValueError:  # outside what the catalogue accepts
            return 1e12
        return (_prior_penalty(params, theta)
                - condition_log_marginal(cid, fitted_params, used, clinic))

    return loss


def condition_theta(cid: str, fitted: FittedCondition) -> np.ndarray:
    """The parameter vector of a fitted condition (to start a refit from it)."""
    v: dict[str, float] = {"rate_sd": math.log(fitted.rate_sd),
                           "ceiling_sd": math.log(fitted.ceiling_sd)}
    if fitted.complete_share:
        v["complete_share"] = math.log(fitted.complete_share / (1 - fitted.complete_share))
    if fitted.qswitched_rate_factor is not None:
        v["qswitched"] = math.log(fitted.qswitched_rate_factor)
    v["qswitched_series"] = fitted.qswitched_series_shift or 0.0
    v |= {f"grading_{g}": fitted.grading.get(g, 0.0) for g in gradings(cid)}
    if conditions()[cid].graded_by_kirby_desai:
        assert fitted.sessions_per_point is not None
        v["sessions_per_point"] = math.log(fitted.sessions_per_point)
        v["ceiling_shift"] = fitted.ceiling_shift or 0.0
    else:
        assert fitted.severity is not None
        level = fitted.severity

        def rate(s: Severity) -> float:
            return math.log(-math.log1p(-level[s].p))

        def lgt(x: float) -> float:
            return math.log(x / (1 - x))

        v |= {"rate": rate("moderate"), "ceiling": logit(level["moderate"].ceiling),
              "rate_mild": rate("mild") - rate("moderate"),
              "rate_severe": rate("severe") - rate("moderate"),
              "ceiling_mild": logit(level["mild"].ceiling) - logit(level["moderate"].ceiling),
              "ceiling_severe": logit(level["severe"].ceiling)
              - logit(level["moderate"].ceiling),
              "skin_type_step": math.log(fitted.skin_type_step)}
        if fitted.complete_share:
            v["complete_mild"] = lgt(level["mild"].complete_share) - v["complete_share"]
            v["complete_severe"] = lgt(level["severe"].complete_share) - v["complete_share"]
    params = condition_params(cid)
    return np.clip([v[p.name] for p in params], [p.low for p in params],
                   [p.high for p in params])


def fit_condition(cid: str, clinic: FittedClinic, leave_out: Collection[str] = (),
                  start: FittedCondition | None = None, relaxed: Collection[str] = ()
                  ) -> FittedCondition:
    """The condition's parameters fitted to its rows, without the rows `leave_out` names,
    each study's clinic offset integrated out. From the priors (and, with a group that
    clears completely, also from half clearing completely), or from `start` alone. The
    priors of the parameters named in `relaxed` are widened (condition_params)."""
    used = [r for r in rows(cid, efficacy=True) if r.fitted and r.id not in leave_out]
    params = condition_params(cid, relaxed)
    loss = condition_loss(cid, used, clinic, relaxed)
    if start is not None:
        theta = _minimise(params, loss, start=condition_theta(cid, start))
    else:
        # Many complete responders and a low ceiling for the rest, or few and a high one,
        # can fit a condition's rows almost equally well (tattoos): start from half too.
        halves = ([{"complete_share": 0.0}] if any(p.name == "complete_share" for p in params)
                  else [])
        theta = _minimise(params, loss, restarts=halves)
    return to_condition(cid, theta, [r.id for r in used])


def clinic_params() -> list[Param]:
    return [_half_normal(f"clinic_{name}", scale) for name, scale in
            (("rate", catalogue().model.prior_sd.clinic_rate),
             ("ceiling", catalogue().model.prior_sd.clinic_ceiling),
             ("complete", catalogue().model.prior_sd.clinic_complete))]


def to_clinic(theta: Sequence[float] | np.ndarray) -> FittedClinic:
    return FittedClinic(rate_sd=math.exp(theta[0]), ceiling_sd=math.exp(theta[1]),
                        complete_sd=math.exp(theta[2]))


def fit_clinic(fits: dict[str, FittedCondition], start: FittedClinic,
               leave_out: Collection[str] = ()) -> FittedClinic:
    """The clinic sds pooled across conditions, each condition's parameters held where they
    are: one block of the fit's alternation (fit_all), or of a nested fold's refit without
    the rows `leave_out` names (fit/nested.py)."""
    used = {cid: [r for r in rows(cid, efficacy=True) if r.fitted and r.id not in leave_out]
            for cid in fits}
    params = clinic_params()

    def loss(theta: np.ndarray) -> float:
        clinic = to_clinic(theta)
        return _prior_penalty(params, theta) - sum(
            condition_log_marginal(cid, fit, used[cid], clinic) for cid, fit in fits.items())

    origin = np.log([start.rate_sd, start.ceiling_sd, start.complete_sd])
    return to_clinic(_minimise(params, loss, start=origin))


CLINIC_ROUNDS = 3  # alternations of (each condition | clinic sds) and (clinic sds | conditions)


def fit_efficacy() -> tuple[FittedClinic, dict[str, FittedCondition]]:
    """Every condition and the pooled clinic sds, by alternating the two blocks from the
    clinic sds' prior scales halved (deterministic, so the shipped file can be checked)."""
    clinic = to_clinic([p.prior for p in clinic_params()])
    fits: dict[str, FittedCondition] = {}
    for round_ in range(CLINIC_ROUNDS):
        fits = {cid: fit_condition(cid, clinic, start=fits.get(cid) if round_ else None)
                for cid in conditions()}
        clinic = fit_clinic(fits, clinic)
    fits = {cid: fit_condition(cid, clinic, start=fits[cid]) for cid in conditions()}
    return clinic, fits


def fit_pih(leave_out: Collection[str] = ()) -> FittedPih:
    """PIH across conditions, each study's own factor integrated out, its sd fitted."""
    used = [r for r in rows(efficacy=False) if r.fitted and r.id not in leave_out]
    params = pih_params()

    def loss(theta: np.ndarray) -> float:
        return _prior_penalty(params, theta) - pih_log_marginal(to_pih(theta), used)

    return to_pih(_minimise(params, loss), [r.id for r in used])


def fit_all() -> Fitted:
    clinic, fits = fit_efficacy()
    return Fitted(model_version=catalogue().model.version, clinic=clinic, conditions=fits,
                  pih=fit_pih())


def forecast_row(row: EvidenceRow, fitted: Fitted) -> list[float]:
    """The row's figures at the typical clinic."""
    if row.efficacy:
        return predict(row, fitted.conditions[row.condition])
    return predict_pih(row, fitted.pih)


_PREDICTIVE_POINTS = 5  # Gauss-Hermite nodes a dimension for a new clinic
_ATYPICAL_POINTS = 3  # and for its atypical share (the figures are linear in it)


def predictive(row: EvidenceRow, params: FittedCondition, clinic: FittedClinic,
               factor: float) -> tuple[np.ndarray, np.ndarray]:
    """The row's figures at clinics drawn from the between-clinic spread (clinic_sd with
    `factor`, and the clinic's own atypical share, population.atypical_shares, as the app's
    band has it): (K, figures) values at Gauss-Hermite nodes and their weights (a new
    clinic, nothing known of it)."""
    dims = clinic_dims(row.condition)
    nodes, weights = gauss_hermite(dims, _PREDICTIVE_POINTS)
    own, own_weights = gauss_hermite(1, _ATYPICAL_POINTS)
    scales = np.array(clinic_sd(params, clinic, factor=factor))[:dims]
    offsets = np.pad(np.repeat(nodes * scales, len(own), axis=0), ((0, 0), (0, 3 - dims)))
    atypical = np.tile(atypical_shares(own[:, 0]), len(nodes))
    return (predict_at(row, params, offsets, atypical),
            np.outer(weights, own_weights).ravel())


def refit_without(fitted: Fitted, condition: str, source: str) -> FittedCondition:
    """The condition refitted without any row of one study (from the full fit; the clinic
    sds, pooled over all conditions' studies, are kept: re-estimating them without one
    study of some 40 is left undone, model page)."""
    own = {r.id for r in rows(condition, efficacy=True) if r.source == source}
    return fit_condition(condition, fitted.clinic, leave_out=own,
                         start=fitted.conditions[condition])


def leave_study_out(fitted: Fitted, condition: str, source: str, factor: float
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every fitted efficacy row of one study, predicted for a new clinic by a fit that saw
    none of that study's rows. Per row: predictive values at the nodes and their weights."""
    params = refit_without(fitted, condition, source)
    return {r.id: predictive(r, params, fitted.clinic, factor)
            for r in rows(condition, efficacy=True) if r.source == source and r.fitted}


# -- writing -----------------------------------------------------------------------------------
def _number(x: float) -> str:
    return f"{float(f'{x:.6g}'):g}" if abs(x) >= 1e-6 else "0.0"


def fitted_toml(fitted: Fitted) -> str:
    """data/fitted.toml: the fitted parameters, with the rows behind each block."""
    out = ["# Generated by `make calibrate` (python -m pico_widget.fit) from",
           "# data/conditions.toml (priors) and data/evidence.toml (rows). Do not edit by hand:",
           "# tests/test_calibration.py checks that this file is what the command produces.", "",
           f'model_version = "{fitted.model_version}"', "",
           "# Between clinics (studies), beyond their patients: sds of a clinic's own offset,",
           "# pooled across conditions (log rate, logit ceiling, logit of the complete share).",
           "[clinic]"]
    out += [f"{key} = {_number(getattr(fitted.clinic, key))}"
            for key in ("rate_sd", "ceiling_sd", "complete_sd")]
    out.append("")
    for cid, c in fitted.conditions.items():
        out.append(f"[conditions.{cid}]")
        out.append("rows = [" + ", ".join(f'"{r}"' for r in c.rows) + "]")
        for key in ("rate_sd", "ceiling_sd", "skin_type_step", "qswitched_rate_factor",
                    "qswitched_series_shift", "sessions_per_point", "ceiling_shift",
                    "complete_share"):
            value = getattr(c, key)
            if value is not None and (key != "complete_share" or value):
                out.append(f"{key} = {_number(value)}")
        if c.grading:
            out.append("grading = { " + ", ".join(f"{g} = {_number(x)}"
                                                  for g, x in c.grading.items()) + " }")
        if c.severity:
            out.append(f"[conditions.{cid}.severity]")
            for sev in SEVERITIES:
                level = c.severity[sev]
                share = (f", complete_share = {_number(level.complete_share)}"
                         if level.complete_share else "")
                out.append(f"{sev} = {{ p = {_number(level.p)}, "
                           f"ceiling = {_number(level.ceiling)}{share} }}")
        out.append("")
    pih = fitted.pih
    out += ["[pih]", "rows = [" + ", ".join(f'"{r}"' for r in pih.rows) + "]",
            "per_session_percent = [" + ", ".join(_number(x) for x in pih.per_session_percent)
            + "]", f"concentration = {_number(pih.concentration)}",
            f"qswitched_factor = {_number(pih.qswitched_factor)}",
            f"study_sd = {_number(pih.study_sd)}", "[pih.condition_factor]"]
    out += [f"{cid} = {_number(x)}" for cid, x in pih.condition_factor.items()]
    return "\n".join(out) + "\n"


def parse(text: str) -> Fitted:
    import tomllib

    return Fitted.model_validate(tomllib.loads(text))

