"""handout_html(profile): a self-contained printable page for the patient to take home.

Everything is inline (styles, plotly.js, the figures), so it opens and prints with no
network. It asks for no name: a blank 'Prepared for' line is left to write on the
printed page, so nothing that identifies the patient passes through the app.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pydantic import InstanceOf, validate_call

from ..core.clinic_effect import ClinicEffect
from ..core.forecast import forecast_for
from ..core.models import Forecast, PatientProfile
from ..core.settings_models import Clinic
from ..core.version import package_version
from ..i18n.formats import long_date
from ..i18n.wording import check_language, condition_words, wording
from .charts import (
    FONT_STACK,
    improvement_figure,
    numbers_above_whiskers,
    plotly_js_path,
    probability_figure,
)
from .clinic import clinic_of, costs, price
from .headline import answer, answer_html
from .summary import (
    clinics_band,
    headline,
    icon_array_html,
    references_html,
    summary_html,
    warnings_html,
)
from .templates import html

CSS = """
@page { size: auto; margin: 8mm 10mm 7mm; }
body { font-family: FONT_STACK; font-size: 10pt;
  line-height: 1.25; color: #111; max-width: 190mm; margin: 0 auto; padding: 8px; }
h1 { font-size: 18pt; margin: 0 0 2px; } h2 { font-size: 12pt; margin: 6px 0 2px; }
p { margin: 0 0 4px; }
.meta { color: #333; font-size: 10pt; border-bottom: 2px solid #0072B2; padding-bottom: 6px; }
.for .blank { display: inline-block; width: 60%; border-bottom: 1px solid #555; }
.disclaimer { border-left: 5px solid #0072B2; background: #f2f6fa; padding: 6px 10px; }
.figures { display: flex; gap: 14px; align-items: center; }
.pico-warnings { border-left: 5px solid #E69F00; padding-left: 24px; }
.chart { width: 100%; height: 220px; break-inside: avoid; page-break-inside: avoid; }
.pico-headline { border-left: 5px solid #0072B2; padding-left: 10px; margin: 10px 0 4px;
  break-inside: avoid; }
/* The figures on one row (wrapped, "35%" took a row of its own and the page a third). */
.pico-figures-row { display: flex; gap: 4px 14px; }
.pico-figure { display: flex; flex-direction: column; flex: 1 1 0; min-width: 0; }
.pico-value { font-size: 18pt; font-weight: 700; line-height: 1.1; }
.pico-figure[data-key="cost"] .pico-value { font-size: 14pt; }
.pico-figure[data-key="chance"] { flex-grow: 1.5; }
.pico-unit { font-size: 11pt; } .pico-figcap { font-size: 9.5pt; color: #333; }
.pico-words { display: inline-block; font-size: 0.7em; line-height: 1.15; }
.pico-who { margin: 4px 0 0; }
.band-note { font-size: 9.5pt; color: #333; margin: 2px 0 6px; }
details.pico-refs > summary { font-weight: 600; list-style: none; }
ul, .figures, .disclaimer { break-inside: avoid; page-break-inside: avoid; }
ul { margin: 2px 0 4px; padding-left: 22px; }
/* A heading stays with what follows it (no "Aftercare reminders" alone at a page's foot). */
h2, .pico-refs-count, details.pico-refs > summary { break-after: avoid;
  page-break-after: avoid; }
/* A typical case fits two A4 pages: long sections may break between their lines (their
   headings stay with them), and the citations are a compact list that may break too. */
.pico-refs ul { font-size: 7.5pt; line-height: 1.2; padding-left: 14px; margin: 2px 0 4px;
  break-inside: auto; page-break-inside: auto; }
.pico-refs li { margin: 0 0 1px; } .pico-refs-count { font-size: 9.5pt; margin: 4px 0 0; }
/* On paper the citations run on as one compact paragraph per list. */
@media print { .pico-refs ul { padding: 0; } details.pico-refs { display: block; }
  .pico-refs li { display: inline; } .pico-refs li:not(:last-child)::after { content: " · "; } }
/* The 100 people big enough to count on paper (6.2 cm), beside the chance by session. */
.figures .pico-icons { width: 6.2cm; height: 6.2cm; flex: none; }
.chance-row { display: flex; gap: 12px; align-items: flex-start; break-inside: avoid;
  page-break-inside: avoid; }
.chance-row .figures { flex: none; width: 6.4cm; flex-direction: column;
  align-items: flex-start; font-size: 9pt; }
/* Tall enough that the plot clears its subtitle and its legend of long entries (at 290 px
   the plot was 60 px high and the axis title ran into the subtitle). */
.chance-row .chart { flex: 1 1 0; min-width: 0; height: 350px; }
.glossary dl { column-count: 3; column-gap: 6mm; }
.glossary { font-size: 8pt; line-height: 1.2; }
.clinic { display: flex; gap: 12px; align-items: center; margin: 0 0 6px; }
.clinic img { max-height: 18mm; max-width: 50mm; }
.clinic .name { font-weight: 700; font-size: 13pt; } .clinic p { margin: 0; }
.clinic p:not(.name) { display: inline; margin-right: 10px; }
.next .blank { display: inline-block; width: 50%; border-bottom: 1px solid #555; }
.glossary { margin-bottom: 4px; } .glossary dl { margin: 0; }
.glossary dt { font-weight: 700; display: inline; }
.glossary dt::after { content: ": "; } .glossary dd { display: inline; margin: 0; }
.glossary dd::after { content: ""; display: block; margin-bottom: 1px; }
@media print { details.pico-refs > *:not(summary) { display: block; }
  .print-row { display: none; } }
/* Opened on a phone (a patient at home): the figures two to a row, the 100 people above
   the chance chart, and the charts tall enough for their legends (at 220 px beside a
   legend of long entries the curve's plot was 30 px high; the chance chart, squeezed
   beside the people, was cut off on the right). Paper keeps the layout above. */
@media screen and (max-width: 600px) {
  .pico-figures-row { flex-wrap: wrap; } .pico-figure { flex: 1 1 40%; }
  .chart { height: 340px; }
  .chance-row { flex-direction: column; align-items: stretch; }
  .chance-row .figures { width: auto; }
  .chance-row .chart { flex: none; width: 100%; height: 420px; }
  .glossary dl { column-count: 1; } }
/* Opened from the file: its own print button, large enough to tap. */
.print-row { text-align: right; margin: 0 0 6px; }
.print-button { font: inherit; font-size: 13pt; padding: 8px 18px; border-radius: 6px;
  border: 2px solid #0072B2; background: #0072B2; color: white; cursor: pointer; }
""".replace("FONT_STACK", FONT_STACK)

DRAW = """
const config = {staticPlot: true, responsive: true};
for (const [id, figure] of Object.entries(FIGURES)) {
  figure.layout.height = document.getElementById(id).clientHeight;
  figure.layout.legend.font.size = 10;  // paper is read close up: room for the plot
  figure.layout.font.size = 12;
  // Short plots on paper: a smaller y-axis title stays off the chart's title above it.
  figure.layout.yaxis.title.font = {size: 10};
  // A phone's narrow chart: a smaller title still fits on its one line.
  if (document.getElementById(id).clientWidth < 420) figure.layout.title.font.size = 14;
  Plotly.newPlot(id, figure.data, figure.layout, config);
}
"""


@validate_call
def handout_html(profile: PatientProfile, today: date | None = None,
                 language: str = "en",
                 clinic: Clinic | dict[str, Any] | str | Path | None = None,
                 forecast: Forecast | None = None,
                 effect: InstanceOf[ClinicEffect] | None = None) -> str:
    """The patient's plan as one HTML file in the patient's language: inputs, forecast in
    words and charts, risks, aftercare; with a clinic (a Clinic, its settings as a dict or
    a clinic file's path), its name, contact, logo and the likely cost, and a line for the
    next visit. `profile`: a PatientProfile or its fields as a dict. `forecast`:
    estimate(profile) when the caller holds it already (the widget does), so it is not made
    again; one made for another case is refused. With the clinic's own effect (serve
    --outcomes), its band, named as the clinic's. A wrong argument raises pydantic's
    ValidationError."""
    language = check_language(language)
    return _handout(profile, forecast_for(profile, forecast, effect), today, language,
                    clinic_of(clinic, language=language))


def glossary(text: str, language: str) -> list[tuple[str, str]]:
    """(term, meaning) for each medical term of the glossary that `text` uses: a term that
    has to stay is explained once, in plain words, where a patient reads it at home."""
    folded = text.casefold()
    return [(str(entry["term"]), str(entry["meaning"]))
            for entry in wording("glossary", "terms", language=language).values()
            if str(entry["term"]).casefold() in folded]


def _handout(profile: PatientProfile, fc: Forecast, today: date | None, language: str,
             clinic: Clinic | None = None) -> str:
    cost = None
    # As the headline's cost (render/headline.py): only where the typical patient reaches
    # the goal, with the sessions' "+" when the range is open-ended.
    if clinic is not None and fc.sessions_range is not None and fc.typical_outcome == "reaches":
        money = costs(clinic, *fc.sessions_range, language)
        more = wording("headline", "open_mark", language=language) if fc.sessions_open_ended else ""
        if money is not None and clinic.price_per_session is not None:
            single = fc.sessions_range[1] == 1 and not more  # not "1 to 1 sessions"
            cost = wording("handout", "cost_line_single" if single else "cost_line",
                           language=language).format(
                price=price(clinic, clinic.price_per_session, language), low=money[0],
                high=f"{money[1]}{more}", low_n=fc.sessions_range[0],
                high_n=f"{fc.sessions_range[1]}{more}")
    spec = condition_words(profile.condition, language)
    say = wording("handout", language=language)
    low_w, high_w = fc.interval_weeks
    top = headline(fc)
    low_band, high_band = clinics_band(fc, top.session)
    # Where the band first appears (the headline), one line on what it is and which number
    # to read: a patient saw "52 in 100" beside "26-77" and did not know which to believe.
    band_note = (say["band_note"].format(reach=top.reach, low=low_band, high=high_band)
                 if fc.band_source == "studies" else
                 wording("band", "band_note_this_clinic", language=language).format(
                     reach=top.reach, low=low_band, high=high_band, courses=fc.clinic_courses))
    # How many more courses the clinic needs for its own band: the headline's caveat says it.
    top_html = answer_html(answer(profile, fc, language, clinic))
    summary = summary_html(profile, fc, language)
    cautions = warnings_html(fc, language, doctor=False)
    interval = say["interval"].format(low=low_w, high=high_w)
    said = " ".join([spec.label, Markup(top_html).striptags(), Markup(summary).striptags(),
                     Markup(cautions).striptags(), interval, *say["aftercare"]])
    # Trusted pieces go in as Markup: our CSS, the vendored plotly.js (its "</script" kept
    # from closing the tag) and fragments already rendered by templates.
    return html(
        "handout.html.j2", language=language, say=say,
        heading=say["heading"].format(title=say["title"], condition=spec.label),
        css=Markup(CSS),
        made=say["made"].format(date=long_date(today or date.today(), language),
                                app=package_version(),
                                model=fc.model_version),
        prepared_for=say["for"],
        headline=Markup(top_html), band_note=band_note,
        clinic=clinic, cost=cost,
        disclaimer=wording("disclaimer", language=language),
        summary=Markup(summary),
        icons=Markup(icon_array_html(fc, language)),
        interval=interval,
        cautions=Markup(cautions),
        glossary=glossary(said, language),
        glossary_title=wording("glossary", "title", language=language),
        references=Markup(references_html(fc, language, open=True, codes=False)),
        plotly_js=Markup(plotly_js_path().read_text("utf-8").replace("</script", "<\\/script")),
        figures={"improvement": improvement_figure(fc, profile.observations, language),
                 "probability": paper_chance(probability_figure(fc, language), language,
                                             named=top.session)},
        draw=Markup(DRAW))


def paper_chance(figure: dict[str, Any], language: str, named: int | None = None
                 ) -> dict[str, Any]:
    """The chance chart for paper, where the plot is small: the bars' numbers smaller,
    always numbering the session the headline names (`named`), and the subtitle's notes
    one a line (on one, it ran past the chart and over the axis title)."""
    layout = figure["layout"]
    numbers_above_whiskers(figure, () if named is None else (named,), size=10)
    subtitle = layout["title"].get("subtitle")
    if subtitle is not None:
        lines = subtitle["text"].split(str(wording("charts", "milestones_join", language=language)))
        subtitle["text"] = str(wording("charts", "line_break", language=language)).join(lines)
        subtitle["font"] = {"size": 12}
        layout["title"] |= {"y": 1, "yanchor": "top", "pad": {"t": 6}}
        layout["margin"]["t"] = 40 + 16 * len(lines)
    return figure
