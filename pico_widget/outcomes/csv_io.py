"""The outcomes as CSV, one row a session: export, and an import that is all or nothing.

Why all or nothing: a clinic fixing a spreadsheet should never wonder which half of it
went in. Every line is read and validated (CourseRecord) before anything is stored, and
the first problem is refused with a sentence naming its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from pydantic import ValidationError

from ..i18n.problems import explain
from ..i18n.wording import DEFAULT_LANGUAGE, wording
from .record import DEVICE_FIELDS, CourseRecord, SessionRecord

TATTOO_COLUMNS = ("tattoo_location", "tattoo_colours", "tattoo_ink", "tattoo_scarring",
                  "tattoo_layering")
COURSE_COLUMNS = ("course_id", "condition", "severity", "fitzpatrick", "laser",
                  *TATTOO_COLUMNS)
COLUMNS = (*COURSE_COLUMNS[:5], "session", "improvement_percent", "pih", "month",
           *TATTOO_COLUMNS, *DEVICE_FIELDS)
YES, NO = ("yes", "true", "1"), ("no", "false", "0")
MAX_BYTES = 50_000_000


class CsvError(ValueError):
    """A CSV refused as a whole; the message is the sentence to show."""


def to_csv(records: Iterable[CourseRecord]) -> str:
    """The courses as CSV text with the header COLUMNS, one row a session."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        tattoo = record.tattoo.model_dump() if record.tattoo else {}
        for s in record.sessions:
            device = s.device.model_dump() if s.device else {}
            writer.writerow([
                record.course_id, record.condition, record.severity or "", record.fitzpatrick,
                record.laser, s.session, f"{s.improvement_percent:g}",
                "yes" if s.pih else "no", s.month,
                *(tattoo.get(c.removeprefix("tattoo_"), "") for c in TATTOO_COLUMNS),
                *("" if device.get(f) is None else f"{device[f]:g}" for f in DEVICE_FIELDS)])
    return out.getvalue()


def from_csv(data: bytes | str) -> list[CourseRecord]:
    """Every course in the CSV, validated; CsvError (naming the line) at the first problem."""
    say = wording("outcomes", language=DEFAULT_LANGUAGE)  # the CLI's language
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise CsvError(say["csv_not_text"])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvError(say["csv_not_text"]) from None
    rows = csv.reader(io.StringIO(data))
    header = next(rows, [])
    if [h.strip() for h in header] != list(COLUMNS) and sorted(
            h.strip() for h in header) != sorted(COLUMNS):
        raise CsvError(say["csv_columns"].format(expected=", ".join(COLUMNS)))
    names = [h.strip() for h in header]
    courses: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise CsvError(say["csv_columns"].format(expected=", ".join(COLUMNS)))
        cells = {name: cell.strip() for name, cell in zip(names, row, strict=True)}
        course = _course(cells)
        known = courses.setdefault(cells["course_id"], course)
        first_line.setdefault(cells["course_id"], line)
        for key in course:
            if key != "sessions" and course[key] != known[key]:
                problem = say["csv_mixed"].format(course=cells["course_id"], field=key)
                raise CsvError(say["csv_line"].format(line=line, problem=problem))
        try:
            known["sessions"].append(SessionRecord.model_validate(_session(cells)))
        except ValidationError as error:
            problem = explain(error, DEFAULT_LANGUAGE)
            raise CsvError(say["csv_line"].format(line=line, problem=problem)) from None
    records = []
    for course_id, course in courses.items():
        course["sessions"].sort(key=lambda s: s.session)
        try:
            records.append(CourseRecord.model_validate(course))
        except ValidationError as error:
            line = first_line[course_id]
            problem = explain(error, DEFAULT_LANGUAGE)
            raise CsvError(say["csv_line"].format(line=line, problem=problem)) from None
    return records


def _course(cells: dict[str, str]) -> dict:
    tattoo = {c.removeprefix("tattoo_"): cells[c] for c in TATTOO_COLUMNS if cells[c]}
    return {"course_id": cells["course_id"], "condition": cells["condition"],
            "severity": cells["severity"] or None, "fitzpatrick": cells["fitzpatrick"],
            "laser": cells["laser"], "tattoo": tattoo or None, "sessions": []}


def _session(cells: dict[str, str]) -> dict:
    pih = cells["pih"].lower()
    device = {f: cells[f] for f in DEVICE_FIELDS if cells[f]}
    return {"session": cells["session"], "improvement_percent": cells["improvement_percent"],
            "pih": True if pih in YES else False if pih in NO else cells["pih"],
            "month": cells["month"], "device": device or None}
