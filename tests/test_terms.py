"""One term, one translation (issue 32): every string whose English has a glossary term
uses that term's one translation, and none of the translations rejected for it."""

from __future__ import annotations

import pytest

from pico_widget.i18n.strings import entries
from pico_widget.i18n.terms import glossary, term_problems

OTHERS = ("zh-Hans", "ms")
# The review named these as worded two ways; each must stay in the glossary.
NAMED = {"typical", "by_session", "never", "level_off", "across_clinics"}


@pytest.mark.parametrize("language", OTHERS)
def test_every_string_uses_the_glossarys_one_translation(language):
    broken = {e.key: term_problems(language, e.english, e.translated)
              for e in entries(language)}
    assert {key: why for key, why in broken.items() if why} == {}


@pytest.mark.parametrize("language", OTHERS)
def test_the_terms_the_review_named_are_in_the_glossary(language):
    assert {term.name for term in glossary(language)} >= NAMED


def test_a_second_wording_of_a_term_is_caught():
    """The check can fail: the Malay 'typical' as 'biasa', the Chinese 'by session k'
    as 'before it', the Malay 'level off' as 'stop'."""
    assert term_problems("ms", "typical patient", "pesakit biasa")
    assert not term_problems("ms", "typical patient", "pesakit tipikal")
    assert not term_problems("ms", "typical patient", "pesakit tipikal, biasanya")
    assert term_problems("zh-Hans", "reach it by session {k}", "在第{k}次治疗前达到")
    assert term_problems("ms", "half level off at {ceiling}%", "separuh berhenti pada")
    assert not term_problems("ms", "{pih}%", "{pih}%")  # a placeholder is not the term
