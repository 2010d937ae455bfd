"""Collapsed bands: a scan of the profile grid for clinic bands narrower than the evidence.

Issue 30 found bands under 2 points wide while the chance was over 50% (solar lentigines
"98 in 100 (98-98) across clinics"): where every clinic's patients reach the goal alike,
nothing in the model varied between clinics. This scan counts, over conditions x lasers x
severities x skin types x goals x sessions, the bands (`Forecast.prob_goal_band`) under
3 points wide while the patient's chance lies between 2 and 98 in 100 (the target is 0)
and prints one line a condition with its narrowest case.

    python -m benchmarks.band_grid
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pico_widget import PatientProfile, TattooDetails, conditions, estimate
from pico_widget.core.catalogue import SEVERITIES
from pico_widget.core.models import LASERS

GOALS = (25, 50, 75, 90, 100)
SKIN_TYPES = range(1, 7)
NARROW = 3.0  # points, in 100
CHANCE = (0.02, 0.98)
TATTOOS = tuple(TattooDetails(location=loc, colours=col, ink=ink)
                for loc, col, ink in itertools.product(
                    ("head_neck", "distal_extremity"), ("black", "multicolour"),
                    ("amateur", "significant")))


@dataclass
class Tally:
    profiles: int = 0
    bands: int = 0  # (profile, session) pairs whose chance lies in CHANCE
    narrow: int = 0
    narrowest: tuple[float, str] = (float("inf"), "")


def profiles(cid: str) -> list[PatientProfile]:
    spec = conditions()[cid]
    lasers = [laser for laser in LASERS if laser == "picosecond" or spec.qswitched]
    if spec.graded_by_kirby_desai:
        kinds = [{"tattoo": t} for t in TATTOOS]
    else:
        kinds = [{"severity": s} for s in SEVERITIES]
    return [PatientProfile(condition=cid, laser=laser, fitzpatrick=fst, goal_percent=goal,
                           **kind)
            for laser, kind, fst, goal in itertools.product(lasers, kinds, SKIN_TYPES, GOALS)]


def scan(cid: str) -> Tally:
    tally = Tally()
    for profile in profiles(cid):
        fc = estimate(profile)
        tally.profiles += 1
        for n, (chance, (low, high)) in enumerate(
                zip(fc.prob_goal_by_session, fc.prob_goal_band, strict=True), start=1):
            if not CHANCE[0] <= chance <= CHANCE[1]:
                continue
            tally.bands += 1
            width = 100 * (high - low)
            if width < NARROW:
                tally.narrow += 1
            if width < tally.narrowest[0]:
                what = (profile.severity if profile.tattoo is None
                        else f"{profile.tattoo.colours}/{profile.tattoo.ink}")
                tally.narrowest = (width, f"{profile.laser} {what} {profile.fitzpatrick_numeral}"
                                          f" goal {profile.goal_percent:.0f} session {n}: "
                                          f"{100 * chance:.1f} ({100 * low:.1f}-{100 * high:.1f})")
    return tally


def main() -> None:
    total = Tally()
    print(f"{'condition':<18}{'profiles':>9}{'bands':>8}{'< 3 pts':>9}  narrowest band")
    for cid in conditions():
        t = scan(cid)
        total.profiles += t.profiles
        total.bands += t.bands
        total.narrow += t.narrow
        print(f"{cid:<18}{t.profiles:>9}{t.bands:>8}{t.narrow:>9}  "
              f"{t.narrowest[0]:.1f} pts, {t.narrowest[1]}")
    print(f"{'all':<18}{total.profiles:>9}{total.bands:>8}{total.narrow:>9}")


if __name__ == "__main__":
    main()
