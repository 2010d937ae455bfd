"""The only place HTML is made: Jinja2 templates (render/templates/) with autoescaping.

Why templates: every value a visitor can influence (a case file field quoted in a refusal,
a teaching case's words, a condition's name) reaches the page escaped by default, rather
than each f-string remembering to escape. Our own wording may carry <b> for emphasis: it
is trusted (the data files), so `sentence()` marks it safe and escapes the values it is
filled with (markupsafe's Markup.format).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("pico_widget.render", "templates"),
                       autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=False)


def html(template: str, **values: Any) -> str:
    """A template filled in; every value escaped unless it is Markup."""
    return _environment().get_template(template).render(**values)


def sentence(wording: str, **values: Any) -> Markup:
    """Trusted wording (may hold <b>) filled with escaped values."""
    return Markup(wording).format(**values)


def text_of(markup: str) -> str:
    """A sentence as plain text (tags dropped, entities read), for the clinical note."""
    return Markup(markup).striptags()
