"""The data file: complete, cited, and in step with EVIDENCE.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pico_widget import conditions
from pico_widget.core.catalogue import catalogue

CONTRACT_IDS = [
    "solar_lentigines",
    "melasma",
    "nevus_of_ota",
    "hori_nevus",
    "cafe_au_lait",
    "pih",
    "acne_scars",
    "wrinkles",
    "tattoo",
]
# The project's evidence sheet, carried in the checkout so the tests need nothing beside
# it; the copy is checked against shared/ wherever that sits beside the checkout (CI).
EVIDENCE = Path(__file__).resolve().parents[1] / "docs" / "evidence-sheet.md"
SHARED_EVIDENCE = Path(__file__).resolve().parents[2] / "shared" / "evidence" / "EVIDENCE.md"


def test_the_nine_conditions():
    assert list(conditions()) == CONTRACT_IDS


@pytest.mark.parametrize("cid", CONTRACT_IDS)
def test_every_condition_is_cited(cid):
    spec = conditions()[cid]
    assert spec.sources, f"{cid} cites no evidence row"
    for key, basis in spec.basis.items():
        assert basis.sources or basis.judgement, f"{cid}.{key} is neither cited nor a judgement"


def test_recognised_severity_scales():
    scales = {cid: spec.severity_scale for cid, spec in conditions().items()}
    assert "mMASI" in scales["melasma"]
    assert "Goodman & Baron" in scales["acne_scars"]
    assert "Glogau" in scales["wrinkles"]
    assert "Kirby-Desai" in scales["tattoo"]
    assert "Grade 4" in conditions()["acne_scars"].severity["severe"].label


def test_caveats_from_the_evidence():
    assert any("returns" in c for c in conditions()["melasma"].caveats)
    assert any("13-26%" in c for c in conditions()["cafe_au_lait"].caveats)
    assert any("Red, yellow" in c for c in conditions()["tattoo"].caveats)


def test_cited_rows_exist_in_evidence_sheet_or_say_where_they_were_read():
    from pico_widget.core.evidence import evidence

    text = EVIDENCE.read_text("utf-8")
    rows = set(re.findall(r"\|\s*([A-Z]\d+)\s*\|", text)) | set(re.findall(r"\b([A-Z]\d+)\b", text))
    searched = set(evidence().searched)
    missing = set(catalogue().references) - rows - searched
    assert not missing, f"cited rows not found in EVIDENCE.md: {sorted(missing)}"
    assert not searched & rows, "a searched study is on the evidence sheet: cite it as such"
    assert searched <= set(catalogue().references)


@pytest.mark.skipif(not SHARED_EVIDENCE.exists(), reason="no shared/ beside this checkout")
def test_the_carried_evidence_sheet_is_the_shared_one():
    assert EVIDENCE.read_text("utf-8") == SHARED_EVIDENCE.read_text("utf-8"), (
        f"copy {SHARED_EVIDENCE} to {EVIDENCE}")


def test_model_page_is_current():
    from pico_widget.render.model_page import model_page_path, refresh

    page = model_page_path()
    assert page.read_text("utf-8") == refresh(page), "run: python -m pico_widget.render.model_page"


def test_every_condition_says_how_close_the_model_has_come():
    """data/accuracy.toml (make calibrate) counts each condition's fitted share and mean
    figures and their studies as evidence.toml has them now, for this model version; a
    file left from another version is refused with what to do."""
    from pico_widget.core.evidence import accuracies, parse_accuracies, rows

    for cid in conditions():
        counted = [r for r in rows(cid) if r.fitted and r.kind in ("shares", "mean")]
        shipped = accuracies()[cid]
        assert shipped.figures == sum(len(r.published) for r in counted), cid
        assert shipped.studies == len({r.source for r in counted}), cid
    with pytest.raises(ValueError, match="run make calibrate"):
        parse_accuracies('model_version = "2026.11-5"\n[conditions]\n')
