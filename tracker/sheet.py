"""The reading list as a table of text cells, and its mapping to paper fields.

Spreadsheets (a CSV/XLSX file or a Google Sheet) hold text cells under the team's own headers.
This module turns such a table into records keyed by paper id whose values are *canonical text*
(lists joined with ", ", dates in ISO form, statuses in English), validates every row, and turns
records back into cells. Comparing canonical text is what lets the three-way merge see that
"발표 완료" in the sheet and `presented` in a file are the same value.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from tracker.errors import SheetError
from tracker.models import (
    ID_PATTERN,
    MAX_ID_LENGTH,
    Paper,
    SheetColumn,
    parse_status,
    split_list,
)
from tracker.people import Roster

IGNORE_FIELD = "ignore"
LIST_FIELDS = {"authors", "topics", "aliases", "readers", "read_by"}
# Cells naming members: the sheet may write handles or names, papers/ always hold handles.
PEOPLE_FIELDS = {"readers", "read_by", "presenter"}
DATE_FIELDS = {"presented_on", "added_on"}


@dataclass
class SheetTable:
    """A spreadsheet's cells as text: `headers` is row 1, `rows[i]` is sheet row i + 2."""

    headers: list[str]
    rows: list[list[str]]
    source: str = "spreadsheet"
    meta: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for row in [self.headers, *self.rows]:
            digest.update("\x1f".join(row).encode("utf-8"))
            digest.update(b"\x1e")
        return digest.hexdigest()

    def cell(self, row_number: int, col_number: int) -> str:
        """Cell text by 1-based sheet coordinates ('' beyond the data)."""
        if row_number == 1:
            values = self.headers
        else:
            index = row_number - 2
            values = self.rows[index] if 0 <= index < len(self.rows) else []
        return values[col_number - 1] if 0 < col_number <= len(values) else ""


@dataclass
class CellUpdate:
    """Set one cell; `expected` is what we read there, checked again right before writing."""

    row: int
    col: int
    value: str
    expected: str
    paper_id: str = ""
    field: str = ""


def column_letter(col_number: int) -> str:
    letters = ""
    while col_number > 0:
        col_number, rem = divmod(col_number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------------------------
# Canonical text per field


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?$")
_YEAR_TEXT = re.compile(r"[0-9]{4}(\.0+)?")
_DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y. %m. %d", "%Y.%m.%d.", "%Y. %m. %d.")


def parse_date_text(text: str) -> dt.date:
    if _ISO_DATE.fullmatch(text):
        # The form files and most sheets hold; strptime's "%Y-%m-%d" reads it the same.
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    cleaned = text.strip()
    # Sheets exports dates with times ("2025-07-08 00:00:00") and Korean locales write
    # "2025. 7. 8"; the date part is what the team means.
    cleaned = _TIME_OF_DAY.sub("", cleaned)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not a date such as 2025-07-08")


def canonical(field_name: str, text: str) -> str:
    """The canonical text of a cell for `field_name`; ValueError with the reason if invalid."""
    value = (text or "").strip()
    if field_name == "id":
        if not value:
            return ""
        if len(value) > MAX_ID_LENGTH:
            raise ValueError(
                f"id is too long ({len(value)} characters, at most {MAX_ID_LENGTH}): it names the "
                f"file papers/<id>.md; use an arXiv id or a short slug such as lstm-1997"
            )
        if not ID_PATTERN.match(value):
            raise ValueError(
                f"id {value!r} is not a valid id: use an arXiv id (1810.04805) or a lower-case "
                "slug of letters, digits, '.', '-', '_'"
            )
        return value
    if not value:
        return ""
    if field_name in LIST_FIELDS:
        return ", ".join(split_list(value))
    if field_name in DATE_FIELDS:
        return parse_date_text(value).isoformat()
    if field_name == "status":
        return parse_status(value).value
    if field_name == "year":
        # Full-width digits (１９９７, typed with a Korean/Japanese IME) are the same year.
        value = unicodedata.normalize("NFKC", value)
        if _YEAR_TEXT.fullmatch(value):
            return value[:4]
        raise ValueError(f"year {value!r} is not a four-digit year such as 2018")
    if field_name == "arxiv":
        value = value.removeprefix("arXiv:").removeprefix("arxiv:")
        return value
    return value


def people_to_handles(field_name: str, text: str, roster: Roster) -> str:
    """Canonical text of a people cell with every name replaced by its member's handle."""
    if field_name not in PEOPLE_FIELDS or not text:
        return text
    handles = [roster.handle_of(part) for part in split_list(text)]
    return ", ".join(dict.fromkeys(handles))


def sheet_text(field_name: str, text: str, roster: Roster | None) -> str:
    """What to write into the sheet for canonical `text`: names where the sheet uses names."""
    if roster is None or field_name not in PEOPLE_FIELDS or not text:
        return text
    return ", ".join(roster.name_of(handle) for handle in split_list(text))


def paper_record(paper: Paper, fields: list[str]) -> dict[str, str]:
    """A paper's mapped fields as canonical text."""
    data = paper.model_dump(mode="json")
    record: dict[str, str] = {}
    for name in fields:
        value = data.get(name)
        if value is None:
            record[name] = ""
        elif isinstance(value, list):
            record[name] = ", ".join(str(v) for v in value)
        else:
            record[name] = str(value)
    return record


def record_values(record: dict[str, str]) -> dict[str, object]:
    """Canonical text back to the values a Paper takes (lists split, empties as None)."""
    values: dict[str, object] = {}
    for name, text in record.items():
        if name in LIST_FIELDS:
            values[name] = split_list(text)
        elif text == "":
            values[name] = None if name not in ("title", "id") else text
        else:
            values[name] = text
    return values


# --------------------------------------------------------------------------------------------
# Parsing a table


@dataclass
class ParsedSheet:
    records: dict[str, dict[str, str]]
    row_of: dict[str, int]  # paper id -> sheet row number (1-based, header is row 1)
    col_of: dict[str, int]  # field -> sheet column number (1-based)
    fields: list[str]  # mapped fields present in the sheet, in column order
    table: SheetTable
    # paper id -> the Paper its record validated as (what a new paper file is written from)
    papers: dict[str, Paper] = field(default_factory=dict)


def parse_table(
    table: SheetTable,
    columns: list[SheetColumn],
    *,
    progress: Callable[[int], None] | None = None,
    roster: Roster | None = None,
) -> ParsedSheet:
    """Validate the whole table; raise SheetError listing every problem by row and column.

    With a `roster`, people cells (readers, presenter, read_by) may name members by handle or
    by name; they come out as handles, and a person not on the roster is a problem of the row.
    """
    problems: list[str] = []
    # Headers compare as NFC: macOS and some exports write Korean decomposed (NFD), which looks
    # identical to the configured header yet is different text.
    header_to_field = {unicodedata.normalize("NFC", c.header.strip()): c.field for c in columns}
    col_of: dict[str, int] = {}
    seen_headers: dict[str, int] = {}
    used_cols: list[tuple[int, str]] = []
    width = max([len(table.headers), *(len(r) for r in table.rows)])

    for index in range(width):
        col_number = index + 1
        header = unicodedata.normalize(
            "NFC", (table.headers[index] if index < len(table.headers) else "").strip()
        )
        letter = column_letter(col_number)
        if not header:
            if any(index < len(r) and r[index].strip() for r in table.rows):
                problems.append(
                    f"column {letter}: blank header above cells with data: give it a header "
                    "(and map it in papers/team.yaml remote.columns) or clear the column"
                )
            continue
        if header in seen_headers:
            problems.append(
                f"column {letter}: header {header!r} repeats column "
                f"{column_letter(seen_headers[header])}: rename or remove one of them"
            )
            continue
        seen_headers[header] = col_number
        field_name = header_to_field.get(header)
        if field_name is None:
            known = ", ".join(repr(c.header) for c in columns)
            problems.append(
                f"column {letter}: header {header!r} is not in the column mapping ({known}): add "
                f"`- {{header: {header}, field: <paper field or ignore>}}` to remote.columns in "
                "papers/team.yaml"
            )
            continue
        if field_name == IGNORE_FIELD:
            continue
        col_of[field_name] = col_number
        used_cols.append((col_number, field_name))

    for required in ("id", "title"):
        if required not in col_of and not any(
            "is not in the column mapping" in p or "repeats" in p for p in problems
        ):
            header = next((c.header for c in columns if c.field == required), required)
            problems.append(f"row 1: no {header!r} column ({required}): add it to the sheet")
    if problems:
        raise SheetError(problems, source=table.source)

    records: dict[str, dict[str, str]] = {}
    row_of: dict[str, int] = {}
    papers: dict[str, Paper] = {}
    fields = [name for _, name in sorted(used_cols)]
    id_col = col_of["id"]
    numeric_cells: set[tuple[int, int]] = table.meta.get("numeric_cells", set())
    for offset, row in enumerate(table.rows):
        row_number = offset + 2
        if progress is not None and offset % 500 == 0:
            progress(offset)
        if not any(cell.strip() for cell in row):
            continue  # empty rows (often trailing) carry nothing
        record: dict[str, str] = {}
        row_ok = True
        for col_number, name in used_cols:
            raw = row[col_number - 1] if col_number - 1 < len(row) else ""
            if name in ("id", "arxiv") and (row_number, col_number) in numeric_cells:
                problems.append(
                    f"row {row_number}, column {column_letter(col_number)} ({name}): {raw!r} is "
                    "stored as a number, which loses digits (2101.10000 becomes 2101.1): format "
                    "the column as plain text and retype the id"
                )
                row_ok = False
                continue
            try:
                record[name] = canonical(name, raw)
                if roster is not None:
                    record[name] = people_to_handles(name, record[name], roster)
            except ValueError as exc:
                problems.append(
                    f"row {row_number}, column {column_letter(col_number)} ({name}): {exc}"
                )
                row_ok = False
        if not row_ok:
            continue
        paper_id = record.get("id", "")
        if not paper_id:
            problems.append(
                f"row {row_number}, column {column_letter(id_col)}: no id: give the paper an arXiv "
                "id or a slug such as lstm-1997"
            )
            continue
        if paper_id in row_of:
            problems.append(
                f"row {row_number}, column {column_letter(id_col)}: duplicate id {paper_id!r} "
                f"(also row {row_of[paper_id]}): ids must be unique; merge or rename one row"
            )
            continue
        try:
            paper = Paper.model_validate(record_values(record))
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "?"
                col = col_of.get(name)
                where = f"column {column_letter(col)} ({name})" if col else name
                msg = err["msg"].removeprefix("Value error, ")
                if name == "title" and err["type"] in ("missing", "value_error"):
                    msg = "no title: every paper needs a title"
                problems.append(f"row {row_number}, {where}: {msg}")
            continue
        records[paper_id] = record
        row_of[paper_id] = row_number
        papers[paper_id] = paper
    if problems:
        raise SheetError(problems, source=table.source)
    return ParsedSheet(
        records=records, row_of=row_of, col_of=col_of, fields=fields, table=table, papers=papers
    )


def build_table(
    records: dict[str, dict[str, str]],
    columns: list[SheetColumn],
    *,
    source: str,
    roster: Roster | None = None,
) -> SheetTable:
    """A fresh table holding `records` under the configured headers (used to create a sheet)."""
    mapped = [c for c in columns if c.field != IGNORE_FIELD]
    headers = [c.header for c in mapped]
    rows = [
        [sheet_text(c.field, records[i].get(c.field, ""), roster) for c in mapped]
        for i in sorted(records)
    ]
    return SheetTable(headers=headers, rows=rows, source=source)
