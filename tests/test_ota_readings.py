"""The nevus of Ota readings behind the model page's section (fit/ota_readings.py)."""

from __future__ import annotations

from pico_widget.core.catalogue import fitted
from pico_widget.core.evidence import rows
from pico_widget.core.forecast import estimate
from pico_widget.core.models import PatientProfile
from pico_widget.fit import ota_readings


def test_the_shipped_parameters_give_what_the_app_says():
    shipped = fitted().conditions["nevus_of_ota"]
    found = ota_readings.outcome(shipped)
    app = estimate(PatientProfile(**ota_readings.CASE, laser="picosecond"))
    assert found.never == app.never_percent
    assert found.median_ps == app.sessions_median


def test_other_parameters_change_what_it_says_and_leave_the_app_alone():
    shipped = fitted().conditions["nevus_of_ota"]
    assert shipped.severity is not None
    slower = {s: level.model_copy(update={"p": level.p / 2})
              for s, level in shipped.severity.items()}
    found = ota_readings.outcome(shipped.model_copy(update={"severity": slower}))
    app = estimate(PatientProfile(**ota_readings.CASE, laser="picosecond"))
    assert found.median_ps is not None and app.sessions_median is not None
    assert found.median_ps > app.sessions_median
    assert fitted().conditions["nevus_of_ota"] is shipped


def test_each_reading_names_rows_that_exist_and_rereads_only_its_own():
    ids = {r.id for r in rows("nevus_of_ota", efficacy=True)}
    for reading in ota_readings.READINGS:
        assert reading.leave_out <= ids
    o6, o13 = (next(r for r in rows() if r.id == i) for i in ("O6", "O13"))
    spread = ota_readings._o6_over_sessions(o6)
    assert spread.sessions_mixed == tuple(float(n) for n in range(1, 12))
    assert ota_readings._o6_over_sessions(o13) is o13
    assert ota_readings._o13_good_as_quartile(o13).thresholds == (95.0, 25.0)


def test_the_model_pages_section_shows_what_the_app_says_now():
    """Issue 30 accepts a never share above 15 in 100 for this case if the model page shows
    the analysis: its 'as shipped' row must be the shipped model's, or it is stale."""
    import re
    from pathlib import Path

    import pico_widget

    page = (Path(pico_widget.__file__).parent / "data" / "model.md").read_text("utf-8")
    section = page.partition("## Nevus of Ota: why")[2].partition("\n## ")[0]
    found = re.search(r"^\| as shipped \| ([\d.]+) \| (\d+) \| (\d+) \|", section, re.M)
    assert found is not None
    ps, qs = (estimate(PatientProfile(**ota_readings.CASE, laser=laser))
              for laser in ("picosecond", "q-switched"))
    assert abs(float(found[1]) - ps.never_percent) < 0.05
    assert (int(found[2]), int(found[3])) == (ps.sessions_median, qs.sessions_median)
