"""Every language has every sentence, with the same placeholders; the core speaks each one."""

from __future__ import annotations

import html
import string
from datetime import date
from typing import Any

import pytest

from pico_widget import Observation, PatientProfile, estimate
from pico_widget.core.catalogue import conditions
from pico_widget.i18n.formats import join, long_date, money, plural
from pico_widget.i18n.problems import caution_sentence
from pico_widget.i18n.wording import (
    DATA_SECTIONS,
    LANGUAGES,
    LOCALE_ONLY,
    REPLACED_SECTIONS,
    condition_words,
    english,
    language_names,
    locale_file,
    wording,
)
from pico_widget.render.handout import handout_html
from pico_widget.render.headline import answer
from pico_widget.render.note import clinical_note
from pico_widget.render.summary import sentences, strength_text

OTHERS = [code for code in LANGUAGES if code != "en"]
MELASMA = PatientProfile(condition="melasma", severity="moderate", fitzpatrick=5,
                         goal_percent=75, observations=[{"session": 1,
                                                         "improvement_percent": 20}])


def fields(text: str) -> set[str]:
    """The placeholder names in a format string ({goal:.0f} -> goal)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def leaves(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted key -> string (or list of strings): the wording a translator writes. Numbers
    and booleans are data, taken from English."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out |= leaves(value, f"{path}.")
        elif isinstance(value, str) or (isinstance(value, list)
                                        and all(isinstance(v, str) for v in value)):
            out[path] = value
    return out


def wording_of(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items()
            if k not in DATA_SECTIONS + REPLACED_SECTIONS + LOCALE_ONLY}


@pytest.mark.parametrize("language", OTHERS)
def test_every_english_key_is_translated_with_the_same_placeholders(language):
    ours, theirs = leaves(wording_of(english())), leaves(wording_of(locale_file(language)))
    assert sorted(set(ours) - set(theirs)) == [], "missing in " + language
    assert sorted(set(theirs) - set(ours)) == [], "not in English: " + language
    for key, text in ours.items():
        mine = theirs[key]
        assert type(mine) is type(text), key
        if isinstance(text, list):
            assert len(mine) == len(text), key
            pairs = list(zip(text, mine, strict=True))
        else:
            pairs = [(text, mine)]
        for en, other in pairs:
            assert fields(other) == fields(en), f"{language} {key}: {other!r}"
            assert other.strip() or not en.strip(), f"{language} {key} is empty"


@pytest.mark.parametrize("language", OTHERS)
def test_tables_whose_keys_are_words_keep_the_values(language):
    """The quartile bands are translated labels over the same recorded values."""
    for section in REPLACED_SECTIONS:
        assert list(locale_file(language)[section].values()) == list(english()[section].values())
        assert wording(section, language=language) == locale_file(language)[section]


@pytest.mark.parametrize("language", OTHERS)
def test_every_condition_is_translated_in_full(language):
    own = locale_file(language)["conditions"]
    assert set(own) == set(conditions())
    for cid, spec in conditions().items():
        words = own[cid]
        assert set(words) <= {"label", "in_sentence", "group", "population", "caveats",
                              "severity"}
        assert {"label", "group", "population", "caveats"} <= set(words), cid
        assert len(words["caveats"]) == len(spec.caveats), cid
        assert set(words.get("severity", {})) == set(spec.severity or {}), cid
        assert condition_words(cid, language).label == words["label"]
        # Mid-sentence the name keeps its capitals where the language has them.
        assert condition_words(cid, language).in_sentence == words.get("in_sentence",
                                                                       words["label"])


def test_a_condition_named_mid_sentence_keeps_its_proper_names():
    """Lowercased, 'Nevus of Ota' read 'nevus of ota'; left as it is, 'For Nevus of Ota'.
    (A slow first session brings the 'most never reach' caution that names the condition:
    since model 2026.12-7 fewer than half never reach 90% before any session.)"""
    ota = PatientProfile(condition="nevus_of_ota", fitzpatrick=4, goal_percent=90,
                         observations=[Observation(session=1, improvement_percent=10)])
    assert "untuk nevus Ota dengan" in caution_sentence(estimate(ota).cautions[0], "ms")
    assert answer(ota, estimate(ota), "en").who.startswith("For nevus of Ota, skin type IV")
    assert answer(ota, estimate(ota), "ms").who.startswith("Untuk nevus Ota, jenis kulit IV")


@pytest.mark.parametrize("language", OTHERS)
def test_strings_for_clinician_review_are_marked_and_exist(language):
    review = locale_file(language)["review"]
    assert review["reason"].strip()
    known = set(leaves(wording_of(english()))) | {f"conditions.{c}" for c in conditions()}
    for key in review["keys"]:
        assert key == "conditions" or any(k == key or k.startswith(key + ".") for k in known), key


def test_each_language_names_itself_in_its_own_script():
    assert language_names() == {"en": "English", "zh-Hans": "中文", "ms": "Bahasa Melayu"}


def test_plurals_follow_each_language():
    def studies(n: int, language: str) -> str:
        return plural("evidence", "short", n, language, grade="g", patients=9, designs="d")

    assert studies(1, "en") == "g (1 study, 9 patients; d)"
    assert studies(2, "en") == "g (2 studies, 9 patients; d)"
    assert studies(2, "ms") == "g (2 kajian, 9 pesakit; d)"
    assert studies(1, "ms") == "g (1 kajian, 9 pesakit; d)"
    assert "2项研究" in studies(2, "zh-Hans")


def test_lists_and_prices_in_each_locales_style():
    """From CLDR (Babel): Chinese joins with 、 and Malaysia writes RM450, no space."""
    assert join(["a", "b", "c"], "en") == "a, b and c"
    assert join(["a", "b", "c"], "zh-Hans") == "a、b和c"
    assert join(["a", "b", "c"], "ms") == "a, b dan c"
    assert money(450, "MYR", "ms") == "RM450" and money(1350, "MYR", "en") == "RM1,350"
    assert money(12.5, "RM", "ms") == "RM12.50"
    cal = PatientProfile(condition="cafe_au_lait", fitzpatrick=3)
    assert "荟萃分析、随机对照试验和病例系列" in strength_text(estimate(cal), "zh-Hans")


def test_dates_in_each_locales_style():
    day = date(2026, 3, 5)
    assert long_date(day, "en") == "5 March 2026"
    assert long_date(day, "ms") == "5 Mac 2026"
    assert long_date(day, "zh-Hans") == "2026年3月5日"


def test_unknown_language_is_refused_with_the_offered_ones():
    with pytest.raises(ValueError, match="zh-Hans"):
        handout_html(MELASMA, language="fr")


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["patients like this", "never reach"]),
    ("zh-Hans", ["位这样的患者", "始终达不到", "黄褐斑"]),
    ("ms", ["pesakit seperti ini", "tidak akan mencapai", "sesi"]),
])
def test_summary_warnings_and_note_in_each_language(language, words):
    fc = estimate(MELASMA)
    text = " ".join(sentences(MELASMA, fc, language)
                    + [caution_sentence(c, language) for c in fc.cautions])
    for word in words:
        assert word in text
    note = clinical_note(MELASMA, today=date(2026, 11, 25), language=language)
    assert words[0] in note and "M3" in note


def test_the_forecast_carries_codes_and_each_language_words_them():
    """estimate() speaks no language: the cautions are codes, worded at the edge."""
    fc = estimate(MELASMA)
    english = [caution_sentence(c, "en") for c in fc.cautions]
    assert english == fc.warnings  # the public English reading
    for language in OTHERS:
        worded = [caution_sentence(c, language) for c in fc.cautions]
        assert len(worded) == len(english)
        assert all(w != e for w, e in zip(worded, english, strict=True))
        assert estimate(MELASMA) == fc


def test_note_defaults_to_english_the_records_language():
    assert clinical_note(MELASMA, today=date(2026, 11, 25)) == clinical_note(
        MELASMA, today=date(2026, 11, 25), language="en")
    assert "Forecast:" in clinical_note(MELASMA)


@pytest.mark.parametrize(("language", "title", "day"), [
    ("zh-Hans", "您的皮秒激光治疗计划", "2026年11月25日"),
    ("ms", "Pelan laser pikosaat anda", "25 November 2026"),
    ("en", "Your picosecond laser plan", "25 November 2026"),
])
def test_handout_in_each_language(language, title, day):
    page = handout_html(MELASMA, today=date(2026, 11, 25), language=language)
    assert f'<html lang="{language}">' in page
    assert title in page and day in page
    for item in wording("handout", "aftercare", language=language):
        assert item.split("(")[0][:12] in page
    if language != "en":
        assert wording("labels", "english_only", language=language) in page
        assert "Your picosecond laser plan" not in page


@pytest.mark.parametrize("language", OTHERS)
def test_every_teaching_case_is_translated(language):
    from pico_widget.core.cases import teaching_cases

    own = locale_file(language)["teaching_cases"]
    assert len(own["titles"]) == len(own["points"]) == len(teaching_cases())
    assert all(t.strip() for t in own["titles"] + own["points"])


def test_where_the_typical_patient_falls_short_every_language_says_how():
    """The headline, the words and the compare line name the typical patient's outcome
    (Forecast.typical_outcome) in every language, never a bare 'None' or 'n/a': a count,
    'N+' when they reach the goal only after the sessions shown, words when most never do
    or under 1 in 20 do."""
    from pico_widget.render.headline import answer
    from pico_widget.render.summary import summary_html

    cases = {"reaches": 50, "later": 95, "never": 70, "rare": 97}
    for outcome, goal in cases.items():
        condition = "nevus_of_ota" if outcome == "later" else "melasma"
        profile = PatientProfile(condition=condition, severity="severe" if outcome == "later"
                                 else "moderate", fitzpatrick=4 if outcome == "later" else 3,
                                 goal_percent=goal, laser="q-switched"
                                 if outcome == "later" else "picosecond")
        fc = estimate(profile)
        assert fc.typical_outcome == outcome, (outcome, fc.reach_percent, fc.never_percent)
        for language in LANGUAGES:
            sessions = answer(profile, fc, language).figures[0]
            words = summary_html(profile, fc, language, compare=("X", fc))
            phrase = wording("summary", f"compare_{outcome}", language=language).format(
                median=fc.sessions_median, horizon=fc.max_sessions)
            assert html.escape(phrase, quote=False) in words, (outcome, language)
            assert "None" not in words and "n/a" not in words
            if outcome == "later":
                assert sessions.value == f"{fc.max_sessions}+"
                beyond = wording("summary", "range_beyond", language=language).split("{")[0]
                assert beyond in words, (language, words)
            elif outcome == "never":
                assert sessions.value == wording("headline", "sessions_never", language=language)


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Q-switched laser"), ("zh-Hans", "Q开关激光"), ("ms", "laser Q-switched")])
def test_a_laser_named_mid_sentence_keeps_its_capital(language, said):
    """'q-switched' and 'q开关' were the laser's name lower-cased in the headline and the
    summary; the Q stands for a word of its own."""
    ota = PatientProfile(condition="nevus_of_ota", fitzpatrick=4, goal_percent=75,
                         laser="q-switched")
    fc = estimate(ota)
    assert said in answer(ota, fc, language).who
    assert said in html.unescape(sentences(ota, fc, language)[0].striptags())


@pytest.mark.parametrize(("language", "field", "option"), [
    ("en", "Tattoo location", "“Head or neck”"), ("zh-Hans", "纹身部位", "“头部或颈部”"),
    ("ms", "Lokasi tatu", "“Kepala atau leher”")])
def test_a_refused_tattoo_detail_names_its_field_and_options_in_words(language, field,
                                                                       option):
    """A case file's bad tattoo detail read '纹身location ... head_neck, upper_trunk ...'."""
    from pydantic import ValidationError

    from pico_widget.i18n.problems import explain

    with pytest.raises(ValidationError) as caught:
        PatientProfile.model_validate({"condition": "tattoo", "fitzpatrick": 3, "tattoo": {
            "location": "neck", "colours": "black", "ink": "moderate"}})
    said = explain(caught.value, language, plain=True)
    assert said.startswith(field) and option in said
    assert "head_neck" not in said and "upper_trunk" not in said
    assert "location" not in said or language == "en"
