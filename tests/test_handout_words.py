"""The handout a patient reads at home is in plain words (issue 23): no study codes, none of
the model's jargon, and each medical term that has to stay explained in its glossary, in
every language."""

from __future__ import annotations

import html
import re

import pytest

from pico_widget import PatientProfile, clinical_note, conditions, estimate, handout_html
from pico_widget.i18n.wording import LANGUAGES, wording
from pico_widget.render.summary import warnings_html

# Words a patient cannot be expected to know: where the handout uses one, its glossary
# explains it (this list is the test's own, not the glossary's).
MEDICAL = {
    "en": ["post-inflammatory hyperpigmentation", "Fitzpatrick", "skin type", "mMASI",
           "Kirby-Desai", "ABNOM", "Q-switched", "picosecond", "toning", "SPF", "retinoid",
           "randomised", "case series", "meta-analysis", "atrophic", "macule", "fluence",
           "Nd:YAG", "dermal"],
    "zh-Hans": ["炎症后色素沉着", "Fitzpatrick", "皮肤类型", "mMASI", "Kirby-Desai", "ABNOM",
                "Q开关", "皮秒", "大光斑低能量治疗", "SPF", "维A酸", "随机对照", "病例系列",
                "荟萃分析", "凹陷性", "Nd:YAG"],
    "ms": ["hiperpigmentasi pasca-radang", "Fitzpatrick", "jenis kulit", "mMASI",
           "Kirby-Desai", "ABNOM", "Q-switched", "pikosaat", "toning", "SPF", "retinoid",
           "ujian klinikal rawak", "siri kes", "meta-analisis", "berlekuk", "Nd:YAG"],
}
# The model's and the statistician's words, which belong on the model page only.
NEVER = {
    "en": ["percentage point", "logit", "lambda", "prior", "likelihood", "quadrature",
           "out-of-sample", "left out", "fitted", "I²", "tau"],
    "zh-Hans": ["百分点", "logit", "lambda", "先验", "似然", "拟合"],
    "ms": ["mata peratusan", "logit", "lambda", "prior", "kebolehjadian", "dipadankan"],
}
STUDY_CODE = re.compile(r"\b[A-Z]{1,2}\d{1,2}\b")


def text_of(fragment: str) -> str:
    fragment = re.sub(r"<(style|script|svg|title)\b.*?</\1>", " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def parts(page: str) -> tuple[str, str, str]:
    """(what the patient reads, the glossary, the references) of a handout."""
    glossary = re.search(r'<section class="glossary">.*?</section>', page, flags=re.S)
    refs = re.search(r'<details class="pico-refs".*?</details>', page, flags=re.S)
    body = page
    for found in (glossary, refs):
        if found:
            body = body.replace(found.group(0), " ")
    return (text_of(body), text_of(glossary.group(0)) if glossary else "",
            text_of(refs.group(0)) if refs else "")


def handouts(language: str) -> list[tuple[str, str]]:
    """(case, handout) for every condition at a mild and a dark skin type, with a session
    recorded, and for the tattoo."""
    out = []
    for cid in conditions():
        tattoo = wording("default_tattoo", language="en") if cid == "tattoo" else None
        for fitzpatrick in (2, 5):
            profile = PatientProfile(condition=cid, severity="moderate", fitzpatrick=fitzpatrick,
                                     goal_percent=75, tattoo=tattoo,
                                     observations=[{"session": 1, "improvement_percent": 20}])
            out.append((f"{cid} {fitzpatrick}", handout_html(profile, language=language)))
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_handout_is_in_plain_words(language):
    explained = 0
    for case, page in handouts(language):
        body, glossary, refs = parts(page)
        assert not STUDY_CODE.findall(body + " " + refs), (language, case,
                                                           STUDY_CODE.findall(body + refs))
        for word in NEVER[language]:
            assert not re.search(rf"(?<![a-z]){re.escape(word)}", body + glossary,
                                 flags=re.I), (language, case, word)
        for term in MEDICAL[language]:
            if term.casefold() in body.casefold():
                assert term.casefold() in glossary.casefold(), (language, case, term)
                explained += 1
    assert explained


def test_glossary_lists_only_what_the_handout_says():
    """A short glossary: a term the handout does not use is not explained."""
    profile = PatientProfile(condition="solar_lentigines", severity="mild", fitzpatrick=2,
                             goal_percent=50)
    _body, glossary, _refs = parts(handout_html(profile))
    assert wording("glossary", "title", language="en") in glossary
    assert "Kirby-Desai" not in glossary and "mMASI" not in glossary
    assert "skin type" in glossary


@pytest.mark.parametrize("language", LANGUAGES)
def test_doctors_instructions_stay_off_the_patients_handout(language):
    """A slow response is cautioned on the handout in words for the patient; re-checking
    the diagnosis and settings is the doctor's task, on the screen and in the note only."""
    slow = PatientProfile(condition="nevus_of_ota", fitzpatrick=3, goal_percent=90,
                          observations=[{"session": 1, "improvement_percent": 2},
                                        {"session": 2, "improvement_percent": 4}])
    doctor = wording("warnings", "slow_response_doctor", language=language)
    patient = wording("warnings", "slow_response", language=language).split("{")[0]
    page = handout_html(slow, language=language)
    assert patient in page and doctor not in page
    assert doctor in clinical_note(slow, language=language)
    assert html.escape(doctor, quote=False) in warnings_html(estimate(slow), language)
