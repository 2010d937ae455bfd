"""PIH as honest as the chance (issue 30): the risk comes with its 80% band across clinics,
says where it rests on no study of the skin type and laser, and every surface that shows
the risk shows both, in every language."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings

from pico_widget import PatientProfile, clinical_note, estimate, handout_html
from pico_widget.core.evidence import rows
from pico_widget.i18n.wording import LANGUAGES, wording
from pico_widget.render.headline import answer, answer_html
from pico_widget.render.summary import summary_html
from pico_widget.render.templates import text_of
from tests.strategies import profiles


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_the_band_holds_the_risk_and_is_not_a_point(profile):
    fc = estimate(profile)
    low, high = fc.pih_band
    assert 0.0 <= low <= fc.pih_risk_percent <= high <= 100.0
    assert high - low >= 0.2 * fc.pih_risk_percent  # a clinic sd of 0 would give a point


def _covered(fitzpatrick: int, laser: str) -> bool:
    return any(fitzpatrick in r.fitzpatrick and r.laser == laser
               for r in rows(efficacy=False))


@pytest.mark.parametrize("laser", ["picosecond", "q-switched"])
@pytest.mark.parametrize("fitzpatrick", range(1, 7))
def test_extrapolated_exactly_where_no_pih_row_covers_the_skin_and_laser(fitzpatrick, laser):
    fc = estimate(PatientProfile(condition="solar_lentigines", fitzpatrick=fitzpatrick,
                                 laser=laser))
    assert fc.pih_extrapolated == (not _covered(fitzpatrick, laser))


def test_types_v_and_vi_with_picosecond_are_extrapolated():
    for fitzpatrick in (5, 6):
        assert not _covered(fitzpatrick, "picosecond")  # else this case tests nothing
        fc = estimate(PatientProfile(condition="nevus_of_ota", fitzpatrick=fitzpatrick))
        assert fc.pih_extrapolated
    assert not estimate(PatientProfile(condition="nevus_of_ota", fitzpatrick=3)).pih_extrapolated


DARK = PatientProfile(condition="nevus_of_ota", fitzpatrick=6)


def _texts(profile: PatientProfile, language: str) -> dict[str, str]:
    fc = estimate(profile)
    return {"headline": text_of(answer_html(answer(profile, fc, language))),
            "words": text_of(summary_html(profile, fc, language)),
            "handout": text_of(handout_html(profile, language=language)),
            "note": clinical_note(profile, date(2026, 12, 6), language=language)}


def _expected(profile: PatientProfile, language: str) -> tuple[list[str], str]:
    """The band as each surface words it, and the extrapolation's words (headline's)."""
    fc = estimate(profile)
    low, high = (round(x) for x in fc.pih_band)
    head = wording("headline", "pih_clinics", language=language).format(low=low, high=high)
    words = text_of(wording("summary", "pih_clinics", language=language).format(low=low, high=high))
    return [head, words], wording("headline", "pih_extrapolated", language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_surface_shows_the_band_and_says_where_it_is_an_estimate(language):
    head, words = _expected(DARK, language)[0]
    flag = _expected(DARK, language)[1]
    extrapolated = wording("summary", "pih_extrapolated", language=language)
    flag_words = text_of(extrapolated.format(fitzpatrick="VI"))
    shown = _texts(DARK, language)
    assert head in shown["headline"] and flag in shown["headline"]
    for surface in ("words", "handout", "note"):
        assert words in shown[surface], surface
        assert flag_words in shown[surface], surface
    assert head in shown["handout"] and flag in shown["handout"]  # its headline


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_covered_profile_shows_the_band_without_the_warning(language):
    covered = PatientProfile(condition="hori_nevus", fitzpatrick=4)
    (head, words), flag = _expected(covered, language)
    shown = _texts(covered, language)
    assert head in shown["headline"] and flag not in shown["headline"]
    flag_start = text_of(wording("summary", "pih_extrapolated", language=language)).split("{")[0]
    for surface in ("words", "handout", "note"):
        assert words in shown[surface], surface
        assert flag_start not in shown[surface], surface
