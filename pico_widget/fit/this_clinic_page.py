"""The model page's table of how the "this clinic" band was validated.

data/model.md holds the plain-words section by hand and, between PAGE_START and PAGE_END,
the tables this module writes from data/this_clinic.toml (the simulation, clinic_sbc, and
the retrospective check, clinic_retrospective), so the page never drifts from the file.
Both commands call write_page after writing their part.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..core.catalogue import conditions
from ..core.models import FITZPATRICK_NUMERALS

PACKAGE = Path(__file__).resolve().parent.parent
TABLE = PACKAGE / "data" / "this_clinic.toml"
PAGE = PACKAGE / "data" / "model.md"
PAGE_START, PAGE_END = "<!-- this_clinic:start -->", "<!-- this_clinic:end -->"


def _percent(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}"


def _profile(value: dict) -> str:
    """'Nevus of Ota, type IV, goal 75 by session 5' from the file's profile."""
    condition, skin, goal = value["profile"].split(", ")
    numeral = FITZPATRICK_NUMERALS[int(skin.split()[-1]) - 1]
    return f"{conditions()[condition].label}, type {numeral}, {goal}"


def simulation_table(data: dict) -> list[str]:
    """Per profile: coverage (95% interval) and median width per N, at the shipped floor."""
    sbc = data["this_clinic"]
    courses, floor = sbc["courses"], f"{sbc['floor']:g}"
    lines = ["| simulated clinics | " + " | ".join(f"{n} courses" for n in courses) + " |",
             "|---|" + "---|" * len(courses)]
    for key, value in sbc.items():
        if not isinstance(value, dict) or "floor" not in value:
            continue
        got = value["floor"][floor]
        band = value["studies_band"]
        lines.append(f"| {_profile(value)} ({value['clinics']} clinics; new-clinic band "
                     f"{_percent(band[0])}-{_percent(band[1])} in 100): band holds, % (95% "
                     "interval) | " + " | ".join(
                         f"{_percent(c, 1)} ({_percent(a, 1)}-{_percent(b, 1)})"
                         for c, a, b in zip(
                             got["coverage"], got["coverage_low"], got["coverage_high"],
                             strict=True)) + " |")
        lines.append(f"| {conditions()[key].label}: median width against the new-clinic band | "
                     + " | ".join(f"{w:.2f}" for w in got["width"]) + " |")
    return lines


def retrospective_table(data: dict) -> list[str]:
    """Each scored figure: published, the study's own band and the new-clinic band."""
    retro = data.get("retrospective")
    if not retro:
        return []
    n = retro["figures"]
    lines = ["| study (early figures) | figure | published | band from its early figures "
             "| new-clinic band |", "|---|---|---|---|---|"]
    for f in retro["figure"]:
        lines.append(f"| {f['source']} ({', '.join(f['early'])}) | {f['what']} "
                     f"| {f['published']:g} | {f['own_clinic80'][0]:.0f}-"
                     f"{f['own_clinic80'][1]:.0f} | {f['new_clinic80'][0]:.0f}-"
                     f"{f['new_clinic80'][1]:.0f} |")
    lines += ["", f"Of {n} later figures from {retro['studies']} studies, the band from the "
              f"study's early figures held {retro['own_clinic80_holds']} "
              f"({retro['own_band80_holds']} with the figure's own sampling error), the "
              f"new-clinic band {retro['new_clinic80_holds']} "
              f"({retro['new_band80_holds']}); mean width {retro['own_clinic80_width']:.0f} "
              f"against {retro['new_clinic80_width']:.0f} points; log score "
              f"{retro['own_log_score']:.2f} against {retro['new_log_score']:.2f} nats a "
              "figure (higher is better)."]
    return lines


def block(data: dict) -> str:
    return "\n".join([*simulation_table(data), "", *retrospective_table(data)]).rstrip("\n")


def write_page(table: Path = TABLE, page: Path = PAGE) -> None:
    """Rewrite the block between the page's markers from the file (nothing else)."""
    text = page.read_text("utf-8")
    if PAGE_START not in text:
        return
    head, _, rest = text.partition(PAGE_START)
    _, _, tail = rest.partition(PAGE_END)
    data = tomllib.loads(table.read_text("utf-8"))
    page.write_text(f"{head}{PAGE_START}\n{block(data)}\n{PAGE_END}{tail}", "utf-8")


def written(out: Path) -> None:
    """Say what a command wrote; from the shipped file, rewrite the page's table too."""
    print(f"wrote {out}")
    if out.resolve() == TABLE.resolve():
        write_page()
        print(f"wrote {PAGE}")
