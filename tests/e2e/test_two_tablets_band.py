"""Two tablets on two replicas share one clinic's band (issue 31, "Done when"): a portrait
and a landscape tablet, pinned by HAProxy's cookie to different replicas, each record a
course; at the 10th the band on both becomes "at this clinic, from 10 courses", at once on
the tablet that stored it and within a minute on the other (its kernel's check for other
replicas' courses, ui/clinic_band.py), and the export holds each course once.

Kept short: two replicas on one SQLite file seeded with 8 courses, so two recordings reach
10; the wait for the other replica's check (at most a minute) is most of its run time."""

from __future__ import annotations

import csv
import time

from playwright.sync_api import Page, expect

from pico_widget.outcomes.cli import main as outcomes
from tests.browser import TABLETS
from tests.e2e.cluster_visits import Cluster
from tests.e2e.conftest import wait_for_dashboard
from tests.outcomes_helpers import course, seeded

CHANCE = ".pico-figure[data-key=chance]"
THIS_CLINIC = "at this clinic, from 10 courses:"
CHECK_S = 60  # ui/clinic_band.py CHECK_EVERY_S: other replicas' courses show within this


def record(page: Page, improvement: int) -> None:
    """Enter session 1's improvement, press "Add to this clinic's outcomes", sign in."""
    page.get_by_role("button", name="Record a session").tap()
    seen = page.locator(".pico-row .pico-seen-number input").first
    seen.fill(str(improvement))
    seen.press("Enter")
    page.get_by_role("button", name="Add to this clinic's outcomes").tap()
    form = page.locator(".pico-sign-in")
    form.get_by_role("textbox", name="Name").fill("Dr Tan")
    password = form.locator("input[type=password]")
    password.fill("correct horse")
    password.press("Enter")  # the value reaches the kernel; the button signs in
    form.get_by_role("button", name="Sign in").tap()
    expect(page.locator(".pico-outcome-status")).to_have_text(
        "Saved to this clinic's outcomes (course: 1 session).", timeout=30_000)


def test_two_tablets_on_two_replicas_see_the_band_switch_at_10(chromium, tmp_path,
                                                                 monkeypatch) -> None:
    monkeypatch.setenv("PICO_WIDGET_CACHE", str(tmp_path / "cache"))  # the replicas' fits
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    seeded(url, ("Dr Tan", "correct horse"), [course(count=1) for _ in range(8)])
    cluster = Cluster(2, state=tmp_path / "cluster", serve_args=["--outcomes", url],
                      quiet=True)
    with cluster.running(timeout=180):
        tablets: dict[str, Page] = {}
        replicas: dict[str, str] = {}
        for name in ("portrait", "landscape"):
            context = chromium.new_context(viewport=TABLETS[name], has_touch=True,
                                           ignore_https_errors=True)
            page = context.new_page()
            page.goto(cluster.url, timeout=120_000)
            wait_for_dashboard(page, timeout=120_000)
            tablets[name] = page
            replicas[name] = page.request.get(cluster.url + "healthz").json()["replica"]
        # HAProxy's cookie pins each browser; leastconn sent the second to the idle replica
        assert sorted(replicas.values()) == ["r1", "r2"], replicas
        for page in tablets.values():
            expect(page.locator(CHANCE)).to_contain_text(
                "this clinic's own band needs 10 recorded courses of this condition; it has 8")

        record(tablets["portrait"], 35)  # the 9th course, through one replica
        expect(tablets["portrait"].locator(CHANCE)).to_contain_text("it has 9 so far")
        record(tablets["landscape"], 45)  # the 10th, through the other
        stored = time.monotonic()
        expect(tablets["landscape"].locator(CHANCE)).to_contain_text(THIS_CLINIC,
                                                                      timeout=30_000)
        expect(tablets["portrait"].locator(CHANCE)).to_contain_text(
            THIS_CLINIC, timeout=(CHECK_S + 15) * 1000)
        print(f"the other tablet switched {time.monotonic() - stored:.1f} s after the 10th")
        for page in tablets.values():
            expect(page.locator(CHANCE)).not_to_contain_text("clinics like those studied")
            page.context.close()

    exported = tmp_path / "outcomes.csv"  # as docs/deploy.md says
    outcomes(["export", str(exported), "--outcomes", url])
    with exported.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0])[:9] == ["course_id", "condition", "severity", "fitzpatrick",
                                 "laser", "session", "improvement_percent", "pih", "month"]
    ids = [row["course_id"] for row in rows]  # one session each: one row a course
    assert len(ids) == len(set(ids)) == 10
    seen = [row["improvement_percent"] for row in rows]
    assert seen.count("35") == seen.count("45") == 1  # the two tablets' courses, once each
