"""Simulation-based calibration of the "this clinic" band (issue 31, Validation).

`python -m pico_widget.fit.clinic_sbc` writes pico_widget/data/this_clinic.toml.

Simulated clinics are what real ones add to the model: each clinic's offsets drawn from
the fitted spread between clinics (response.clinic_sd, the atypical share's clinic sd),
a grading bias of its own (normal, GRADING_BIAS_SD points, on every improvement it
records), assessment noise, a case mix unlike the studies' (skin types II-VI alike, severe
cases most common) and records clipped to 0-100 and rounded to 5, as clinics grade. For N
recorded courses of a condition, clinic_effect reads the first N, and the "this clinic" 80%
band (Forecast.prob_goal_band) for its next patients like PROFILE is scored: does the
share of the clinic's own patients who reach the goal (as it grades them) lie inside? And
how wide is the band against the new-clinic band? Each FLOORS value is tried on the same
clinics (the floor only caps the posterior sds), so the floor shipped (clinic_effect.FLOOR)
is chosen by this table.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..core.catalogue import catalogue
from ..core.clinic_effect import ClinicEffect, clinic_effect
from ..core.evidence import evidence
from ..core.forecast import estimate
from ..core.models import ClinicCourse, PatientProfile
from ..core.population import ATYPICAL_RATE_SD, V, atypical_centre
from ..core.response import Case, clinic_sd, spread_for

PACKAGE = Path(__file__).resolve().parent.parent
OUT = PACKAGE / "data" / "this_clinic.toml"
SEED = 31
CLINICS = 200
COURSES = (5, 10, 20, 40, 80, 160)
FLOORS = (0.0, 0.1, 0.15, 0.2, 0.3, 0.4)
GRADING_BIAS_SD = 5.0  # points: how differently clinics grade the same result (judgement)
ASSESSMENT_SD = 7.0  # points: one assessment's own noise
NEXT_PATIENTS = 20000  # per clinic, for the share of its patients reaching the goal
PROFILE: dict[str, Any] = {"condition": "nevus_of_ota", "fitzpatrick": 4, "goal_percent": 75.0}
SESSION = 5  # the goal by this session (item SESSION - 1 of prob_goal_band)
SEVERITY_MIX = {"mild": 0.15, "moderate": 0.35, "severe": 0.5}  # the studies: mostly moderate


@dataclasses.dataclass(frozen=True)
class Clinic:
    z: np.ndarray  # offsets in clinic sds: log rate, logit ceiling, logit complete, atypical
    bias: float  # points added to every improvement it records


def _patients(rng: np.random.Generator, case: Case, clinic: Clinic, count: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Rates and ceilings (percent) of `count` patients like `case` at `clinic`."""
    settings = catalogue().model
    typical = spread_for(case)
    rate_tau, ceiling_tau, complete_tau = clinic_sd(condition=case.condition)
    centre, sd = atypical_centre()
    atypical = 1.0 / (1.0 + math.exp(-(centre + sd * clinic.z[3])))
    complete = typical.complete_share
    if complete:
        complete = 1.0 / (1.0 + math.exp(-(math.log(complete / (1 - complete))
                                           + complete_tau * clinic.z[2])))
    u = rng.standard_normal(count)
    odd = rng.random(count) < atypical
    # The atypical patients' rates: sd ATYPICAL_RATE_SD below the median, 1 above
    # (population.atypical_rate_above), their ceilings even over the grid's axis.
    slow = rng.random(count) < ATYPICAL_RATE_SD / (ATYPICAL_RATE_SD + 1)
    wide = np.where(slow, -np.abs(u) * ATYPICAL_RATE_SD, np.abs(u))
    log_rate = typical.log_rate + rate_tau * clinic.z[0] + typical.rate_sd * np.where(odd, wide,
                                                                                      u)
    full = rng.random(count) < complete
    share = settings.complete_ceiling_percent / 100
    logit = np.where(full, math.log(share / (1 - share))
                     + settings.complete_ceiling_sd * rng.standard_normal(count),
                     typical.logit_ceiling + ceiling_tau * clinic.z[1]
                     + typical.ceiling_sd * rng.standard_normal(count))
    logit = np.where(odd, rng.uniform(V[0], V[-1], count), logit)
    return np.exp(log_rate), 100.0 / (1.0 + np.exp(-logit))


def _courses(rng: np.random.Generator, clinic: Clinic, count: int) -> list[ClinicCourse]:
    cid = PROFILE["condition"]
    out = []
    for _ in range(count):
        case = Case(cid, rng.choice(list(SEVERITY_MIX), p=list(SEVERITY_MIX.values())),
                    int(rng.integers(2, 7)), "picosecond")
        rate, ceiling = _patients(rng, case, clinic, 1)
        sessions = np.arange(1, int(rng.integers(2, 8)))
        seen = (ceiling[0] * -np.expm1(-rate[0] * sessions) + clinic.bias
                + ASSESSMENT_SD * rng.standard_normal(len(sessions)))
        graded = np.clip(5.0 * np.round(seen / 5.0), 0.0, 100.0)
        out.append(ClinicCourse(condition=cid, severity=case.severity,
                                fitzpatrick=case.fitzpatrick, laser=case.laser,
                                observations=[{"session": int(s), "improvement_percent": y}
                                              for s, y in zip(sessions, graded, strict=True)]))
    return out


def _true_share(rng: np.random.Generator, clinic: Clinic) -> float:
    """The share of the clinic's patients like PROFILE who reach the goal by SESSION, as
    the clinic grades them (its bias included, not one assessment's noise)."""
    case = Case(PROFILE["condition"], "moderate", PROFILE["fitzpatrick"], "picosecond")
    rate, ceiling = _patients(rng, case, clinic, NEXT_PATIENTS)
    target = min(PROFILE["goal_percent"], evidence().complete_clearance_percent)
    return float(np.mean(ceiling * -np.expm1(-rate * SESSION) + clinic.bias >= target))


def _floored(effect: ClinicEffect, floor: float) -> ClinicEffect:
    return ClinicEffect({cid: dataclasses.replace(e, sd=tuple(max(s, floor) for s in e.sd),
                                                  floor=floor)
                         for cid, e in effect.conditions.items()})


def simulate(clinics: int = CLINICS, seed: int = SEED) -> dict:
    """Per floor and N: coverage of the clinic's true share, and the band width against the
    new-clinic band (median over clinics)."""
    rng = np.random.default_rng(seed)
    profile = PatientProfile(**PROFILE)
    studies = estimate(profile).prob_goal_band[SESSION - 1]
    studies_width = studies[1] - studies[0]
    inside: dict[tuple[float, int], list[bool]] = {(f, n): [] for f in FLOORS for n in COURSES}
    width: dict[tuple[float, int], list[float]] = {(f, n): [] for f in FLOORS for n in COURSES}
    for _ in range(clinics):
        clinic = Clinic(rng.standard_normal(4), GRADING_BIAS_SD * float(rng.standard_normal()))
        courses = _courses(rng, clinic, max(COURSES))
        truth = _true_share(rng, clinic)
        for n in COURSES:
            raw = clinic_effect(courses[:n], floor=0.0)
            for f in FLOORS:
                low, high = estimate(profile, clinic=_floored(raw, f)).prob_goal_band[SESSION - 1]
                inside[f, n].append(low <= truth <= high)
                width[f, n].append((high - low) / studies_width)
    return {"studies_band": studies, "clinics": clinics,
            "coverage": {k: float(np.mean(v)) for k, v in inside.items()},
            "width": {k: float(np.median(v)) for k, v in width.items()}}


def table_toml(result: dict, seconds: float) -> str:
    lines = ["# Written by python -m pico_widget.fit.clinic_sbc: do not edit by hand.",
             "# Simulation-based calibration of the 'this clinic' band (docs/model.md).",
             "[this_clinic]",
             f'profile = "{PROFILE["condition"]}, skin type {PROFILE["fitzpatrick"]}, goal '
             f'{PROFILE["goal_percent"]:g} by session {SESSION}"',
             f"clinics = {result['clinics']}", f"seed = {SEED}",
             f"grading_bias_sd = {GRADING_BIAS_SD}", f"assessment_sd = {ASSESSMENT_SD}",
             f"courses = {list(COURSES)}",
             f"studies_band = [{result['studies_band'][0]:.3f}, {result['studies_band'][1]:.3f}]",
             f"seconds = {seconds:.0f}", ""]
    for f in FLOORS:
        lines += [f'[this_clinic.floor."{f:g}"]',
                  "coverage = [" + ", ".join(f"{result['coverage'][f, n]:.3f}"
                                             for n in COURSES) + "]",
                  "width_vs_studies = [" + ", ".join(f"{result['width'][f, n]:.3f}"
                                                     for n in COURSES) + "]", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pico_widget.fit.clinic_sbc",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=CLINICS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = simulate(args.clinics)
    text = table_toml(result, time.perf_counter() - start)
    args.out.write_text(text, "utf-8")
    print(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
