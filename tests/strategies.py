"""Hypothesis strategies for valid patient profiles, shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from pico_widget import Observation, PatientProfile, TattooDetails, conditions
from pico_widget.core.models import TATTOO_OPTIONS

tattoo_details = st.builds(
    TattooDetails, **{field: st.sampled_from(options) for field, options in TATTOO_OPTIONS.items()}
)


@st.composite
def observations(draw, max_session: int = 12) -> list[Observation]:
    sessions = sorted(draw(st.sets(st.integers(1, max_session), max_size=5)))
    return [
        Observation(session=s, improvement_percent=draw(st.floats(0, 100, allow_nan=False)))
        for s in sessions
    ]


@st.composite
def profiles(draw, condition: str | None = None, with_observations: bool = True) -> PatientProfile:
    cid = condition or draw(st.sampled_from(list(conditions())))
    spec = conditions()[cid]
    lasers = ["picosecond"] + (["q-switched"] if spec.qswitched else [])
    return PatientProfile(
        condition=cid,
        severity=draw(st.sampled_from(["mild", "moderate", "severe"])),
        fitzpatrick=draw(st.integers(1, 6)),
        goal_percent=draw(st.floats(1, 100, allow_nan=False)),
        laser=draw(st.sampled_from(lasers)),
        tattoo=draw(tattoo_details) if spec.graded_by_kirby_desai else None,
        observations=draw(observations()) if with_observations else [],
    )
