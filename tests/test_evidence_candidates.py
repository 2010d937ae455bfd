"""Candidate evidence rows for a later model (data/evidence_candidates.toml): readable as
evidence rows, at least the 15 issue 30 asks for, and from studies neither the evidence
nor the frozen test set holds."""

from __future__ import annotations

import tomllib

from pico_widget.core.evidence import EvidenceRow, evidence
from pico_widget.fit.test_set import TEST_STUDIES, load_test_set

CANDIDATES = TEST_STUDIES.parent / "evidence_candidates.toml"


def _candidates() -> tuple[dict, list[EvidenceRow]]:
    data = tomllib.loads(CANDIDATES.read_text("utf-8"))
    context = {"references": data["references"]}
    return data, [EvidenceRow.model_validate(r, context=context) for r in data["row"]]


def test_at_least_15_candidate_rows_each_cited_and_read():
    data, found = _candidates()
    assert len(found) >= 15
    assert len({r.id for r in found}) == len(found)
    sources = {r.source for r in found}
    assert sources <= set(data["searched"]) and sources <= set(data["designs"])


def test_no_candidate_study_is_in_the_evidence_or_the_test_set():
    data, found = _candidates()
    known = evidence()
    frozen = load_test_set()
    taken = ({r.source for r in known.row} | set(known.searched) | set(known.unused)
             | set(frozen.references))
    assert not set(data["references"]) & taken
    assert not {r.id for r in found} & ({r.id for r in known.row} | {r.id for r in frozen.row})
    for citation in data["references"].values():
        doi = citation.partition("doi ")[2].split(",")[0].rstrip(".")
        if doi:
            assert doi not in TEST_STUDIES.read_text("utf-8"), doi
            assert doi not in (TEST_STUDIES.parent / "evidence.toml").read_text("utf-8"), doi
