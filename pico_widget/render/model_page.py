"""The parameter tables of the model page, generated from the catalogue.

data/model.md holds the hand-written explanation and, between two markers, these tables;
`python -m pico_widget.render.model_page` rewrites them so the page never drifts from the data.
The dashboard shows the same page (model_page_html). It is the model's one page:
docs/model.md links it and repeats none of it (tests/test_docs.py).
"""

from __future__ import annotations

import base64
import re
import sys
from importlib import resources
from pathlib import Path

from ..core.catalogue import Basis, catalogue, fitted

START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"
_COMMENT = re.compile(r"<!--.*?-->[ \t]*\n?", re.DOTALL)


def _basis(basis: Basis) -> str:
    cited = ", ".join(basis.sources)
    kind = "judgement" + (f" ({cited})" if cited else "") if basis.judgement else cited
    return f"{kind}: {basis.note}"


def _level_rows(prior: dict, fit: dict, complete: bool) -> list[str]:
    """Median patient's p and ceiling per severity and, with a group that clears
    completely, its share (the ceiling is then the median of the others, as a line under
    the table says)."""
    extra = (" clear completely, fitted |", "---|") if complete else ("", "")
    lines = ["| severity | p prior | p fitted | ceiling prior | ceiling fitted |" + extra[0],
             "|---|---|---|---|---|" + extra[1]]
    for key, level in prior.items():
        got = fit[key]
        share = f" {got.complete_share:.0%} |" if complete else ""
        lines.append(f"| {level.label} | {level.p:.2f} | {got.p:.2f} | {level.ceiling:g}% "
                     f"| {got.ceiling:.0f}% |{share}")
    if complete:
        lines += ["", "Ceilings here are those of the patients who do not clear completely."]
    return [*lines, ""]


def parameter_tables() -> str:
    """Markdown: one section per condition (priors and fitted values), then shared ones."""
    cat, fit = catalogue(), fitted()
    lines: list[str] = []
    for spec in cat.conditions.values():
        got = fit.conditions[spec.id]
        lines += [f"### {spec.label} (`{spec.id}`)", "",
                  f"For {spec.population}. Severity graded by {spec.severity_scale}. "
                  f"Fitted to: {', '.join(got.rows) or 'no rows (priors only)'}.", ""]
        if spec.severity and got.severity:
            lines += _level_rows(spec.severity, got.severity, spec.complete_share is not None)
        qs = spec.qswitched
        lines += [
            f"- spread of rates (log-sd): prior {spec.rate_sd:g}, fitted {got.rate_sd:.2f}",
            f"- spread of ceilings (logit-sd): prior {spec.ceiling_sd:g}, fitted "
            f"{got.ceiling_sd:.2f}",
            f"- patients who clear completely: prior {spec.complete_share:.0%}, fitted "
            f"{got.complete_share:.0%}" + (" at moderate severity (by severity in the table)"
                                          if got.severity else "")
            if spec.complete_share is not None else
            "- patients who clear completely: none modelled (no row reports complete "
            "clearance)",
            "- skin type: through the Kirby-Desai score (a point for each type)"
            if spec.graded_by_kirby_desai else
            f"- skin type: lambda x {got.skin_type_step:.2f} for each type above III "
            f"(prior {spec.skin_type_step:g})",
            f"- interval: {spec.interval_weeks[0]}-{spec.interval_weeks[1]} weeks, usually "
            f"{spec.usual_interval_weeks:g}",
            f"- PIH: {fit.pih.condition_factor[spec.id]:.2f} x the shared table (prior "
            f"{spec.pih_factor:g}); typical course "
            + (f"{spec.course_sessions:g} sessions" if spec.course_sessions else
               "from the Kirby-Desai score"),
            "- Q-switched: "
            + (f"lambda x {got.qswitched_rate_factor:.2f} (prior {qs.rate_factor:g}), PIH x "
               f"{fit.pih.qswitched_factor:.2f} (shared)" if qs and got.qswitched_rate_factor
               else "not offered (no evidence)"),
        ]
        if got.sessions_per_point is not None:
            lines.append(f"- Kirby-Desai: the median patient reaches 90% of their ceiling after "
                         f"{got.sessions_per_point:.2f} Q-switched sessions a point (prior "
                         f"{cat.tattoo.qswitched_sessions_per_point:g}); ink-colour ceilings "
                         f"shifted by {got.ceiling_shift or 0:+.2f} on the logit scale")
        lines += [f"- basis, {key.replace('_', ' ')}: {_basis(b)}" for key, b in spec.basis.items()]
        lines += ["- caveat: " + c.format(
            usual=f"{spec.usual_interval_weeks:g}", interval_low=spec.interval_weeks[0],
            interval_high=spec.interval_weeks[1], course="(the forecast's typical course)")
            for c in spec.caveats] + [""]
    tattoo = cat.tattoo
    lines += ["### Shared parameters", "",
              f"- model version {fit.model_version}; observation noise sd "
              f"{cat.model.observation_sd_percent:g} points; default horizon "
              f"{cat.model.default_max_sessions} sessions; no session count below "
              f"{cat.model.min_reach_share:.0%} reaching the goal"]
    lines += [f"- basis, {k.replace('_', ' ')}: {_basis(b)}" for k, b in cat.model.basis.items()]
    numerals = ("I", "II", "III", "IV", "V", "VI")
    prior_pih = ", ".join(f"{n}: {v:g}%" for n, v in zip(numerals, cat.pih.per_session_percent,
                                                         strict=True))
    fit_pih = ", ".join(f"{n}: {v:.1f}%" for n, v in zip(numerals, fit.pih.per_session_percent,
                                                         strict=True))
    lines += [
        f"- PIH a session with picosecond, mean by skin type: prior {prior_pih}; fitted "
        f"{fit_pih}",
        f"- PIH spread between patients (beta concentration): prior {cat.pih.concentration:g}, "
        f"fitted {fit.pih.concentration:.2f}; Q-switched factor prior "
        f"{cat.pih.qswitched_factor:g}, fitted {fit.pih.qswitched_factor:.2f}",
        f"- PIH fitted to: {', '.join(fit.pih.rows)}",
        f"- basis, PIH table: {_basis(cat.pih.basis)}",
    ]
    for laser, by_colour in tattoo.ceiling_percent.items():
        ceilings = ", ".join(f"{colour} {value:g}%" for colour, value in by_colour.items())
        lines.append(f"- tattoo ceiling of the median patient before the fitted shift, "
                     f"{laser}: {ceilings}")
    lines += [
        f"- basis, tattoo {k.replace('_', ' ')}: {_basis(b)}" for k, b in tattoo.basis.items()
    ]
    lines += ["", "### References", ""]
    lines += [f"- **{key}** {citation}" for key, citation in cat.references.items()]
    return "\n".join(lines) + "\n"


def refresh(page: Path) -> str:
    """The page's text with the generated block replaced by the current tables."""
    text = page.read_text("utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{parameter_tables()}{END}{tail}"


def model_page_path() -> Path:
    return Path(str(resources.files("pico_widget").joinpath("data/model.md")))


def model_page_html() -> str:
    """The model page as HTML, for the dashboard's 'How these numbers are made' panel."""
    import mistune  # nbconvert's Markdown renderer; imported only when the panel opens

    render = mistune.create_markdown(plugins=["table"])
    # Comments (the table markers, notes for whoever edits the file) are for the source:
    # mistune passes them through as raw HTML, and the dialog showed them as text.
    text = _COMMENT.sub("", model_page_path().read_text("utf-8"))
    html = str(render(text))
    picture = model_page_path().with_name("calibration.png")
    if picture.exists():  # the page works offline: the plot travels inside it
        data = base64.b64encode(picture.read_bytes()).decode("ascii")
        html = html.replace('src="calibration.png"', f'src="data:image/png;base64,{data}"')
    return html


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else model_page_path()
    target.write_text(refresh(target), "utf-8")
