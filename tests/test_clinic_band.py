"""This clinic's band on screen (issue 31, points 4 and 5): stored courses become the
clinic's effect in one conversion, the band switches to the clinic's at 10 courses of a
condition and says so, a database that does not answer leaves the studies' band (said so),
and a keystroke never asks the database."""

from __future__ import annotations

import asyncio
import itertools
import math
import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import plotly.graph_objects as go
import pytest
from sqlalchemy import select

from pico_widget import PicoWidget
from pico_widget.core.clinic_effect import MIN_COURSES
from pico_widget.core.forecast import estimate
from pico_widget.core.models import ClinicCourse, PatientProfile
from pico_widget.outcomes.clinic_courses import clinic_course, revision, stored_courses
from pico_widget.outcomes.database import open_engine, querying, writing
from pico_widget.outcomes.record import CourseRecord
from pico_widget.outcomes.schema import Course
from pico_widget.outcomes.signin import SignIn
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import delete_course, import_courses, record_course
from pico_widget.render import forest
from pico_widget.render.band_source import BandSource, source_sentence
from pico_widget.render.charts import probability_figure
from pico_widget.render.forest import forest_html, study_offsets
from pico_widget.render.handout import handout_html
from pico_widget.render.headline import answer
from pico_widget.render.note import clinical_note
from pico_widget.ui import clinic_band
from pico_widget.ui.clinic_band import ClinicBand
from tests.outcomes_helpers import course, upgraded_engine
from tests.waiting import wait_until_async
from tests.widget_client import browser_sends

MELASMA = PatientProfile(condition="melasma", severity="moderate", fitzpatrick=4,
                         goal_percent=50)


def store(engine, count: int) -> list[CourseRecord]:
    records = [course(count=5) for _ in range(count)]
    with writing(engine) as db:
        import_courses(db, console(), records)
    return records


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def engine(tmp_path):
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    yield engine
    clinic_band._BANDS.pop(engine, None)
    engine.dispose()


def test_a_stored_course_becomes_what_the_effect_reads() -> None:
    record = course(count=3, severity="severe", fitzpatrick=5, laser="q-switched",
                    sessions=[{"session": n, "improvement_percent": 10 * n, "pih": n == 1,
                               "month": "2025-0" + str(n),
                               "device": {"fluence_j_cm2": 2.0}} for n in (1, 2, 4)])
    converted = clinic_course(record)
    assert converted == ClinicCourse(condition="melasma", severity="severe", fitzpatrick=5,
                                     laser="q-switched",
                                     observations=[{"session": n, "improvement_percent": 10 * n}
                                                   for n in (1, 2, 4)])
    tattoo = clinic_course(course(condition="tattoo", severity=None,
                                  tattoo={"location": "upper_trunk", "colours": "black",
                                          "ink": "moderate"}))
    assert tattoo.tattoo is not None and tattoo.tattoo.location == "upper_trunk"
    assert "course_id" not in converted.model_dump()  # nothing that names a course


def test_the_stored_courses_read_back_and_their_revision_moves(engine) -> None:
    with querying(engine) as db:
        empty = revision(db)
    records = store(engine, 3)
    with querying(engine) as db:
        read, stored = stored_courses(db), revision(db)
    assert sorted(list(c.observed) for c in read) == sorted(clinic_course(r).observed
                                                       for r in records)
    assert stored[:2] == (3, 15) and stored != empty
    with writing(engine) as db:  # a replacement keeps the counts but moves the revision
        record_course(db, console(), course(records[0].course_id, count=5))
    with querying(engine) as db:
        replaced = revision(db)
    assert replaced[:2] == (3, 15) and replaced != stored
    with writing(engine) as db:
        delete_course(db, console(), records[1].course_id, "entered twice")
    with querying(engine) as db:
        assert revision(db)[:2] == (2, 10)


def test_the_band_switches_to_this_clinic_at_10_courses(engine) -> None:
    store(engine, MIN_COURSES - 1)
    band = ClinicBand(engine)
    band.check()
    nine = estimate(MELASMA, clinic=band.effect)
    assert (nine.band_source, nine.clinic_courses, nine.clinic_courses_needed) == (
        "studies", 9, 1)
    words = answer(MELASMA, nine, "en", band=BandSource(band.status))
    chance = next(f for f in words.figures if f.key == "chance")
    assert "clinics like those studied" in chance.note
    assert chance.caveat == ("this clinic's own band needs 10 recorded courses of this "
                             "condition; it has 9 so far")
    store(engine, 1)
    assert band.check()  # the revision moved: read again
    ten = estimate(MELASMA, clinic=band.effect)
    assert (ten.band_source, ten.clinic_courses, ten.clinic_courses_needed) == (
        "this_clinic", 10, 0)
    chance = next(f for f in answer(MELASMA, ten, "en", band=BandSource("ok")).figures
                  if f.key == "chance")
    low, high = (round(100 * x) for x in ten.reach_band)
    assert chance.note == f"at this clinic, from 10 courses: {low}-{high} in 100"
    assert chance.caveat == ""
    assert not band.check()  # nothing changed: the courses are not read again


def test_the_toggle_shows_the_studies_band_beside_the_clinics(engine) -> None:
    store(engine, 12)
    band = ClinicBand(engine)
    band.check()
    clinic_band._BANDS[engine] = band  # the widget's kernel band (not started: no thread)
    widget = PicoWidget(MELASMA, outcomes=SignIn(engine))
    assert widget.forecast.band_source == "this_clinic"
    assert widget.both_bands.layout.display is None  # offered: there are two bands
    studies = estimate(MELASMA)
    session = (widget.forecast.sessions_range or (0, widget.forecast.max_sessions))[1]
    low, high = (round(100 * x) for x in studies.prob_goal_band[session - 1])
    beside = f"{low}-{high} in 100 at 8 in 10 clinics like those studied"
    assert beside not in text(widget.headline.value)
    browser_sends(widget.both_bands, value=True)  # the doctor ticks it
    assert beside in text(widget.headline.value)
    widget.views.choose("chance")
    chart = widget.views.charts["chance"]
    names = [trace.get("name", "").replace("<br>", " ") for trace in chart.figure["data"]]
    assert any("Grey whiskers" in n for n in names), names
    assert any("at this clinic" in n for n in names), names


def test_a_keystroke_never_asks_the_database(engine) -> None:
    store(engine, 12)
    band = ClinicBand(engine)
    band.check()
    clinic_band._BANDS[engine] = band
    widget = PicoWidget(MELASMA, outcomes=SignIn(engine))
    asked = []
    band.check = lambda: asked.append(1) or False  # type: ignore[method-assign]
    for goal in (60, 70, 80):
        browser_sends(widget.form.goal, value=goal)
    assert widget.profile.goal_percent == 80 and widget.forecast.band_source == "this_clinic"
    assert asked == []


def test_a_database_that_does_not_answer_leaves_the_studies_band_and_says_so(tmp_path
                                                                            ) -> None:
    gone = open_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'outcomes.db'}")
    band = ClinicBand(gone)
    assert band.check() and band.status == "unavailable" and band.effect is None
    clinic_band._BANDS[gone] = band
    try:
        widget = PicoWidget(MELASMA, outcomes=SignIn(gone))
    finally:
        clinic_band._BANDS.pop(gone)
    assert widget.forecast.band_source == "studies"
    shown = text(widget.headline.value)
    assert "at 8 in 10 clinics like those studied" in shown
    assert "this clinic's outcomes cannot be read now: this is the studies' band" in shown


def test_other_replicas_courses_show_within_the_check_period(engine) -> None:
    """The kernel's path: a thread checks every `every_s` (a minute when served; 0.2 s
    here) and hands the change to the event loop the widgets live on."""
    store(engine, 4)
    seen: list[int] = []

    async def kernel() -> None:
        band = ClinicBand(engine, every_s=0.2)
        band.start(first_wait_s=0)  # the first read is the thread's, waited for below
        effect = await wait_until_async(lambda: band.effect, what="the first read")
        assert effect.courses("melasma") == 4
        band.on_change(lambda: seen.append(band.effect.courses("melasma")))
        other = open_engine(str(engine.url))  # another replica's connection
        store(other, 6)
        other.dispose()
        await wait_until_async(lambda: 10 in seen, what="the other replica's courses")

    # In its own thread: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, kernel()).result()
    assert seen[-1] == 10, seen  # told once the other replica's courses were read


def test_the_handout_and_the_note_name_the_band_source(engine) -> None:
    store(engine, 12)
    band = ClinicBand(engine)
    band.check()
    note = clinical_note(MELASMA, effect=band.effect)
    assert "The band is this clinic's own, from its 12 recorded courses" in note
    assert "From this clinic's own 12 recorded courses of this condition" in note
    assert "The band is for clinics like those studied" in clinical_note(MELASMA)
    handout = text(handout_html(MELASMA, effect=band.effect))
    assert "from its 12 recorded courses" in handout
    assert "at this clinic, from 12 courses" in handout
    few = ClinicBand(engine)
    few.check()
    assert source_sentence(estimate(MELASMA, clinic=few.effect), "en").startswith(
        "The band is this clinic's own")


def test_the_chance_chart_names_whose_whiskers_they_are(engine) -> None:
    store(engine, 12)
    band = ClinicBand(engine)
    band.check()
    own = estimate(MELASMA, clinic=band.effect)
    names = [t.get("name", "") for t in probability_figure(own, "en")["data"]]
    assert any("at this clinic (from 12 courses)" in n.replace("<br>", " ") for n in names)
    studies = [t.get("name", "") for t in probability_figure(estimate(MELASMA), "en")["data"]]
    assert not any("this clinic" in n for n in studies)
    beside = probability_figure(own, "en", studies=estimate(MELASMA))
    go.Figure(beside)  # raises on anything plotly's schema refuses
    grey = next(t for t in beside["data"] if "error_y" in t and t["type"] == "scatter")
    for middle, half, (low, high) in zip(grey["y"], grey["error_y"]["array"],
                                         estimate(MELASMA).prob_goal_band, strict=True):
        assert abs(middle - half - 100 * low) <= 0.11 and abs(middle + half - 100 * high) <= 0.11


def test_the_evidence_view_draws_the_clinic_among_the_studies(engine) -> None:
    store(engine, 12)
    band = ClinicBand(engine)
    band.check()
    assert forest_html("melasma", None, "en") == ""  # no band of its own: no chart
    chart = forest_html("melasma", band.effect, "en")
    studies = study_offsets()["melasma"]
    assert chart.count('class="pico-forest-study"') == len(studies) >= 2
    assert chart.count('class="pico-forest-clinic"') == 1
    assert "This clinic (12)" in chart and all(f">{key}<" in chart for key in studies)
    few = ClinicBand(engine)
    with writing(engine) as db:
        for course_id in list(db.scalars(select(Course.course_id)))[:3]:
            delete_course(db, console(), course_id, "test")
    few.check()
    assert forest_html("melasma", few.effect, "en") == ""  # 9 courses: still the studies' band



def test_the_clinics_band_comes_back_with_its_database(tmp_path) -> None:
    """Down, then back (a PostgreSQL restarted, a volume remounted): the next check reads
    the courses again, without a restart."""
    folder = tmp_path / "mounted-later"
    url = f"sqlite:///{folder / 'outcomes.db'}"
    band = ClinicBand(open_engine(url))
    band.check()
    assert (band.status, band.effect) == ("unavailable", None)
    folder.mkdir()
    engine = upgraded_engine(url)
    store(engine, 10)
    assert band.check() and band.status == "ok"
    assert estimate(MELASMA, clinic=band.effect).band_source == "this_clinic"
    engine.dispose()


def test_the_evidence_views_axis_labels_never_overlap(engine, monkeypatch) -> None:
    """A clinic or study far from the typical pace widens the axis: the labels it keeps
    stay apart (the paces 0.67 and 0.75 were drawn over each other)."""
    store(engine, 12)
    band = ClinicBand(engine)
    band.check()
    wide = {"melasma": {"M1": (math.log(0.3), 0.1), "M2": (math.log(3.5), 0.1)}}
    monkeypatch.setattr(forest, "study_offsets", lambda: wide)
    chart = forest_html("melasma", band.effect, "en")
    ticks = [(float(x), pace) for x, pace in re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" font-size="13">\u00d7([^<]+)</text>',
        chart)]
    assert len(ticks) >= 4 and "1" in [pace for _, pace in ticks]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(ticks)]
    assert min(gaps) >= 40, ticks  # a 5-character label in 13 px type is about 40 wide
