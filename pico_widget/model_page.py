"""The parameter tables of the model page, generated from the catalogue.

data/model.md holds the hand-written explanation and, between two markers, these tables;
`python -m pico_widget.model_page` rewrites them so the page never drifts from the data.
The dashboard shows the same page (model_page_html).
"""

from __future__ import annotations

import math
import sys
from importlib import resources
from pathlib import Path

from .catalogue import Basis, catalogue

START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"


def _basis(basis: Basis) -> str:
    cited = ", ".join(basis.sources)
    kind = "judgement" + (f" ({cited})" if cited else "") if basis.judgement else cited
    return f"{kind}: {basis.note}"


def parameter_tables() -> str:
    """Markdown: one section per condition, then the shared parameters."""
    cat = catalogue()
    lines: list[str] = []
    for spec in cat.conditions.values():
        lines += [
            f"### {spec.label} (`{spec.id}`)",
            "",
            f"For {spec.population}. Severity graded by {spec.severity_scale}.",
            "",
        ]
        if spec.severity:
            lines += [
                "| severity | p (median, a session) | lambda | ceiling |",
                "|---|---|---|---|",
            ]
            for level in spec.severity.values():
                lam = -math.log(1 - level.p)
                lines.append(f"| {level.label} | {level.p:.2f} | {lam:.3f} | {level.ceiling:g}% |")
            lines.append("")
        qs = spec.qswitched
        lines += [
            f"- spread between patients (log-sd): {spec.log_sd:g}",
            f"- skin type: lambda x {spec.skin_type_step:g} for each type above III",
            f"- interval: {spec.interval_weeks[0]}-{spec.interval_weeks[1]} weeks",
            f"- PIH: {spec.pih_factor:g} x the shared table",
            "- Q-switched: "
            + (
                f"lambda x {qs.lambda_factor:g}, PIH x {qs.pih_factor:g}"
                if qs
                else "not offered (no evidence)"
            ),
        ]
        lines += [f"- basis, {key.replace('_', ' ')}: {_basis(b)}" for key, b in spec.basis.items()]
        lines += [f"- caveat: {c}" for c in spec.caveats] + [""]
    tattoo = cat.tattoo
    lines += [
        "### Shared parameters",
        "",
        f"- model version {cat.model.version}; observation noise sd "
        f"{cat.model.observation_sd_percent:g} points; rate grid {cat.model.grid_points} "
        f"points over +/- {cat.model.grid_half_width_sd:g} sd; default horizon "
        f"{cat.model.default_max_sessions} sessions",
    ]
    lines += [f"- basis, {k.replace('_', ' ')}: {_basis(b)}" for k, b in cat.model.basis.items()]
    pih = ", ".join(
        f"{n}: {v:g}%"
        for n, v in zip(
            ("I", "II", "III", "IV", "V", "VI"), cat.pih.per_session_percent, strict=True
        )
    )
    lines += [
        f"- PIH a session with picosecond, by skin type: {pih}",
        f"- basis, PIH table: {_basis(cat.pih.basis)}",
        f"- Kirby-Desai: {tattoo.qswitched_sessions_per_point:g} Q-switched session a "
        f"point, satisfactory removal = {tattoo.satisfactory_fraction_of_ceiling:.0%} of "
        "the ink's ceiling",
    ]
    for laser, by_colour in tattoo.ceiling_percent.items():
        ceilings = ", ".join(f"{colour} {value:g}%" for colour, value in by_colour.items())
        lines.append(f"- tattoo ceiling, {laser}: {ceilings}")
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
    return str(render(model_page_path().read_text("utf-8")))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else model_page_path()
    target.write_text(refresh(target), "utf-8")
