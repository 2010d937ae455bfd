"""CaseMemory without a browser: the page's copy of the case follows the screen, and what
the page sends back is validated like a case file."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from pico_widget.core.cases import save_case
from pico_widget.i18n.wording import wording
from pico_widget.ui.dashboard import Dashboard
from tests.strategies import profiles
from tests.widget_client import browser_sends_custom


def restore(dashboard: Dashboard, value) -> list:
    sent: list = []
    dashboard.memory.send = sent.append  # what would travel back to the page
    browser_sends_custom(dashboard.memory, {"type": "restore", "case": value})
    return sent


@pytest.fixture(scope="module")
def dashboard() -> Dashboard:
    return Dashboard()


def test_the_page_holds_the_case_on_screen(dashboard) -> None:
    assert json.loads(dashboard.memory.case) == json.loads(save_case(dashboard.widget.profile))
    assert dashboard.memory.layout.display == "none"


@settings(max_examples=15, deadline=None)
@given(profile=profiles().filter(lambda p: p.goal_percent >= 10))  # the slider's range
def test_every_change_reaches_the_page_and_comes_back(dashboard, profile) -> None:
    dashboard.widget.profile = profile
    assert dashboard.memory.case == save_case(profile)
    fresh = Dashboard()  # a new kernel's dashboard, before the page answers
    assert restore(fresh, dashboard.memory.case) == []
    assert fresh.widget.profile == profile
    assert fresh.widget.message == ""


@pytest.mark.parametrize("value", [
    None, 7, "", "not json", "[]", json.dumps({"format": "pico-widget case"}),
    json.dumps({"format": "pico-widget case", "version": 1, "profile": {"fitzpatrick": 9}}),
    json.dumps({"format": "pico-widget case", "version": 1, "name": "A. Patient",
                "profile": {}}),
    "x" * 200_000,
])
def test_a_bad_or_forged_case_is_refused_and_changes_nothing(value) -> None:
    dashboard = Dashboard()
    before = dashboard.widget.profile
    assert restore(dashboard, value) == [{"type": "refused"}]
    assert dashboard.widget.profile == before
    assert dashboard.memory.case == save_case(before)
    sentences = [v for k, v in wording("case_file", language="en").items() if k != "download_name"]
    assert any(s.split("{")[0] in dashboard.widget.message for s in sentences)


def test_other_messages_are_ignored() -> None:
    dashboard = Dashboard()
    before = dashboard.widget.profile
    for content in ({"type": "something"}, "restore", None, ["restore"]):
        browser_sends_custom(dashboard.memory, content)
    assert dashboard.widget.profile == before and dashboard.widget.message == ""
