"""The Kirby-Desai scale (Kirby et al. 2009; EVIDENCE.md section 1)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pico_widget import TattooDetails, kirby_desai_score

SCALE = {  # the published table
    "location": {
        "head_neck": 1,
        "upper_trunk": 2,
        "lower_trunk": 3,
        "proximal_extremity": 4,
        "distal_extremity": 5,
    },
    "colours": {"black": 1, "black_some_red": 2, "black_red_other": 3, "multicolour": 4},
    "ink": {"amateur": 1, "minimal": 2, "moderate": 3, "significant": 4},
    "scarring": {"none": 0, "minimal": 1, "moderate": 3, "significant": 5},
    "layering": {"none": 0, "cover_up": 2},
}
LOWEST = {
    "location": "head_neck",
    "colours": "black",
    "ink": "amateur",
    "scarring": "none",
    "layering": "none",
}


@pytest.mark.parametrize("field", SCALE)
def test_each_level_scores_as_published(field):
    for level, points in SCALE[field].items():
        details = TattooDetails(**(LOWEST | {field: level}))
        base = 1 + 1 + 1 + 0 + 0  # lowest location, colour, ink
        expected = 1 + base - SCALE[field][LOWEST[field]] + points
        assert kirby_desai_score(1, details) == expected


@pytest.mark.parametrize("fitzpatrick", range(1, 7))
def test_skin_type_adds_its_number(fitzpatrick):
    assert kirby_desai_score(fitzpatrick, TattooDetails(**LOWEST)) == 3 + fitzpatrick


def test_range_is_4_to_26():
    highest = {
        "location": "distal_extremity",
        "colours": "multicolour",
        "ink": "significant",
        "scarring": "significant",
        "layering": "cover_up",
    }
    assert kirby_desai_score(1, TattooDetails(**LOWEST)) == 4
    assert kirby_desai_score(6, TattooDetails(**highest)) == 26


def test_bad_skin_type_is_refused():
    with pytest.raises(ValidationError):
        kirby_desai_score(7, TattooDetails(**LOWEST))
