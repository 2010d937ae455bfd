"""`make calibrate`: fit the model to the evidence rows, and check it on rows left out.

Each condition's parameters are fitted to its rows (data/evidence.toml) by maximum
likelihood with weak priors that encode the documented judgements (data/conditions.toml):
binomial (multinomial for several thresholds of one study) for shares, normal with the
stated standard error for means. PIH is fitted the same way across conditions, with a
factor per study (a random effect) so that the trials comparing lasers in the same
patients decide the Q-switched factor rather than differences between series. The fit is
deterministic (L-BFGS-B from the prior, and for conditions with a group that clears
completely also from half of patients clearing completely, keeping the better end), so
the test suite can check that the shipped data/fitted.toml is what this command produces.
Needs scipy (the `calibrate` extra); the app itself needs only numpy.

    python -m pico_widget.fit.calibrate            # fit, leave-one-out, write everything
    python -m pico_widget.fit.calibrate --no-cv    # fit only (what the test compares)
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.catalogue import (
    SEVERITIES,
    Fitted,
    FittedCondition,
    FittedLevel,
    FittedPih,
    catalogue,
    conditions,
)
from ..core.evidence import EvidenceRow, rows
from ..core.models import TattooDetails
from ..core.pih import course_risk, per_session_mean
from ..core.population import Population
from ..core.response import Case, logit, spread_for

PACKAGE = Path(__file__).resolve().parent.parent
FITTED = PACKAGE / "data" / "fitted.toml"
PLOT = PACKAGE / "data" / "calibration.png"
ACCURACY = PACKAGE / "data" / "accuracy.toml"
REPORT = PACKAGE.parent / "docs" / "calibration.md"
MODEL_PAGE = PACKAGE / "data" / "model.md"  # its accuracy table; `make calibrate` then
# refreshes its parameter tables (python -m pico_widget.render.model_page)
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
def condition_params(cid: str) -> list[Param]:
    spec, sd = conditions()[cid], catalogue().model.prior_sd
    params = [Param("rate_sd", math.log(spec.rate_sd), sd.rate_sd, math.log(0.1), math.log(1.0)),
              Param("ceiling_sd", math.log(spec.ceiling_sd), sd.ceiling_sd,
                    math.log(0.3), math.log(2.0))]
    if spec.complete_share is not None:
        params.append(Param("complete_share", logit(100 * spec.complete_share),
                            sd.complete_share, -8.0, 3.0))
    if spec.graded_by_kirby_desai:
        assert spec.qswitched is not None
        return [Param("sessions_per_point", math.log(catalogue().tattoo
                                                     .qswitched_sessions_per_point), sd.rate),
                Param("qswitched", math.log(spec.qswitched.rate_factor), sd.qswitched,
                      math.log(0.2), 0.0),
                Param("ceiling_shift", 0.0, sd.ceiling, -3.0, 3.0), *params]
    assert spec.severity is not None
    level = spec.severity

    def rate(severity: str) -> float:
        return math.log(-math.log1p(-level[severity].p))

    def ceiling(severity: str) -> float:
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


def to_condition(cid: str, theta: Sequence[float], fitted_rows: Sequence[str] = ()
                 ) -> FittedCondition:
    """The parameter vector as the catalogue's FittedCondition."""
    v = dict(zip((p.name for p in condition_params(cid)), theta, strict=True))
    common = {"rows": tuple(fitted_rows), "rate_sd": math.exp(v["rate_sd"]),
              "ceiling_sd": math.exp(v["ceiling_sd"]),
              "qswitched_rate_factor": math.exp(v["qswitched"]) if "qswitched" in v else None,
              "complete_share": 1 / (1 + math.exp(-v["complete_share"]))
              if "complete_share" in v else 0.0}
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


def predict(row: EvidenceRow, params: FittedCondition) -> list[float]:
    """The model's value for each figure the row states (averaged over its skin types)."""
    per_case = []
    for case in _cases(row):
        people = Population(spread_for(case, params))
        if row.kind == "shares":
            assert row.session is not None
            per_case.append([100 * float(people.share_reaching(t, np.array([row.session]))[0])
                             for t in row.thresholds])
            continue
        if row.kind == "mean":
            assert row.session is not None
            per_case.append([people.mean_improvement(row.session)])
            continue
        assert row.threshold is not None and row.horizon is not None
        by = people.share_reaching(row.threshold, np.arange(1, row.horizon + 1))
        if row.kind == "sessions":
            steps = np.diff(np.concatenate([[0.0], by]))
            per_case.append([float((np.arange(1, row.horizon + 1) * steps).sum()
                                   / max(by[-1], _EPS))])
        else:  # sessions_capped: E[min(N, horizon)] = sum over k < horizon of P(N > k)
            per_case.append([float(1.0 + (1.0 - by[:-1]).sum())])
    return [float(x) for x in np.mean(per_case, axis=0)]


def log_likelihood(row: EvidenceRow, predicted: Sequence[float]) -> float:
    if row.kind == "shares":
        shares = np.array([0.0, *predicted, 100.0]) / 100
        seen = np.array([0.0, *row.values, 100.0]) / 100
        probs = np.clip(np.diff(shares), _EPS, None)
        counts = row.patients * np.clip(np.diff(seen), 0.0, None)
        return float((counts * np.log(probs)).sum())
    if row.kind in ("pih", "pih_rate"):
        p = min(max(predicted[0] / 100, _EPS), 1 - _EPS)
        y = (row.value or 0.0) / 100
        return row.patients * (y * math.log(p) + (1 - y) * math.log(1 - p))
    assert row.value is not None and row.se is not None
    return -0.5 * ((predicted[0] - row.value) / row.se) ** 2


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
                     math.log(0.3), math.log(200))]
    return params


def to_pih(theta: Sequence[float], fitted_rows: Sequence[str] = ()) -> FittedPih:
    v = dict(zip((p.name for p in pih_params()), theta, strict=True))
    log_table = [0.0] * 6
    log_table[2] = v["base"]
    for i in (3, 4, 5):
        log_table[i] = log_table[i - 1] + v[f"step_{i}"]
    for i in (1, 0):
        log_table[i] = log_table[i + 1] - v[f"step_{i + 1}"]
    table = tuple(100 * math.exp(x) for x in log_table)
    return FittedPih(rows=tuple(fitted_rows), per_session_percent=table,  # type: ignore[arg-type]
                     concentration=math.exp(v["concentration"]),
                     qswitched_factor=math.exp(v["qswitched"]),
                     condition_factor={cid: math.exp(v[f"factor_{cid}"]) for cid in conditions()})


def predict_pih(row: EvidenceRow, params: FittedPih, study: float = 0.0) -> list[float]:
    """The row's PIH figure, for the typical study or one `study` (log factor) away."""
    risks = []
    for fst in row.fitzpatrick:
        mean = per_session_mean(params, row.condition, row.laser, fst, study)
        risks.append(mean if row.kind == "pih_rate"
                     else course_risk(mean, params.concentration, row.session or 1.0))
    return [100 * float(np.mean(risks))]


# -- fitting -----------------------------------------------------------------------------------
def _fit(params: list[Param], fitted_rows: list[EvidenceRow],
         prediction: Callable[[EvidenceRow, Sequence[float], float], list[float]],
         study_sd: float = 0.0, restarts: Sequence[dict[str, float]] = ()) -> np.ndarray:
    """Maximum a posteriori fit. With `study_sd` > 0, each study also gets its own offset
    (normal, sd `study_sd`), fitted alongside and dropped from the result: a difference
    between two rows of one study then informs the shared parameters, and a difference
    between studies is put down to the studies. The fit starts from the prior and from
    each of `restarts` (values by parameter name) and keeps the best end: the posterior
    can have more than one peak."""
    from scipy.optimize import minimize

    sources = sorted({r.source for r in fitted_rows}) if study_sd else []
    offset = {s: len(params) + i for i, s in enumerate(sources)}
    everything = params + [Param(f"study {s}", 0.0, study_sd, -3.0, 3.0) for s in sources]
    prior = np.array([p.prior for p in everything])
    sd = np.array([p.sd for p in everything])
    bounds = [(p.low if np.isfinite(p.low) else None, p.high if np.isfinite(p.high) else None)
              for p in everything]
    start = np.clip(prior, [p.low for p in everything], [p.high for p in everything])

    def loss(theta: np.ndarray) -> float:
        total = 0.5 * float((((theta - prior) / sd) ** 2).sum())
        shared = theta[:len(params)]
        for row in fitted_rows:
            study = float(theta[offset[row.source]]) if sources else 0.0
            total -= log_likelihood(row, prediction(row, shared, study))
        return total

    def climb(origin: np.ndarray) -> tuple[float, np.ndarray]:
        end = minimize(loss, origin, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 500, "ftol": 1e-10, "gtol": 1e-7})
        return (float(end.fun) if np.isfinite(end.fun) else np.inf), np.asarray(end.x)

    best, theta = climb(start)
    names = [p.name for p in everything]
    for values in restarts:
        origin = start.copy()
        for name, value in values.items():
            i = names.index(name)
            origin[i] = np.clip(value, everything[i].low, everything[i].high)
        end, other = climb(origin)
        if end < best - _BETTER:  # a real second peak, not the same one to rounding
            best, theta = end, other
    return theta[:len(params)]


def fit_condition(cid: str, leave_out: Collection[str] = ()) -> FittedCondition:
    """The condition's parameters fitted to its rows, without the rows `leave_out` names."""
    used = [r for r in rows(cid, efficacy=True) if r.fitted and r.id not in leave_out]
    params = condition_params(cid)
    # Many complete responders and a low ceiling for the rest, or few and a high one, can
    # fit a condition's rows almost equally well (tattoos): start from half as well.
    halves = [{"complete_share": 0.0}] if any(p.name == "complete_share" for p in params) else []
    theta = _fit(params, used, lambda row, t, _: predict(row, to_condition(cid, t)),
                 restarts=halves)
    return to_condition(cid, theta, [r.id for r in used])


def fit_pih(leave_out: str | None = None) -> FittedPih:
    used = [r for r in rows(efficacy=False) if r.fitted and r.id != leave_out]
    theta = _fit(pih_params(), used, lambda row, t, study: predict_pih(row, to_pih(t), study),
                 study_sd=catalogue().model.prior_sd.pih_study)
    return to_pih(theta, [r.id for r in used])


def fit_all() -> Fitted:
    return Fitted(model_version=catalogue().model.version,
                  conditions={cid: fit_condition(cid) for cid in conditions()}, pih=fit_pih())


def forecast_row(row: EvidenceRow, fitted: Fitted) -> list[float]:
    if row.efficacy:
        return predict(row, fitted.conditions[row.condition])
    return predict_pih(row, fitted.pih)


def leave_one_out(row: EvidenceRow) -> list[float]:
    """The row predicted by a fit that never saw it."""
    if row.efficacy:
        return predict(row, fit_condition(row.condition, leave_out={row.id}))
    return predict_pih(row, fit_pih(leave_out=row.id))


def leave_study_out(condition: str, source: str) -> dict[str, list[float]]:
    """Every efficacy row of one study, predicted by a fit that saw none of that study's
    rows: how the model does on a new study, which leaving one row out overstates when a
    study reports several (the same patients at several sessions)."""
    own = [r for r in rows(condition, efficacy=True) if r.source == source]
    params = fit_condition(condition, leave_out={r.id for r in own})
    return {r.id: predict(r, params) for r in own}


# -- writing -----------------------------------------------------------------------------------
def _number(x: float) -> str:
    return f"{float(f'{x:.6g}'):g}" if abs(x) >= 1e-6 else "0.0"


def fitted_toml(fitted: Fitted) -> str:
    """data/fitted.toml: the fitted parameters, with the rows behind each block."""
    out = ["# Generated by `make calibrate` (python -m pico_widget.fit.calibrate) from",
           "# data/conditions.toml (priors) and data/evidence.toml (rows). Do not edit by hand:",
           "# tests/test_calibration.py checks that this file is what the command produces.", "",
           f'model_version = "{fitted.model_version}"', ""]
    for cid, c in fitted.conditions.items():
        out.append(f"[conditions.{cid}]")
        out.append("rows = [" + ", ".join(f'"{r}"' for r in c.rows) + "]")
        for key in ("rate_sd", "ceiling_sd", "skin_type_step", "qswitched_rate_factor",
                    "sessions_per_point", "ceiling_shift", "complete_share"):
            value = getattr(c, key)
            if value is not None and (key != "complete_share" or value):
                out.append(f"{key} = {_number(value)}")
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
            f"qswitched_factor = {_number(pih.qswitched_factor)}", "[pih.condition_factor]"]
    out += [f"{cid} = {_number(x)}" for cid, x in pih.condition_factor.items()]
    return "\n".join(out) + "\n"


def parse(text: str) -> Fitted:
    import tomllib

    return Fitted.model_validate(tomllib.loads(text))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cv", action="store_true", help="skip leave-one-row-out")
    args = parser.parse_args(argv)
    fitted = parse(fitted_toml(fit_all()))  # rounded as shipped
    FITTED.write_text(fitted_toml(fitted), "utf-8")
    print(f"wrote {FITTED.relative_to(PACKAGE.parent)}")
    if args.no_cv:
        return
    from .calibration_report import write_report

    write_report(fitted, REPORT, PLOT, ACCURACY)


if __name__ == "__main__":
    main()
