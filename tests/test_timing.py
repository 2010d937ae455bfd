"""One timing: the headline's course length, the summary, the cautions and the handout never
state a course in different figures or units (issue 23: "~11 months" beside "a full course
often takes 1-2 years"), in every language."""

from __future__ import annotations

import html
import re
import string
from datetime import date

import pytest

from pico_widget import PatientProfile, conditions, estimate, handout_html
from pico_widget.i18n.formats import long_date
from pico_widget.i18n.problems import caution_sentence
from pico_widget.i18n.wording import LANGUAGES, condition_words, wording
from pico_widget.render.headline import answer
from pico_widget.render.summary import sentences

# A number or range followed by a unit of time, per language.
UNITS = {"en": {"weeks": "weeks?", "months": "months?", "years": "years?"},
         "zh-Hans": {"weeks": "周", "months": "个月", "years": "年"},
         "ms": {"weeks": "minggu", "months": "bulan", "years": "tahun"}}
GOALS = (30, 50, 75, 90, 100)


def durations(text: str, language: str) -> list[tuple[int, int, str]]:
    """(low, high, unit) for each "8-24 weeks", "约6个月", "12 minggu", "10+ months" in
    `text`."""
    found = []
    for unit, word in UNITS[language].items():
        for m in re.finditer(rf"(\d+)(?:\s*[-\u2013]\s*(\d+))?\+?\s*{word}(?![a-z])", text):
            low = int(m.group(1))
            found.append((low, int(m.group(2) or low), unit))
    return found


def visible(page: str) -> str:
    page = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def profiles() -> list[PatientProfile]:
    out = []
    for cid in conditions():
        tattoo = wording("default_tattoo", language="en") if cid == "tattoo" else None
        out += [PatientProfile(condition=cid, severity="moderate", fitzpatrick=4,
                               goal_percent=g, tattoo=tattoo) for g in GOALS]
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_course_length_is_the_headlines(language):
    """Every stretch of time a patient reads is either the interval between sessions (in
    weeks, as the headline's caption) or the headline's own course length, same unit."""
    checked = 0
    for profile in profiles():
        fc = estimate(profile)
        time = next(f for f in answer(profile, fc, language).figures if f.key == "time")
        texts = [caution_sentence(c, language) for c in fc.cautions]
        texts += [visible(str(s)) for s in sentences(profile, fc, language)]
        page = visible(handout_html(profile, language=language))
        texts.append(page.replace(long_date(date.today(), language), " "))
        headline = durations(f"{time.value} {time.unit}", language)
        allowed = {(n, n, "weeks") for n in (*fc.interval_weeks, fc.usual_interval_weeks)}
        allowed.add((*fc.interval_weeks, "weeks"))
        allowed |= set(headline)
        for text in texts:
            for found in durations(text, language):
                assert found in allowed, (profile.condition, profile.goal_percent, language,
                                          found, headline, text[:300])
                checked += found in headline
    assert checked  # the cautions and summary do quote the headline's course somewhere


def test_no_condition_states_a_course_of_its_own():
    """A condition's caution quotes the course through {course} and the interval through
    {usual} or {interval_low}-{interval_high}: it holds no stretch of time as a figure."""
    for language in LANGUAGES:
        for cid in conditions():
            for text in condition_words(cid, language).caveats:
                assert durations(text, language) == [], (language, cid, text)


def test_caveats_keep_the_english_placeholders():
    """A translated caution fills in the same timing as the English one."""
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for language in LANGUAGES:
        for cid in conditions():
            own = condition_words(cid, language).caveats
            english = condition_words(cid, "en").caveats
            assert [fields(t) for t in own] == [fields(t) for t in english], (language, cid)
