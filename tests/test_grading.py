"""Each study's grading (evidence.toml [grading]) and the fit's offset per grading (issue 30)."""

from __future__ import annotations

from unittest import mock

import pytest

from pico_widget.core.catalogue import catalogue, fitted
from pico_widget.core.evidence import REFERENCE_GRADING, evidence, grading, rows
from pico_widget.fit import calibrate


def _row(row_id: str):
    return next(r for r in rows() if r.id == row_id)


def test_every_study_with_efficacy_rows_states_how_it_graded():
    studies = {r.source for r in rows(efficacy=True)}
    assert studies <= set(evidence().grading)


def test_a_study_outside_the_evidence_is_read_as_the_reference():
    outside = _row("O6").model_copy(update={"source": "not-a-study"})
    assert grading(outside) == REFERENCE_GRADING


def test_a_grading_offset_moves_only_the_rows_so_graded():
    """O6's named grades (cut-offs not given) read higher with a positive offset; O11-all
    (over 95% clearance, stated) is the reference and does not move."""
    shipped = fitted().conditions["nevus_of_ota"]
    lenient = shipped.model_copy(update={"grading": {"named": 0.5}})
    o6, o11 = _row("O6"), _row("O11-all")
    assert grading(o6) == "named" and grading(o11) == REFERENCE_GRADING
    before, after = calibrate.predict(o6, shipped), calibrate.predict(o6, lenient)
    assert all(b < a for b, a in zip(before[:3], after[:3], strict=True))
    assert calibrate.predict(o11, lenient) == calibrate.predict(o11, shipped)


@pytest.fixture
def offsets_on():
    on = catalogue().model_copy(update={"model": catalogue().model.model_copy(
        update={"grading_offsets": True})})
    calibrate.gradings.cache_clear()
    with mock.patch.object(calibrate, "catalogue", lambda: on):
        yield
    calibrate.gradings.cache_clear()


def test_the_shipped_model_fits_no_grading_offset():
    calibrate.gradings.cache_clear()
    assert all(not calibrate.gradings(cid) for cid in catalogue().conditions)
    assert all(not c.grading for c in fitted().conditions.values())


def test_with_the_switch_on_a_grading_has_an_offset_where_the_reference_is_beside_it(
        offsets_on):
    """Nevus of Ota has rows of both; acne scars only clinical scores, so nothing to hold a
    score's offset against (it would be the ceiling itself)."""
    assert calibrate.gradings("nevus_of_ota") == ("named",)
    assert calibrate.gradings("acne_scars") == ()
    names = [p.name for p in calibrate.condition_params("nevus_of_ota")]
    assert names[-1] == "grading_named"
    theta = calibrate.condition_theta("nevus_of_ota", fitted().conditions["nevus_of_ota"])
    theta[-1] = -0.4
    back = calibrate.to_condition("nevus_of_ota", theta)
    assert back.grading == {"named": -0.4}
    assert "grading = { named = -0.4 }" in calibrate.fitted_toml(
        fitted().model_copy(update={"conditions": {**fitted().conditions,
                                                   "nevus_of_ota": back}}))
