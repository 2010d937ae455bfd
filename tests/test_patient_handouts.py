"""The handout read as a patient reads it (issue 32), in each language, for lentigines,
melasma, nevus of Ota and a tattoo: none of the wrong phrasings the bilingual review
found, no English word left where the patient reads, and the same numbers as the
English handout."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import date

import pytest

from pico_widget import PatientProfile, handout_html
from pico_widget.i18n.formats import long_date
from pico_widget.i18n.wording import wording

DAY = date(2026, 11, 25)
CLINIC = {"name": "Klinik Kulit Sentosa", "phone": "03-1234 5678", "price_per_session": 450,
          "currency": "MYR"}
CASES = {
    "lentigines": {"condition": "solar_lentigines", "severity": "moderate", "fitzpatrick": 4,
                   "goal_percent": 75},
    "melasma": {"condition": "melasma", "severity": "moderate", "fitzpatrick": 4,
                "goal_percent": 50, "observations": [{"session": 1,
                                                      "improvement_percent": 15}]},
    "ota": {"condition": "nevus_of_ota", "severity": "moderate", "fitzpatrick": 4,
            "goal_percent": 90, "laser": "q-switched"},
    "tattoo": {"condition": "tattoo", "fitzpatrick": 3, "goal_percent": 95,
               "tattoo": {"location": "distal_extremity", "colours": "black_red_other",
                          "ink": "significant", "layering": "cover_up"}},
}
# What the review found, and what must not come back (the doctor's instruction included).
WRONG = {
    "en": ["Review the diagnosis", "q-switched", "RM 4", "Chance of darker"],
    "zh-Hans": ["次治疗前达到", "次前达到", "激光嫩肤", "色斑加深", "的机会\uff1a约",
                "重新检查诊断", "重新核对诊断", "晒斑", "q开关", "location", "head_neck"],
    "ms": ["jeragat", "sejuta daripada sejuta", "berhenti pada", "berhenti di bawah",
           "Jelas", "; diterima", "pesakit biasa", "Peluang tompok", "Semak semula diagnosis",
           "RM 4", "tidak pernah mencapai"],
}
# Words the translated handout keeps from English on purpose: names, units and scores.
KEPT = {"pico", "widget", "laser", "model", "spf", "fitzpatrick", "kirby", "desai", "mmasi",
        "abnom", "q", "switched", "nd", "yag", "hori", "ota", "glogau", "toning", "nm",
        "rm", "myr", "klinik", "kulit", "sentosa", "retinoid", "tretinoin", "café", "au",
        "lait", "s", "i", "ii", "iii", "iv", "v", "vi",
        # the same word in Malay (lentigo solar, melasma, nevus Ota, vitamin A; 维A酸)
        "solar", "melasma", "nevus", "vitamin", "a"}


def patient_text(page: str, language: str) -> str:
    """What the patient reads: the page's text without its scripts, styles, the chart
    drawings, the references (in English by design, with a note saying so) and the date."""
    page = re.sub(r"<(style|script|svg|title)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<details class="pico-refs".*?</details>', " ", page, flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return text.replace(long_date(DAY, language), " ")


def handout(case: str, language: str) -> str:
    return patient_text(handout_html(PatientProfile(**CASES[case]), today=DAY,
                                     language=language, clinic=CLINIC), language)


def numbers(text: str) -> Counter[str]:
    """The numbers in a text, as values ('1,350' and '1350' alike)."""
    return Counter(n.replace(",", "") for n in re.findall(r"\d+(?:[,.]\d+)*", text))


def words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("language", ["en", "zh-Hans", "ms"])
def test_none_of_the_wrong_phrasings_the_review_found(language, case):
    text = handout(case, language)
    assert [wrong for wrong in WRONG[language] if wrong in text] == []


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("language", ["zh-Hans", "ms"])
def test_no_english_word_is_left_where_the_patient_reads(language, case):
    """A word of the English handout that appears in the translation is a string left in
    English (Malay shares the Latin script, so the test compares with the English
    handout's own words rather than with a dictionary)."""
    left = (words(handout(case, language)) & words(handout(case, "en"))) - KEPT
    assert left == set()


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("language", ["zh-Hans", "ms"])
def test_every_number_matches_the_english_handouts(language, case):
    assert numbers(handout(case, language)) == numbers(handout(case, "en"))


def test_the_checks_can_fail():
    """The number check sees a changed figure; the word check an English sentence."""
    english = handout("lentigines", "en")
    assert numbers(english.replace("9 in 10", "8 in 10", 1)) != numbers(english)
    assert words(wording("summary", "never", language="en")) & words(english) - KEPT


def test_the_printed_chance_chart_numbers_the_session_the_headline_names() -> None:
    """Past 12 sessions the paper chart numbers every second bar; the tattoos' headlines
    name sessions 13 and 15, which went unnumbered on paper."""
    from pico_widget import estimate, teaching_cases
    from pico_widget.render.charts import LABELS_EVERY_BAR, probability_figure
    from pico_widget.render.handout import paper_chance
    from pico_widget.render.headline import headline

    long = [c.profile for c in teaching_cases()
            if estimate(c.profile).max_sessions > LABELS_EVERY_BAR]
    assert long  # the check below has cases to check
    for profile in long:
        fc = estimate(profile)
        named = headline(fc).session
        figure = paper_chance(probability_figure(fc, "en"), "en", named=named)
        numbered = [a["x"] for a in figure["layout"]["annotations"]]
        assert named in numbered, (profile.condition, named, numbered)
        assert len(numbered) <= len(figure["data"][0]["x"]) // 2 + 1  # still uncrowded
