"""Two baselines the model must beat on each study left out, fitted without that study.

Both are normal on the logit of a share or mean figure (in percent), fitted to the other
studies' published share and mean figures (each held half a patient from 0 and 100), so
their spread is of published figures and holds the figures' own sampling error already:
their bands are the normal's quantiles, judged against the published figure as a logit
can read it (figure_bands.as_read). Their log score integrates that normal, read as the
true value, against the figure's own error, as the model's does.

- naive: per condition, the logit mean and spread of the other studies' figures whatever
  their threshold, session or laser (the pooled within-condition spread where a
  condition has fewer than 3 other figures);
- threshold-aware: a ridge regression of the logit on the condition, the threshold (for a
  share; a mean is marked as one), the log session and the laser, fitted to the other
  studies of every condition, its band from its residual sd (ridge penalty RIDGE, a fixed
  judgement, not chosen by a score).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..core.catalogue import conditions
from ..core.evidence import EvidenceRow, rows
from .figure_bands import log_score

SHARES_AND_MEANS = ("shares", "mean")  # figures in percentage points, scored together
RIDGE = 1.0  # penalty on the ridge's coefficients (features near unit scale), judgement
_Z50, _Z80 = 0.6744897501960817, 1.2815515655446004
_X = np.linspace(-15.0, 15.0, 6001)


class Baseline(NamedTuple):
    """A baseline's forecast of one figure: its median, 50% and 80% bands (percent) and
    its log score."""

    mean: float
    band50: tuple[float, float]
    band80: tuple[float, float]
    log_score: float


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def floor(row: EvidenceRow) -> float:
    """How close to 0 or 1 a share can be read: half a patient (a mean: half a point)."""
    return 0.5 / (row.patients * row.weight) if row.kind == "shares" else 0.005


class Figure(NamedTuple):
    source: str
    row: EvidenceRow
    threshold: float | None
    logit: float


def figures(cid: str | None = None) -> list[Figure]:
    """Each fitted share and mean figure (of one condition), its published logit."""
    out = []
    for row in rows(cid, efficacy=True):
        if row.fitted and row.kind in SHARES_AND_MEANS:
            thresholds = row.thresholds if row.kind == "shares" else (None,)
            for threshold, (_, value) in zip(thresholds, row.published, strict=True):
                share = min(max(value / 100, floor(row)), 1 - floor(row))
                out.append(Figure(row.source, row, threshold, math.log(share / (1 - share))))
    return out


def _normal_log_score(row: EvidenceRow, published: float, centre: float, sd: float) -> float:
    """log score of a logit-normal read as the true value, against the figure's error."""
    density = np.exp(-0.5 * ((_X - centre) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    weights = density * (_X[1] - _X[0])
    keep = weights > 1e-300
    return log_score(row, published, 100 / (1 + np.exp(-_X[keep])), weights[keep])


def _forecast(row: EvidenceRow, published: float, centre: float, sd: float) -> Baseline:
    sd = max(sd, 0.05)
    return Baseline(100 * _expit(centre),
                    (100 * _expit(centre - _Z50 * sd), 100 * _expit(centre + _Z50 * sd)),
                    (100 * _expit(centre - _Z80 * sd), 100 * _expit(centre + _Z80 * sd)),
                    _normal_log_score(row, published, centre, sd))


def pooled_naive_sd() -> float:
    """The spread of figures within a condition, pooled over conditions: the naive
    baseline's spread where a condition has too few other figures to measure its own."""
    deviations: list[float] = []
    for cid in conditions():
        logits = np.array([f.logit for f in figures(cid)])
        if len(logits) >= 2:
            deviations += list(logits - logits.mean())
    return float(np.sqrt(np.mean(np.square(deviations)) * len(deviations)
                         / max(len(deviations) - len(conditions()), 1)))


def naive(row: EvidenceRow, published: float, pooled_sd: float) -> Baseline:
    """Per condition, the logit mean and sd of the other studies' figures."""
    others = np.array([f.logit for f in figures(row.condition) if f.source != row.source])
    centre = float(others.mean()) if len(others) else 0.0
    sd = float(others.std(ddof=1)) if len(others) >= 3 else pooled_sd
    return _forecast(row, published, centre, sd)


def _features(row: EvidenceRow, threshold: float | None) -> np.ndarray:
    ids = list(conditions())
    one_hot = np.eye(len(ids))[ids.index(row.condition)]
    assert row.session is not None
    share = [(threshold - 50) / 50, 0.0] if threshold is not None else [0.0, 1.0]
    return np.concatenate([one_hot, share, [math.log(row.session),
                                            float(row.laser == "q-switched")]])


def threshold_aware(row: EvidenceRow, threshold: float | None, published: float
                    ) -> Baseline:
    """The ridge fit to every other study's figures, at this figure's features."""
    train = [f for f in figures() if f.source != row.source]
    x = np.array([_features(f.row, f.threshold) for f in train])
    y = np.array([f.logit for f in train])
    mean_x, mean_y = x.mean(axis=0), y.mean()  # the intercept is not penalised
    xc = x - mean_x
    gram = xc.T @ xc + RIDGE * np.eye(x.shape[1])
    beta = np.linalg.solve(gram, xc.T @ (y - mean_y))
    hat_trace = float(np.trace(xc @ np.linalg.solve(gram, xc.T))) + 1.0
    residual = y - mean_y - xc @ beta
    sd = math.sqrt(float(residual @ residual) / max(len(y) - hat_trace, 1.0))
    centre = mean_y + float((_features(row, threshold) - mean_x) @ beta)
    return _forecast(row, published, centre, sd)
