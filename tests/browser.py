"""Headless Debian Chromium for the browser tests and benchmarks, and tablet viewports."""

from __future__ import annotations

import os
import shutil
from typing import Any
from urllib.parse import urlsplit

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
TABLETS = {"portrait": {"width": 820, "height": 1180},
           "landscape": {"width": 1180, "height": 820}}


def chromium_path() -> str | None:
    """Debian's Chromium where installed; None lets Playwright use its own browser."""
    for candidate in (os.environ.get("PICO_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)


def is_local(url: str) -> bool:
    """True for requests that stay on this machine's server (or in the page itself)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


def offline_page(chromium: Any, path: Any, viewport: dict[str, int] | None = None
                 ) -> tuple[Any, Any, list[str]]:
    """Open a saved file with the network cut off, as a patient's device without internet
    would: (context, page, every URL the page asked for). Waits for the charts."""
    context = chromium.new_context(viewport=viewport or TABLETS["portrait"], has_touch=True)
    requests: list[str] = []

    def block(route: Any) -> None:
        requests.append(route.request.url)
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("#probability .main-svg")
    return context, page, requests
