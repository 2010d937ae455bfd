"""`pico-widget outcomes stats`' clinic part: the offsets against the studies from the
stored courses, and the recent year against earlier courses."""

from __future__ import annotations

from pico_widget.core.clinic_effect import CourseResults, clinic_effect, effect_of_results
from pico_widget.core.models import ClinicCourse
from pico_widget.outcomes.clinic_courses import stored_with_months
from pico_widget.outcomes.database import querying, writing
from pico_widget.outcomes.effect import months_before, summarise, summary_lines
from pico_widget.outcomes.staff import console
from pico_widget.outcomes.writes import import_courses
from tests.outcomes_helpers import course, read_while_a_course_is_replaced, upgraded_engine


def melasma(improvements: list[float], year: int) -> object:
    return course(count=len(improvements), sessions=[
        {"session": n, "improvement_percent": p, "pih": False, "month": f"{year}-{n:02d}"}
        for n, p in enumerate(improvements, 1)])


def stored(tmp_path, records) -> list:
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    with writing(engine) as db:
        import_courses(db, console(), records)
    with querying(engine) as db:
        found = stored_with_months(db)
    engine.dispose()
    return found


def made(folder):
    folder.mkdir()
    return folder


def test_months_before_crosses_years():
    assert months_before("2026-03", 12) == "2025-03"
    assert months_before("2026-01", 1) == "2025-12"


def test_read_back_courses_give_the_effect_of_the_validated_ones(tmp_path):
    records = [melasma([10, 25, 40], 2025), melasma([5, 15], 2025),
               course(count=4, condition="nevus_of_ota")]
    found = stored(tmp_path, records)
    validated = [ClinicCourse.model_validate(r.model_dump(include={
        "condition", "severity", "fitzpatrick", "laser"}) | {"observations": [
            {"session": s.session, "improvement_percent": s.improvement_percent}
            for s in r.sessions]}) for r in records]
    assert [c.course for c in found] == [CourseResults.of(v) for v in validated]
    assert effect_of_results(c.course for c in found) == clinic_effect(validated)


def test_a_clinic_slower_in_its_recent_year_is_told_apart(tmp_path):
    earlier = [melasma([30, 55, 70, 80], 2024) for _ in range(12)]
    recent = [melasma([5, 10, 15, 20], 2025) for _ in range(12)]
    summary = summarise(stored(tmp_path, earlier + recent))
    effect = summary.effect.conditions["melasma"]
    assert effect.courses == 24
    seen = summary.drift["melasma"]
    assert (seen.recent, seen.earlier) == (12, 12)
    assert seen.differs, seen
    lines = "\n".join(summary_lines(summary))
    assert "12 recent, 12 earlier: differs" in lines


def test_the_same_results_every_year_do_not_differ_and_few_cannot_tell(tmp_path):
    same = [melasma([20, 40, 55], year) for year in (2024, 2025) for _ in range(12)]
    few = [course(count=3, condition="nevus_of_ota") for _ in range(3)]
    summary = summarise(stored(tmp_path, same + few))
    assert summary.drift["melasma"].largest_z is not None
    assert not summary.drift["melasma"].differs
    lines = "\n".join(summary_lines(summary))
    assert "no clear difference" in lines
    assert "too few to tell (needs 10 on each side)" in lines
    assert "(the forecast uses it from 10 courses)" in lines


def test_a_fast_clinic_has_a_higher_rate_than_a_slow_one(tmp_path):
    fast = summarise(stored(made(tmp_path / "fast"), [melasma([40, 65, 80], 2025)
                                                 for _ in range(15)]))
    slow = summarise(stored(made(tmp_path / "slow"), [melasma([5, 10, 15], 2025)
                                                 for _ in range(15)]))
    assert fast.effect.conditions["melasma"].offset("log_rate")[0] > \
        slow.effect.conditions["melasma"].offset("log_rate")[0]


def test_a_course_replaced_while_the_courses_are_read_is_read_as_before(tmp_path,
                                                                          monkeypatch):
    """The read is one snapshot (SQLite): the replaced course is read with the sessions
    the revision read in the same connection counts, not half old and half new."""
    engine = upgraded_engine(f"sqlite:///{tmp_path / 'outcomes.db'}")
    found, now = read_while_a_course_is_replaced(engine, monkeypatch)
    engine.dispose()
    assert sum(len(c.course.observed) for c in found) == now[1] == 5
    assert {c.course.case.severity for c in found} == {"moderate"}


def test_the_collector_stays_paused_while_any_read_is_inside_and_comes_back(monkeypatch):
    """Reads in several threads at once: the collector is off while any is inside and on
    again after the last, whatever the order they leave in."""
    import gc
    import threading

    from pico_widget.outcomes.clinic_courses import without_cycle_collection

    assert gc.isenabled()
    first, second = without_cycle_collection(), without_cycle_collection()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second is still reading
    second.__exit__(None, None, None)
    assert gc.isenabled()

    def many() -> None:
        for _ in range(2000):
            with without_cycle_collection():
                pass

    threads = [threading.Thread(target=many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_a_difference_must_pass_the_threshold_for_all_the_offsets_compared():
    """The largest of several offsets' moves is held to 5% over all of them: 2.2 sds
    differs where one offset was compared, not where four were (about 1 in 9 clinics whose
    years are alike would show a move that large in one of four)."""
    from pico_widget.outcomes.effect import Drift, differs_z, drift_sentence

    assert round(differs_z(1), 2) == 1.96
    assert round(differs_z(3), 2) == 2.39 and round(differs_z(4), 2) == 2.50
    assert Drift(20, 30, 2.2, "logit_ceiling", 1).differs
    four = Drift(20, 30, 2.2, "logit_ceiling", 4)
    assert not four.differs
    assert drift_sentence(four).endswith("(largest 2.2 sds, ceiling; a difference needs 2.5).")
