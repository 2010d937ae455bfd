from pathlib import Path
from typing import Any

import pytest

# The markers a test can carry (pyproject.toml [tool.pytest.ini_options]).
MARKERS = ("browser", "slow", "postgresql")


def _selects_a_browser_test(expression: str) -> bool:
    """Whether `-m expression` could select a test marked `browser` (with any of the other
    markers or none). A mark expression is `and`, `or`, `not`, brackets and names: a subset
    of Python's, so it is evaluated as one; an expression it cannot read selects one."""
    if not expression.strip():
        return True
    others = [m for m in MARKERS if m != "browser"]
    for mask in range(2 ** len(others)):
        names = {m: bool(mask >> i & 1) for i, m in enumerate(others)} | {"browser": True}
        try:
            if eval(expression, {"__builtins__": {}}, names):
                return True
        except Exception:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: Any) -> bool | None:
    """Every test under e2e/ is a browser test (e2e/conftest.py marks it so). When the run
    deselects browser tests (the quick tier, `-m "not browser and not slow"`), their
    modules are not even imported: they load Voila, Jupyter Server and Playwright, which
    was most of the quick tier's collection time. The same tests are selected."""
    if collection_path.name == "e2e" and collection_path.parent == Path(__file__).parent:
        return None if _selects_a_browser_test(config.getoption("markexpr") or "") else True
    return None

@pytest.fixture(autouse=True)
def _clinic_effect_cache(tmp_path_factory, monkeypatch):
    """Each test's fitted clinic effects in a folder of its own, not the user's cache."""
    monkeypatch.setenv("PICO_WIDGET_CACHE", str(tmp_path_factory.mktemp("effect-cache")))
