"""Each study's grading (evidence.toml [grading]) and the fit's offset per grading (issue 30)."""

from __future__ import annotations

from unittest import mock

import pytest

from pico_widget.core.catalogue import FittedClinic, ModelSettings, catalogue, fitted
from pico_widget.core.evidence import REFERENCE_GRADING, evidence, grading, rows
from pico_widget.fit import calibrate, nested


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
        update={"grading_offsets": True, "grading_offsets_hold_clinic": False})})
    calibrate._gradings.cache_clear()
    with mock.patch.object(calibrate, "catalogue", lambda: on):
        yield
    calibrate._gradings.cache_clear()


def test_the_shipped_model_fits_no_grading_offset():
    calibrate._gradings.cache_clear()
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


@pytest.fixture
def held():
    """grading_offsets and grading_offsets_hold_clinic on."""
    on = catalogue().model_copy(update={"model": catalogue().model.model_copy(
        update={"grading_offsets": True, "grading_offsets_hold_clinic": True})})
    calibrate._gradings.cache_clear()
    with mock.patch.object(calibrate, "catalogue", lambda: on):
        yield
    calibrate._gradings.cache_clear()


def test_holding_the_clinic_sds_needs_the_grading_offsets():
    settings = catalogue().model.model_dump()
    with pytest.raises(ValueError, match="needs grading_offsets"):
        ModelSettings.model_validate(settings | {"grading_offsets": False,
                                                 "grading_offsets_hold_clinic": True})


def _record_fit_efficacy() -> tuple[list[bool], list[bool], FittedClinic, FittedClinic]:
    """Run fit_efficacy with its two blocks replaced by recorders: whether each condition
    fit and each clinic fit saw nevus of Ota's grading offset, the last clinic fitted and
    the clinic returned."""
    condition_saw, clinic_saw, clinics = [], [], []

    def fit_condition(cid, clinic, leave_out=(), start=None, relaxed=()):
        condition_saw.append(bool(calibrate.gradings("nevus_of_ota")))
        return fitted().conditions[cid]

    def fit_clinic(fits, start, leave_out=()):
        clinic_saw.append(bool(calibrate.gradings("nevus_of_ota")))
        clinics.append(start.model_copy(update={"rate_sd": start.rate_sd * 1.1}))
        return clinics[-1]

    with (mock.patch.object(calibrate, "fit_condition", fit_condition),
          mock.patch.object(calibrate, "fit_clinic", fit_clinic)):
        clinic, _ = calibrate.fit_efficacy()
    return condition_saw, clinic_saw, clinics[-1], clinic


def test_held_clinic_sds_come_from_the_fit_without_grading_offsets(held):
    """The alternation runs as with the switch off; then one more round of the conditions
    with their offsets, at the clinic sds it found, which are not fitted again."""
    n, rounds = len(catalogue().conditions), calibrate.CLINIC_ROUNDS
    condition_saw, clinic_saw, last, returned = _record_fit_efficacy()
    assert clinic_saw == [False] * rounds
    assert condition_saw == [False] * (rounds + 1) * n + [True] * n
    assert returned == last
    assert calibrate.gradings("nevus_of_ota") == ("named",)  # back on after the fit


def test_without_the_hold_the_offsets_are_fitted_with_the_clinic_sds(offsets_on):
    n, rounds = len(catalogue().conditions), calibrate.CLINIC_ROUNDS
    condition_saw, clinic_saw, _, _ = _record_fit_efficacy()
    assert clinic_saw == [True] * rounds
    assert condition_saw == [True] * (rounds + 1) * n


def test_a_held_fold_fits_its_clinic_sds_without_the_offsets(held):
    """Inside a nested fold, the clinic sds are refitted from the condition fitted without
    its grading offsets; the fold's condition (at the full fit's clinic sds and at the
    fold's) has them."""
    shipped, seen = fitted(), []

    def fit_condition(cid, clinic, leave_out=(), start=None, relaxed=()):
        return shipped.conditions[cid].model_copy(
            update={"grading": {g: 0.1 for g in calibrate.gradings(cid)}})

    class Others:
        def refit_clinic(self, cid, params, leave_out, start):
            seen.append(params.grading)
            return start.model_copy(update={"ceiling_sd": 2 * start.ceiling_sd})

    with mock.patch.object(nested, "fit_condition", fit_condition):
        fold = nested.nested_fold(shipped, "nevus_of_ota", "O6", Others())
    assert seen == [{}]
    assert fold.params.grading == fold.at_full_clinic.grading == {"named": 0.1}
    assert fold.clinic.ceiling_sd == 2 * shipped.clinic.ceiling_sd


def test_the_grid_of_a_held_fit_is_refitted_without_offsets(held):
    """fit_without_offsets drops the offsets and keeps the clinic sds (one condition, a
    real refit from the fit with an offset)."""
    shipped = fitted()
    ota = shipped.conditions["nevus_of_ota"].model_copy(update={"grading": {"named": -0.5}})
    one = shipped.model_copy(update={"conditions": {"nevus_of_ota": ota}})
    base = calibrate.fit_without_offsets(one)
    assert base.clinic == shipped.clinic
    assert base.conditions["nevus_of_ota"].grading == {}
    assert calibrate.gradings("nevus_of_ota") == ("named",)
