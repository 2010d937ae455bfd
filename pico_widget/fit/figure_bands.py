"""Two bands for a published figure: the clinic band and the published-figure band.

The clinic band is what the screen shows: where the true share (or mean improvement) lies
at 8 (or 5) in 10 clinics like those studied. A published figure also carries its own
sampling error: a share is a count of the study's patients, so the published-figure band
adds it exactly, binomial with the study's patients (its weight counted) on top of the
clinic's share, a mean its stated standard error. A logit-normal error can never hold a
share of 0% or 100%; the binomial does (15 of 15 is what a true 97% gives 6 times in 10).
Coverage is judged on the published-figure band: it is the question "would this study's
figure fall inside".
"""

from __future__ import annotations

import math

import numpy as np

from ..core.evidence import EvidenceRow

BINOMIAL = ("shares", "pih", "pih_rate")  # shares of patients (or of sessions)
QUANTILES = (0.1, 0.25, 0.75, 0.9)
_MEAN_GRID = np.linspace(-60.0, 160.0, 4401)  # points, for a mean's mixture of normals


def patients(row: EvidenceRow) -> int:
    """The row's patients as a whole count for its binomial (its weight counted: H4's
    groups a quarter of 225), at least one."""
    return max(1, round(row.patients * row.weight))


def _quantiles(points: np.ndarray, cdf: np.ndarray) -> dict[float, float]:
    return {q: float(np.interp(q, cdf, points)) for q in QUANTILES}


def clinic_quantiles(truth: np.ndarray, density: np.ndarray) -> dict[float, float]:
    """Quantiles of the true value across clinics (`truth` ascending, percent or
    sessions, with its probabilities `density`)."""
    order = np.argsort(truth)
    cdf = np.cumsum(density[order])
    return _quantiles(truth[order], cdf / cdf[-1])


def published_quantiles(row: EvidenceRow, truth: np.ndarray, density: np.ndarray
                        ) -> dict[float, float]:
    """Quantiles of the published figure (percent): the clinic's true share `truth`
    (percent, with `density`) and the figure's own sampling error on top. A share: the
    binomial count of the row's patients, read continuously (the count spread evenly over
    its half-patient either side, so a band's ends need not fall on whole patients). A
    mean: normal with its stated standard error."""
    if row.kind in BINOMIAL:
        from scipy.stats import binom

        n = patients(row)
        counts = np.arange(n + 1)
        p = np.clip(truth / 100, 0.0, 1.0)
        pmf = density @ binom.pmf(counts[None, :], n, p[:, None])
        cdf = np.concatenate([[0.0], np.cumsum(pmf) / pmf.sum()])
        q = _quantiles(np.concatenate([[-0.5], counts + 0.5]), cdf)
        return {k: 100 * min(max(v, 0.0), n) / n for k, v in q.items()}
    from scipy.special import ndtr

    assert row.se is not None
    sd = row.se / math.sqrt(row.weight)
    cdf = (density[:, None] * ndtr((_MEAN_GRID[None, :] - truth[:, None]) / sd)).sum(axis=0)
    return _quantiles(_MEAN_GRID, cdf / cdf[-1])


def as_read(row: EvidenceRow, value: float) -> float:
    """A published share as a logit model can read it: held half a patient from 0 and
    100 (the baselines' figures, which are logit-normal, are judged so)."""
    if row.kind not in BINOMIAL:
        return value
    floor = 50.0 / (row.patients * row.weight)
    return min(max(value, floor), 100.0 - floor)


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
