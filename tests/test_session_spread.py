"""Issue 30: a shares row that mixes patients after different numbers of sessions (O6:
212 patients after 1-11 sessions) is read as that spread, not at one session."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from pico_widget.core.evidence import EvidenceRow, evidence


def _mixed(**change: object) -> EvidenceRow:
    """O6 (212 patients after 1-11 sessions) read as an even spread, with `change`."""
    o6 = next(r for r in evidence().row if r.id == "O6").model_dump()
    return EvidenceRow.model_validate(o6 | {"session": 6, "session_spread": (1, 11)} | change)


def test_a_row_that_mixes_session_counts_is_read_as_its_spread():
    mixed = _mixed()
    assert mixed.sessions_mixed == tuple(float(n) for n in range(1, 12))
    assert mixed.published[0][0] == ">= 95% after 1-11 sessions (% of patients)"


def test_the_fit_averages_a_mixed_row_over_its_sessions():
    from pico_widget.core.catalogue import fitted
    from pico_widget.fit.calibrate import predict

    params = fitted().conditions["nevus_of_ota"]
    one = [predict(_mixed(session_spread=(n, n), session=n), params) for n in range(1, 12)]
    assert predict(_mixed(), params) == pytest.approx(np.mean(one, axis=0), abs=1e-9)


@pytest.mark.parametrize(("change", "message"), [
    ({"session": 5}, "session is the spread's mean"),
    ({"session_spread": (6, 1)}, "first to last"),
    ({"kind": "pih", "value": 5.0}, "first to last")])
def test_a_session_spread_that_does_not_add_up_is_refused(change: dict, message: str):
    with pytest.raises(ValidationError, match=message):
        _mixed(**change)
