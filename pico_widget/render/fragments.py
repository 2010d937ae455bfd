"""The small pieces of HTML the widget, the dashboard and the server show around the
results: a refusal, a control's heading, the disclaimer, the header, a teaching point,
the model page panel, the busy page. Each is a template (render/templates), so whatever a
visitor sent arrives in the page as text.
"""

from __future__ import annotations

from markupsafe import Markup

from ..i18n.wording import wording
from .templates import html


def message_html(sentence: str) -> str:
    """A refusal or problem, announced to screen readers; "" when there is none."""
    return html("message.html.j2", sentence=sentence)


def unreviewed_html(sentence: str) -> str:
    """The doctor's one-line note that no clinician has signed off this translation ("":
    none to give)."""
    return html("unreviewed.html.j2", sentence=sentence)


def heading_html(heading: str) -> str:
    return html("heading.html.j2", heading=heading)


def disclaimer_html(language: str) -> str:
    return html("disclaimer.html.j2", short=wording("disclaimer_short", language=language),
                more=wording("disclaimer_more", language=language),
                full=wording("disclaimer", language=language))


def header_html(language: str) -> str:
    return html("header.html.j2", language=language, name=wording("app_name", language=language),
                tagline=wording("tagline", language=language))


def point_html(title: str, point: str) -> str:
    """A teaching case's point (its words come from a data file, escaped all the same)."""
    return html("point.html.j2", title=title, point=point)


def model_panel_html(page_html: str, language: str) -> str:
    """The model page: first, for patients, in plain words and their language; then the
    mathematics for doctors (rendered from our own Markdown, in English, with a note)."""
    maths = html("english_only.html.j2", language=language, page=Markup(page_html),
                 note=wording("labels", "english_only", language=language))
    return html("model_intro.html.j2", language=language,
                say=wording("model_intro", language=language), page=Markup(maths))


def class_heading_html(heading: str) -> str:
    """The side-by-side view's heading ("Side by side: 2 of 4 cases")."""
    return html("class_heading.html.j2", heading=heading)


def class_case_html(title: str, headline_html: str) -> str:
    """A side-by-side column's title (a teaching case's, or the case described) above its
    headline, already rendered by headline.html.j2."""
    return html("class_case.html.j2", title=title, headline=Markup(headline_html))


def covered_html(text: str) -> str:
    """In a teaching column, in place of the answer until it is revealed (teaching.py);
    `text` is trusted wording (it may hold <b>)."""
    return html("covered.html.j2", text=Markup(text))


def style_html(css: str) -> str:
    """Our own stylesheet (static/pico.css) in a style element."""
    return html("style.html.j2", css=Markup(css))


def panel_html(css_class: str, inner_html: str) -> str:
    """A view's panel around a fragment already rendered here."""
    return html("panel.html.j2", css_class=css_class, inner=Markup(inner_html))


def busy_page(language: str, reason: str, seconds: int) -> str:
    """The server's page for a visitor turned away ("busy": every place is taken;
    "too_many": this address asked for too many pages), counting down to a reload."""
    say = wording("service", language=language)
    before, _, after = str(say["retrying"]).partition("{seconds}")
    return html("busy.html.j2", language=language, say=say, reason=reason,
                seconds=int(seconds), before=before, after=after)
