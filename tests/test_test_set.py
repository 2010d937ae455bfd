"""The frozen test set (data/test_studies.toml): readable as evidence rows, big enough for
issue 30's target, and made only of studies the evidence does not hold."""

from __future__ import annotations

import re
import tomllib

import pytest
from pydantic import ValidationError

from pico_widget.core.evidence import EvidenceRow, evidence
from pico_widget.fit.calibration_report import SHARES_AND_MEANS
from pico_widget.fit.test_set import TEST_STUDIES, load_test_set, parse_test_set


def _figures(rows: tuple[EvidenceRow, ...]) -> list[tuple[str, float]]:
    return [figure for r in rows if r.kind in SHARES_AND_MEANS for figure in r.published]


def test_every_row_parses_as_an_evidence_row_with_the_files_own_references():
    found = load_test_set()
    assert all(isinstance(r, EvidenceRow) for r in found.row)
    assert {r.source for r in found.row} <= set(found.references)


def test_the_set_has_at_least_15_share_or_mean_figures_from_8_studies():
    found = load_test_set()
    chosen = tuple(r for r in found.row if r.kind in SHARES_AND_MEANS)
    assert len(_figures(chosen)) >= 15
    assert len({r.source for r in chosen}) >= 8


def test_no_test_study_or_row_is_in_the_evidence():
    found = load_test_set()
    known = evidence()
    assert not {r.id for r in found.row} & {r.id for r in known.row}
    sources = set(found.references)
    assert not sources & ({r.source for r in known.row} | set(known.searched)
                          | set(known.unused) | set(known.designs))
    # The same study under another name: its PubMed id or doi cited in evidence.toml.
    cited = TEST_STUDIES.read_text("utf-8")
    evidence_text = (TEST_STUDIES.parent / "evidence.toml").read_text("utf-8")
    for key in set(re.findall(r"PubMed \d+|doi 10\.\S+?(?=\.?[,;)\"\s])", cited)):
        assert key not in evidence_text, key


def test_a_source_missing_from_the_references_is_refused():
    text = TEST_STUDIES.read_text("utf-8").replace('TS-M1 = "Low-fluence', 'TS-MX = "Low-fluence')
    assert "TS-MX" in text
    with pytest.raises(ValidationError, match="no reference 'TS-M1'"):
        parse_test_set(text)


def test_accuracy_scores_the_whole_test_set_for_this_model_version():
    """make calibrate's [test] table (data/accuracy.toml): every key the issue asks for,
    written for the shipped model, counting the figures and studies the file holds."""
    from pico_widget.core.catalogue import catalogue
    from pico_widget.core.evidence import FrozenTestScores

    text = (TEST_STUDIES.parent / "accuracy.toml").read_text("utf-8")
    scores = tomllib.loads(text)["test"]
    for key in ("figures", "studies", "coverage_80", "coverage_50", "mean_width_80",
                "interval_score_80", "log_score", "mae", "model_version"):
        assert key in scores, key
    FrozenTestScores.model_validate(scores)
    assert scores["model_version"] == catalogue().model.version
    found = load_test_set()
    assert scores["frozen"] == str(found.frozen)
    chosen = tuple(r for r in found.row if r.kind in SHARES_AND_MEANS)
    assert scores["figures"] == len(_figures(chosen))
    assert scores["studies"] == len({(r.condition, r.source) for r in chosen})
