"""A clinic's review of a translation (issue 32): the PO file round-trips, corrections come
back line by line, a file that drops a placeholder or a glossary term changes nothing, and
the doctor (never the patient) is told while no clinician has signed a language off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pico_widget import PatientProfile, PicoWidget, handout_html
from pico_widget.i18n.review import ReviewError, export_po, import_po, review_of
from pico_widget.i18n.strings import entries
from pico_widget.i18n.wording import wording
from pico_widget.server.serve import main

LOCALES = Path(__file__).resolve().parents[1] / "pico_widget" / "data" / "locales"


@pytest.fixture
def copy_of(tmp_path):
    def make(language: str) -> Path:
        target = tmp_path / f"{language}.toml"
        shutil.copy(LOCALES / f"{language}.toml", target)
        return target
    return make


@pytest.mark.parametrize("language", ["zh-Hans", "ms"])
def test_the_review_file_round_trips(language, tmp_path, copy_of):
    po = tmp_path / "review.po"
    assert export_po(language, po) == len(entries(language))
    with open(po, "rb") as source:
        catalog = read_po(source)
    summary = next(m for m in catalog if m.context == "summary.pih")
    assert summary.id == wording("summary", "pih", language="en")
    assert summary.string == wording("summary", "pih", language=language)
    assert "Shown in: view, handout, note." in summary.auto_comments
    assert "Reviewer:" in catalog.header_comment and "Qualification:" in catalog.header_comment
    target = copy_of(language)
    assert import_po(po, locale_path=target) == ([], target)
    assert target.read_text("utf-8") == (LOCALES / f"{language}.toml").read_text("utf-8")


def test_a_correction_and_the_reviewer_come_back_line_by_line(tmp_path, copy_of):
    po, target = tmp_path / "ms.po", copy_of("ms")
    export_po("ms", po)
    text = po.read_text("utf-8")
    review = review_of("ms")
    assert review is not None and not review.clinician
    text = text.replace(f"Reviewer: {review.reviewer}", "Reviewer: Dr Aminah (test)")
    text = text.replace("Clinician sign-off (yes/no): no", "Clinician sign-off (yes/no): yes")
    text = text.replace('msgstr "Kenapa?"', 'msgstr "Mengapa?"')
    po.write_text(text, "utf-8")
    assert import_po(po, locale_path=target).changed == ["disclaimer_more"]
    before = (LOCALES / "ms.toml").read_text("utf-8").splitlines()
    after = target.read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [('disclaimer_more = "Kenapa?"', 'disclaimer_more = "Mengapa?"'),
                       (f'reviewer = "{review.reviewer}"', 'reviewer = "Dr Aminah (test)"'),
                       ("clinician = false", "clinician = true")]


@pytest.mark.parametrize(("old", "new", "why"), [
    ('msgstr "{reach} daripada 100"', 'msgstr "daripada 100"', "drops {reach}"),
    ('msgstr "Pesakit tipikal"', 'msgstr "Pesakit biasa"', "breaks the glossary"),
])
def test_a_file_that_drops_a_placeholder_or_a_term_changes_nothing(old, new, why, tmp_path,
                                                                   copy_of):
    po, target = tmp_path / "ms.po", copy_of("ms")
    export_po("ms", po)
    text = po.read_text("utf-8")
    assert old in text
    po.write_text(text.replace(old, new).replace('msgstr "Kenapa?"', 'msgstr "Mengapa?"'),
                  "utf-8")
    before = target.read_text("utf-8")
    with pytest.raises(ReviewError, match=why):
        import_po(po, locale_path=target)
    assert target.read_text("utf-8") == before


def test_the_command_line_exports_and_refuses_with_a_sentence(tmp_path, capsys):
    po = tmp_path / "zh.po"
    with pytest.raises(SystemExit) as done:
        main(["translations", "export", "--language", "zh-Hans", str(po)])
    assert done.value.code == 0 and po.exists()
    po.write_text(po.read_text("utf-8").replace('msgstr "100人中{reach}人"', 'msgstr "100人中"'),
                  "utf-8")
    with pytest.raises(SystemExit) as done:
        main(["translations", "import", str(po)])
    assert done.value.code == 2
    assert "drops {reach}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        main(["translations", "export", "--language", "ms", str(tmp_path / "none" / "ms.po")])
    assert done.value.code == 2
    assert f"{tmp_path}/none/ms.po cannot be written" in capsys.readouterr().err


@pytest.mark.parametrize("language", ["zh-Hans", "ms"])
def test_the_doctor_not_the_patient_is_told_the_translation_is_unreviewed(language):
    note = wording("labels", "unreviewed", language=language)
    assert review_of(language) is not None and not review_of(language).clinician
    assert note in PicoWidget(language=language).take_home.unreviewed.value
    assert PicoWidget(language="en").take_home.unreviewed.value == ""
    page = handout_html(PatientProfile(condition="melasma", fitzpatrick=4), language=language)
    assert note not in page
