"""Nested leave-one-study-out: a fold refits everything learned from data without its study.

The plain check (calibrate.refit_without) refits only the left-out study's condition and
keeps the clinic sds the full fit learned with that study in: C4 alone holds the ceiling's
clinic sd up, so its own band was set partly by itself. A nested fold here, for one study
left out whole:

1. widens the priors that were written from that study's rows (`from_rows` in
   data/conditions.toml, by calibrate.PRIOR_RELAX), so the study is not judged by a prior
   made to reproduce it;
2. refits its condition without the study (from the full fit, as refit_without does);
3. refits the pooled clinic sds without the study, the other conditions held at the full
   fit (they never saw it; their own shift with the clinic sds is second order and left
   out to keep `make calibrate` within its time). Their log marginal likelihood as a
   function of the three clinic sds is read off a grid computed once (OtherConditions:
   5 points a dimension, 0.8 either side of the full fit on the log scale, cubic
   interpolation); only the left-out study's own condition is integrated afresh;
4. refits the condition again at those clinic sds, where one of them moved by more than
   CLINIC_MOVED (5%) on the log scale; a smaller move is left unrefitted, an
   approximation taken to keep `make calibrate` within its time.

The spread factor on the clinic sds is then chosen for the fold by the other studies'
figures alone (calibration_report.spread_factor with the fold's study left out), each
judged by its own nested fold: the inner predictions are computed once, so an inner fold
has seen the outer study (the usual shortcut; a full inner loop would take 46 times as
long). PIH's study sd is refitted inside each PIH fold already (calibrate.fit_pih).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..core.catalogue import Basis, Fitted, FittedClinic, FittedCondition, catalogue, conditions
from ..core.evidence import rows
from .calibrate import (
    _minimise,
    _prior_penalty,
    clinic_params,
    condition_log_marginal,
    condition_params,
    fit_condition,
    to_clinic,
)

CLINIC_MOVED = 0.05  # log change in a clinic sd below which the condition is not refitted

# Which fitted parameters a basis entry of data/conditions.toml is the prior of.
_PRIORS_OF_BASIS = {"response": ("rate", "ceiling"), "complete_share": ("complete_share",),
                    "rate_sd": ("rate_sd",), "ceiling_sd": ("ceiling_sd",),
                    "skin_type": ("skin_type_step",), "laser": ("qswitched",),
                    "qswitched_sessions_per_point": ("sessions_per_point",)}


@dataclass(frozen=True)
class Fold:
    """One study left out whole: its condition and the clinic sds refitted without it."""

    condition: str
    source: str
    params: FittedCondition
    clinic: FittedClinic
    relaxed: tuple[str, ...]  # the parameters whose priors were widened in this fold
    at_full_clinic: FittedCondition  # step 2: the condition at the full fit's clinic sds


def study_rows(source: str) -> set[str]:
    return {r.id for r in rows() if r.source == source}


def _bases(cid: str) -> dict[str, Basis]:
    bases = dict(conditions()[cid].basis)
    if conditions()[cid].graded_by_kirby_desai:
        bases |= catalogue().tattoo.basis
    return bases


def relaxed_priors(cid: str, source: str) -> tuple[str, ...]:
    """The condition's fitted parameters whose prior was written from a row of `source`."""
    own, names = study_rows(source), {p.name for p in condition_params(cid)}
    out = [name for key, basis in _bases(cid).items() if own & set(basis.from_rows)
           for name in _PRIORS_OF_BASIS.get(key, ()) if name in names]
    return tuple(dict.fromkeys(out))


def fixed_priors(source: str) -> tuple[str, ...]:
    """Model constants written from a row of `source` that no fold can relax, because they
    are not fitted (the atypical share)."""
    own = study_rows(source)
    return tuple(key for key, basis in catalogue().model.basis.items()
                 if own & set(basis.from_rows))


def _moved(a: FittedClinic, b: FittedClinic) -> float:
    return max(abs(math.log(getattr(a, k) / getattr(b, k)))
               for k in ("rate_sd", "ceiling_sd", "complete_sd"))


_GRID_HALF, _GRID_POINTS = 0.8, 5  # the surrogate's reach (log sd) and points a dimension
_GRID_WORK: dict[str, Fitted] = {}  # what a forked worker reads


def _marginals(theta: list[float]) -> dict[str, float]:
    """Each condition's log marginal likelihood at its full fit, at clinic sds exp(theta)."""
    fitted, clinic = _GRID_WORK["fitted"], to_clinic(theta)
    return {cid: condition_log_marginal(cid, params,
                                        [r for r in rows(cid, efficacy=True) if r.fitted],
                                        clinic)
            for cid, params in fitted.conditions.items()}


class OtherConditions:
    """The log marginal likelihood of each condition's studies, at its full fit, on a grid
    of clinic sds (log scale) around the full fit's: what a fold's clinic refit needs from
    the conditions it holds (one grid for all folds)."""

    def __init__(self, fitted: Fitted, mapping: Callable[..., list] = lambda f, x: list(
            map(f, x))) -> None:
        """The grid's points are evaluated by `mapping(function, points)` (in parallel
        where the caller gives a parallel map)."""
        from scipy.interpolate import RegularGridInterpolator

        self.centre = np.log([fitted.clinic.rate_sd, fitted.clinic.ceiling_sd,
                              fitted.clinic.complete_sd])
        axes = [c + np.linspace(-_GRID_HALF, _GRID_HALF, _GRID_POINTS) for c in self.centre]
        indices = list(np.ndindex(*(_GRID_POINTS,) * 3))
        _GRID_WORK["fitted"] = fitted
        points = [[float(axes[d][i]) for d, i in enumerate(index)] for index in indices]
        found = mapping(_marginals, points)
        values = {cid: np.zeros((_GRID_POINTS,) * 3) for cid in conditions()}
        for index, at in zip(indices, found, strict=True):
            for cid, value in at.items():
                values[cid][index] = value
        total = sum(values.values())
        assert isinstance(total, np.ndarray)
        self.without = {cid: RegularGridInterpolator(axes, total - values[cid], method="cubic")
                        for cid in conditions()}
        self.low, self.high = self.centre - _GRID_HALF, self.centre + _GRID_HALF

    def refit_clinic(self, cid: str, params: FittedCondition, leave_out: set[str],
                     start: FittedClinic) -> FittedClinic:
        """The clinic sds without the rows `leave_out`: condition `cid` at `params`, its
        study left out and integrated exactly, the others read off the grid."""
        used = [r for r in rows(cid, efficacy=True) if r.fitted and r.id not in leave_out]
        bounded = [replace(p, low=max(p.low, lo), high=min(p.high, hi)) for p, lo, hi
                   in zip(clinic_params(), self.low, self.high, strict=True)]
        others = self.without[cid]

        def loss(theta: np.ndarray) -> float:
            clinic = to_clinic(theta)
            return _prior_penalty(bounded, theta) - float(others(theta[None, :])[0]) - (
                condition_log_marginal(cid, params, used, clinic))

        origin = np.log([start.rate_sd, start.ceiling_sd, start.complete_sd])
        return to_clinic(_minimise(bounded, loss, start=origin))


def nested_fold(fitted: Fitted, cid: str, source: str, others: OtherConditions,
                relax: bool = True) -> Fold:
    """The fold that leaves `source` out: priors written from it relaxed (unless `relax`
    is False), its condition and the clinic sds refitted without it."""
    own = study_rows(source)
    relaxed = relaxed_priors(cid, source) if relax else ()
    params = fit_condition(cid, fitted.clinic, leave_out=own, start=fitted.conditions[cid],
                           relaxed=relaxed)
    first = params
    clinic = others.refit_clinic(cid, params, own, fitted.clinic)
    if _moved(clinic, fitted.clinic) > CLINIC_MOVED:
        params = fit_condition(cid, clinic, leave_out=own, start=params, relaxed=relaxed)
    return Fold(cid, source, params, clinic, relaxed, first)
