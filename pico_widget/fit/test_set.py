"""The frozen test set (data/test_studies.toml): published figures from studies the model
has never seen, fixed before the model changes they are to judge.

Its rows are evidence rows (core.evidence.EvidenceRow), read with the file's own
references so that the app never cites a test study. Nothing is fitted or chosen by
them: `make calibrate` only scores them (issue 30).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator

from ..core.evidence import Design, EvidenceRow

TEST_STUDIES = Path(__file__).resolve().parent.parent / "data" / "test_studies.toml"


class FrozenTestSet(BaseModel):
    """data/test_studies.toml: the date it was frozen, its studies and their rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frozen: dt.date
    references: dict[str, str]
    searched: dict[str, str]
    designs: dict[str, Design]
    row: tuple[EvidenceRow, ...]

    @model_validator(mode="after")
    def _cited(self) -> Self:
        ids = [r.id for r in self.row]
        if len(ids) != len(set(ids)):
            raise ValueError("test row ids must be unique")
        sources = {r.source for r in self.row}
        for name, table in (("searched", self.searched), ("designs", self.designs)):
            if sources - set(table):
                raise ValueError(f"no [{name}] entry for {sorted(sources - set(table))}")
        return self


def parse_test_set(text: str) -> FrozenTestSet:
    """The test set from its TOML text, each row checked as an evidence row is."""
    data: dict[str, Any] = tomllib.loads(text)
    references = data.get("references", {})
    return FrozenTestSet.model_validate(data, context={"references": references})


def load_test_set(path: Path = TEST_STUDIES) -> FrozenTestSet:
    return parse_test_set(path.read_text("utf-8"))
