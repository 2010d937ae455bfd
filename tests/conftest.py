import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _clinic_effect_cache(tmp_path_factory, monkeypatch):
    """Each test's fitted clinic effects in a folder of its own, not the user's cache."""
    monkeypatch.setenv("PICO_WIDGET_CACHE", str(tmp_path_factory.mktemp("effect-cache")))
