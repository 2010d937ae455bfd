"""Why the "this clinic" band over-covered in the simulation (fit/clinic_sbc.py): a check.

`python -m pico_widget.fit.clinic_sbc_diagnosis [--clinics K] [--courses N ...]`

For each simulated clinic (the same clinics clinic_sbc simulates, seeded alike) and N, it
scores several bands for the clinic's next patients against the same truth:

- `independent`: the band built from the posterior's mean and sd per offset alone, each
  offset normal and independent of the others (3 Gauss-Hermite nodes each): the band the
  app gave before the correlations were kept;
- `app`: the band the app builds (clinic_effect at floor 0, then estimate: the posterior's
  mean, sds and correlations, clinic_effect.clinic_nodes);
- `exact`: the 10th-90th percentiles of the share over the posterior itself, on a fine
  grid (7 nodes an offset over +-3 posterior sds) with the same likelihood;
- `app7` and `exact7`: `app` and `exact` with the likelihood's observation sd set to the
  noise the simulation adds to a result (assessment ASSESSMENT_SD and rounding to 5: 7.15
  points) in place of data/conditions.toml's observation_sd_percent.

It prints, per profile and N, each band's coverage and median width (against the
new-clinic band), the median ratio of the independent band's width to the exact one's
(paired on the same clinics: far less noisy than the coverages) and the posterior's mean
correlations between the offsets (in clinic_effect's dims order: rate-ceiling first).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import multiprocessing
from collections.abc import Sequence

import numpy as np

from ..core.catalogue import catalogue
from ..core.clinic_effect import (
    ClinicEffect,
    ConditionEffect,
    CourseResults,
    clinic_effect,
    condition_courses,
    log_posterior,
)
from ..core.evidence import evidence
from ..core.forecast import estimate
from ..core.population import V, atypical_centre, atypical_rate_above, normal_cdf
from ..core.response import Case, clinic_sd, spread_for
from . import clinic_sbc
from .clinic_sbc import PROFILES, SEED, Clinic, Profile

SIMULATED_NOISE = math.hypot(clinic_sbc.ASSESSMENT_SD, 5.0 / math.sqrt(12.0))
BANDS = ("independent", "app", "exact", "app7", "exact7")
_FINE = 7  # nodes an offset on the exact posterior's grid
_REACH = 3.0  # its span, in posterior sds either side of the mean
_Z80 = 1.2815515655446004


def share_at(profile: Profile, z: np.ndarray) -> np.ndarray:
    """The model's share of a clinic's patients like `profile` reaching the goal by its
    session, at clinics whose offsets (prior sds, DIMS order, columns of z) are known
    exactly: ceilings integrated on a fine logit grid, rates by the normal's tail."""
    case = Case(profile.condition, "moderate", profile.fitzpatrick, "picosecond")
    typical = spread_for(case)
    rate_tau, ceiling_tau, complete_tau = clinic_sd(condition=profile.condition)
    settings = catalogue().model
    target = min(profile.goal_percent, evidence().complete_clearance_percent)
    z = np.atleast_2d(z)
    has_complete = z.shape[1] == 4
    z_rate, z_ceiling = z[:, 0], z[:, 1]
    z_complete = z[:, 2] if has_complete else np.zeros(len(z))
    z_atypical = z[:, -1]
    x = np.linspace(-10.0, 12.0, 1101)  # logit ceiling
    dx = x[1] - x[0]
    ceiling = 100.0 / (1.0 + np.exp(-x))
    room = np.clip(1.0 - target / ceiling, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_need = np.where(room > 0, np.log(-np.log(np.where(room > 0, room, 0.5))), np.inf)
    log_need = log_need - math.log(profile.session)
    log_rate = typical.log_rate + rate_tau * z_rate  # (nodes,)
    u = (log_need[None, :] - log_rate[:, None]) / typical.rate_sd
    u = np.where(np.isfinite(u), u, 50.0)
    typical_above = normal_cdf(-u)  # (nodes, x)
    atypical_above = atypical_rate_above(u, normal_cdf)

    def density(mean: np.ndarray | float, sd: float) -> np.ndarray:
        return np.exp(-0.5 * ((x - np.asarray(mean)[..., None]) / sd) ** 2) * dx / (
            sd * math.sqrt(2 * math.pi))

    typical_density = density(typical.logit_ceiling + ceiling_tau * z_ceiling,
                              typical.ceiling_sd)
    share = (typical_density * typical_above).sum(axis=1)
    if typical.complete_share:
        logit_k = math.log(typical.complete_share / (1 - typical.complete_share))
        k = 1.0 / (1.0 + np.exp(-(logit_k + complete_tau * z_complete)))
        full = settings.complete_ceiling_percent / 100
        complete_density = density(math.log(full / (1 - full)), settings.complete_ceiling_sd)
        share = (1 - k) * share + k * (complete_density * typical_above).sum(axis=1)
    half = (V[1] - V[0]) / 2
    even = ((x >= V[0] - half) & (x <= V[-1] + half)) * dx / (V[-1] - V[0] + 2 * half)
    centre, sd = atypical_centre()
    a = 1.0 / (1.0 + np.exp(-(centre + sd * z_atypical)))
    return (1 - a) * share + a * (even * atypical_above).sum(axis=1)


def exact_band(profile: Profile, courses: list, effect: ConditionEffect,
               noise: float | None = None) -> tuple[tuple[float, float], np.ndarray]:
    """The posterior's 10th and 90th percentiles of the share (a fine grid around the
    effect's mean), and the posterior's correlation matrix of the offsets."""
    group = [CourseResults.of(c) for c in courses]
    tables = condition_courses(profile.condition, group, noise)
    axes = [m + max(s, 0.02) * np.linspace(-_REACH, _REACH, _FINE)
            for m, s in zip(effect.mean, effect.sd, strict=True)]
    log_post = log_posterior(tables, effect.dims, axes)
    weight = np.exp(log_post - log_post.max()).ravel()
    weight /= weight.sum()
    nodes = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    keep = weight > 1e-7 * weight.max()
    shares = share_at(profile, nodes[keep])
    w = weight[keep] / weight[keep].sum()
    order = np.argsort(shares)
    cdf = np.cumsum(w[order])
    low = float(np.interp(0.1, cdf, shares[order]))
    high = float(np.interp(0.9, cdf, shares[order]))
    mean = w @ nodes[keep]
    centred = nodes[keep] - mean
    cov = (centred * w[:, None]).T @ centred
    scale = np.sqrt(np.diag(cov))
    return (low, high), cov / np.outer(scale, scale)


def app_band(profile: Profile, effect: ConditionEffect, correlated: bool = True
             ) -> tuple[float, float]:
    """The band estimate() gives at this clinic (whatever its courses), with the posterior's
    correlations or without them."""
    condition_effect = dataclasses.replace(
        effect, courses=max(effect.courses, 10),
        correlation=effect.correlation if correlated else ())
    band = estimate(profile.patient, clinic=ClinicEffect({effect.condition: condition_effect})
                    ).prob_goal_band[profile.session - 1]
    return float(band[0]), float(band[1])


def diagnose_clinic(task: tuple[int, int, tuple[int, ...]]) -> dict:
    """One clinic of clinic_sbc (same seed, same draws): truth, each band per N."""
    p, number, counts = task
    profile = PROFILES[p]
    rng = np.random.default_rng([SEED, p, number])
    low, high = estimate(profile.patient).prob_goal_band[profile.session - 1]
    clinic = Clinic(rng.standard_normal(4),
                    clinic_sbc.GRADING_BIAS_SD * float(rng.standard_normal()))
    courses = clinic_sbc.simulated_courses(rng, clinic, profile.condition, max(clinic_sbc.COURSES))
    truth = clinic_sbc._true_share(rng, clinic, profile)
    unbiased = clinic_sbc._true_share(rng, Clinic(clinic.z, 0.0), profile)
    out: dict = {"truth": truth, "unbiased": unbiased, "studies": high - low,
                 "model_at_truth": float(share_at(profile, clinic.z[
                     [0, 1, 2, 3] if len(_dims(profile)) == 4 else [0, 1, 3]])[0]),
                 "bands": {}, "corr": {}}
    for n in counts:
        bands = {}
        for suffix, sd in (("", None), ("7", SIMULATED_NOISE)):
            effect = clinic_effect(courses[:n], floor=0.0, noise=sd).conditions[
                profile.condition]
            exact, corr = exact_band(profile, courses[:n], effect, noise=sd)
            bands["app" + suffix] = app_band(profile, effect)
            bands["exact" + suffix] = exact
            if sd is None:
                bands["independent"] = app_band(profile, effect, correlated=False)
                out["corr"][n] = corr
        out["bands"][n] = bands
    return out


def _dims(profile: Profile) -> tuple[str, ...]:
    case = Case(profile.condition, "moderate", profile.fitzpatrick, "picosecond")
    return (("log_rate", "logit_ceiling", "logit_complete", "logit_atypical")
            if spread_for(case).complete_share else ("log_rate", "logit_ceiling",
                                                     "logit_atypical"))


def report(profile: Profile, results: list[dict], counts: Sequence[int]) -> str:
    lines = [f"{profile.label}: {len(results)} clinics"]
    gap = np.array([r["model_at_truth"] - r["unbiased"] for r in results])
    lines.append(f"  model's share at the true offsets - simulated share (no bias): mean "
                 f"{gap.mean():+.4f}, sd {gap.std():.4f}")
    for n in counts:
        parts = []
        for band in BANDS:
            inside = np.mean([r["bands"][n][band][0] <= r["truth"] <= r["bands"][n][band][1]
                              for r in results])
            width = np.median([(r["bands"][n][band][1] - r["bands"][n][band][0])
                               / r["studies"] for r in results])
            parts.append(f"{band} {100 * inside:5.1f}% {width:.3f}x")
        ratio = np.median([(r["bands"][n]["independent"][1]
                            - r["bands"][n]["independent"][0])
                           / max(r["bands"][n]["exact"][1] - r["bands"][n]["exact"][0], 1e-9)
                           for r in results])
        corr = np.mean([r["corr"][n] for r in results], axis=0)
        upper = corr[np.triu_indices(len(corr), 1)]
        lines.append(f"  N={n:3d}: " + " | ".join(parts)
                     + f" | independent/exact width {ratio:.2f} | mean corr {np.round(upper, 2)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pico_widget.fit.clinic_sbc_diagnosis",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=60, help="clinics per profile")
    parser.add_argument("--courses", type=int, nargs="+", default=[20, 80])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--profiles", type=int, nargs="+", default=list(range(len(PROFILES))))
    args = parser.parse_args(argv)
    counts = tuple(args.courses)
    tasks = [(p, k, counts) for p in args.profiles for k in range(args.clinics)]
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        results = pool.map(diagnose_clinic, tasks, chunksize=2)
    for p in args.profiles:
        print(report(PROFILES[p], [r for (q, _, _), r in zip(tasks, results, strict=True)
                                   if q == p], counts), flush=True)


if __name__ == "__main__":
    main()
