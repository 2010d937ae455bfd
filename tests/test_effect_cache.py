"""The clinic's effect is fitted once per database revision per machine (issue 31): many
kernels, one fit; a new revision, a new fit; a cache that cannot be used is no outage."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pico_widget.core.clinic_effect import effect_of_results
from pico_widget.outcomes import effect_cache
from pico_widget.outcomes.clinic_courses import revision, stored_courses
from pico_widget.outcomes.database import querying, writing
from pico_widget.outcomes.effect import summarise
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import import_courses
from pico_widget.settings import CACHE_ENV
from pico_widget.ui.clinic_band import ClinicBand
from tests.outcomes_helpers import course, upgraded_engine


@pytest.fixture
def engine(tmp_path):
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    with writing(engine) as db:
        import_courses(db, console(), [course(count=4) for _ in range(12)])
    yield engine
    engine.dispose()


@pytest.fixture
def fits(monkeypatch) -> list[int]:
    """How many courses each fit of the band's effect read."""
    seen: list[int] = []
    real = effect_cache.effect_of_results

    def counted(courses):
        courses = list(courses)
        seen.append(len(courses))
        return real(courses)

    monkeypatch.setattr(effect_cache, "effect_of_results", counted)
    return seen


def test_many_kernels_fit_a_revision_once(engine, fits) -> None:
    bands = [ClinicBand(engine) for _ in range(6)]  # six visitors' kernels
    threads = [threading.Thread(target=band.check) for band in bands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fits == [12]
    assert {band.status for band in bands} == {"ok"}
    with querying(engine) as db:
        expected = effect_of_results(stored_courses(db))
    assert all(band.effect == expected for band in bands)  # the cached one is the fit's


def test_a_new_revision_is_fitted_again_and_only_once(engine, fits) -> None:
    first, second = ClinicBand(engine), ClinicBand(engine)
    assert first.check() and second.check()
    with writing(engine) as db:
        import_courses(db, console(), [course(count=4)])
    assert first.check() and second.check()  # both see the new revision
    assert fits == [12, 13]
    assert first.effect == second.effect and first.effect.courses("melasma") == 13


def test_processes_share_the_fit(engine, tmp_path) -> None:
    """Kernels are processes: a second process reads the first one's file."""
    url = engine.url.render_as_string(hide_password=False)
    script = ("import sys; from pico_widget.outcomes import effect_cache as c\n"
              "from pico_widget.outcomes.database import open_engine, querying\n"
              "from pico_widget.outcomes.clinic_courses import revision\n"
              "e = open_engine(sys.argv[1])\n"
              "with querying(e) as db: now = revision(db)\n"
              "real, n = c.effect_of_results, []\n"
              "c.effect_of_results = lambda cs: n.append(1) or real(cs)\n"
              "print(len(n), c.fitted_effect(e, now).courses('melasma'), len(n))\n")
    runs = [subprocess.run([sys.executable, "-c", script, url], capture_output=True,
                           text=True, check=True).stdout.split() for _ in range(2)]
    assert runs == [["0", "12", "1"], ["0", "12", "0"]]


def test_a_cache_that_cannot_be_written_still_gives_the_effect(engine, fits, tmp_path,
                                                               monkeypatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocked / "cache"))
    band = ClinicBand(engine)
    assert band.check() and band.status == "ok"
    assert band.effect.courses("melasma") == 12 and fits == [12]


def test_a_torn_file_is_fitted_again(engine, fits) -> None:
    with querying(engine) as db:
        now = revision(db)
    effect_cache.fitted_effect(engine, now)
    for path in effect_cache.cache_folder().glob("*.json"):
        path.write_text('{"melasma": {"courses": 1')
    assert effect_cache.fitted_effect(engine, now).courses("melasma") == 12
    assert fits == [12, 12]


def test_the_summary_reads_back_as_it_was_fitted(engine) -> None:
    with querying(engine) as db:
        now = revision(db)
        from pico_widget.outcomes.clinic_courses import stored_with_months

        expected = summarise(stored_with_months(db))
    assert effect_cache.fitted_summary(engine, now) == expected  # the fit
    assert effect_cache.fitted_summary(engine, now) == expected  # the file
    # The summary's file, and the band's effect the summary fitted on the way.
    assert len(list(effect_cache.cache_folder().glob("*.json"))) == 2


def _fitted_before_and_after(engine):
    """Fit the stored revision, store a course, fit the new one: (before, after)."""
    with querying(engine) as db:
        before = revision(db)
    effect_cache.fitted_effect(engine, before)
    with writing(engine) as db:
        import_courses(db, console(), [course(count=4)])
    with querying(engine) as db:
        after = revision(db)
    effect_cache.fitted_effect(engine, after)
    return before, after


def _file(engine, now) -> Path:
    name = effect_cache._name(effect_cache.database_name(engine), now, "effect")[1]
    return effect_cache.cache_folder() / name


def test_an_old_revisions_file_is_removed_once_it_is_an_hour_old(engine) -> None:
    before, after = _fitted_before_and_after(engine)
    assert _file(engine, before).exists()  # recent: a slower fit may still be writing
    hour_ago = time.time() - effect_cache.KEEP_OLD_S - 1
    os.utime(_file(engine, before), (hour_ago, hour_ago))
    with writing(engine) as db:
        import_courses(db, console(), [course(count=4)])
    with querying(engine) as db:
        latest = revision(db)
    effect_cache.fitted_effect(engine, latest)
    names = sorted(p.name for p in effect_cache.cache_folder().glob("*.json"))
    assert names == sorted([_file(engine, after).name, _file(engine, latest).name])


def test_an_older_fit_finishing_last_keeps_the_newer_answer(engine, fits) -> None:
    """A kernel that read the previous revision's courses before a course was stored
    writes its answer after another kernel wrote the new revision's: the new answer
    stays, so the new revision is not fitted twice."""
    before, after = _fitted_before_and_after(engine)
    old = effect_cache.effect_from_json(json.loads(_file(engine, before).read_text()))
    _file(engine, before).unlink()
    effect_cache.cached(effect_cache.database_name(engine), before, "effect",
                        lambda: (old, True),  # its read ended before the new course
                        effect_cache.effect_to_json, effect_cache.effect_from_json)
    assert _file(engine, before).exists() and _file(engine, after).exists()
    effect_cache.fitted_effect(engine, after)
    assert fits == [12, 13]


def test_a_fit_held_up_elsewhere_does_not_hold_this_kernel(engine, fits,
                                                           monkeypatch) -> None:
    with querying(engine) as db:
        now = revision(db)
    prefix = effect_cache._name(effect_cache.database_name(engine), now, "effect")[0]
    folder = effect_cache.cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(effect_cache, "LOCK_WAIT_S", 0.5)
    with (folder / f"{prefix}.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process's fit that never ends
        assert effect_cache.fitted_effect(engine, now).courses("melasma") == 12
    assert fits == [12]


def test_a_file_of_another_shape_is_fitted_again(engine, fits) -> None:
    with querying(engine) as db:
        now = revision(db)
    folder = effect_cache.cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _file(engine, now).write_text("[1, 2, 3]")
    assert effect_cache.fitted_effect(engine, now).courses("melasma") == 12
    assert fits == [12]


def _fitted_calls(monkeypatch) -> list[int]:
    """How many courses each fit of a condition in `stats`'s summary read."""
    from pico_widget.outcomes import effect

    seen: list[int] = []
    real = effect.fitted

    def counted(tables):
        seen.append(tables.courses)
        return real(tables)

    monkeypatch.setattr(effect, "fitted", counted)
    return seen


def test_stats_reads_the_band_s_effect_instead_of_fitting_it_again(engine, fits,
                                                                     monkeypatch) -> None:
    from pico_widget.outcomes.clinic_courses import stored_with_months

    with querying(engine) as db:
        now, courses = revision(db), stored_with_months(db)
    expected = summarise(courses)
    effect_cache.fitted_effect(engine, now)  # a kernel's band, as a course is stored
    summary_fits = _fitted_calls(monkeypatch)
    assert effect_cache.fitted_summary(engine, now) == expected
    assert fits == [12] and summary_fits == []  # the 12 courses' effect was fitted once


def test_a_summary_fitted_first_keeps_the_effect_for_the_bands(engine, fits) -> None:
    with querying(engine) as db:
        now = revision(db)
        expected = effect_of_results(stored_courses(db))
    effect_cache.fitted_summary(engine, now)  # `pico-widget outcomes stats` or import
    assert effect_cache.fitted_effect(engine, now) == expected
    assert fits == []  # the band read what the summary kept


def test_an_effect_of_other_courses_is_not_taken_for_these(engine) -> None:
    from pico_widget.outcomes.clinic_courses import stored_with_months

    with querying(engine) as db:
        courses = stored_with_months(db)
    fewer = effect_of_results(c.course for c in courses[:5])
    assert summarise(courses, fewer) == summarise(courses)
    assert summarise(courses, fewer).effect != fewer
