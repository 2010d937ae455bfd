"""The studies drawn beside a clinic in the evidence view (data/study_offsets.toml) are
the shipped model's: `make calibrate` rewrites the file, and a refit that did not would
leave the chart drawing another model's studies."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from pico_widget.fit.study_offsets import study_offsets, toml_text


def test_the_file_is_what_the_command_writes_for_the_shipped_model() -> None:
    shipped = resources.files("pico_widget").joinpath("data/study_offsets.toml").read_text(
        "utf-8")
    written = toml_text(study_offsets())
    assert shipped.splitlines()[:3] == written.splitlines()[:3]  # names the model version
    got, want = tomllib.loads(shipped), tomllib.loads(written)
    assert {c: list(s) for c, s in got.items()} == {c: list(s) for c, s in want.items()}
    for cid, studies in want.items():
        for key, value in studies.items():
            assert got[cid][key] == pytest.approx(value, abs=1e-3), (cid, key)
