"""The embedded default remote: a CSV or XLSX file laid out like the team's Google Sheet.

Cells are read as text (CSV: UTF-8 with or without BOM; XLSX: a numeric id cell is refused since
the spreadsheet has already turned `2101.10000` into 2101.1). Writes replace the file atomically
after checking nobody changed it since it was read, keeping the BOM and line endings it had.

Several members may sync against one file on a shared folder. A write is a compare-and-swap:
it takes an advisory lock (`fcntl.flock` on `.<name>.lock` beside the file, bounded wait), re-reads
the file under the lock and writes only if it is byte-for-byte what this run planned against;
otherwise the run stops with "someone else synced at the same time" and writes nothing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

from tracker.errors import ConcurrentEditError, DataError
from tracker.remotes import Remote
from tracker.sheet import CellUpdate, SheetTable
from tracker.store import atomic_write_bytes

BOM = b"\xef\xbb\xbf"
LOCK_WAIT_SECONDS = 10.0
RACE_MESSAGE = "someone else synced at the same time: run sync again"


# A cell that begins with one of these runs as a formula when the CSV is opened in a
# spreadsheet program (OWASP "CSV injection"): it is written behind an apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(value: str) -> bool:
    # A value that already starts with apostrophes before a trigger gets one more, so that
    # reading strips exactly one and the round trip is exact.
    return value.lstrip("'").startswith(FORMULA_TRIGGERS) and (
        value.startswith(FORMULA_TRIGGERS) or value.startswith("'")
    )


def guard_formula(value: str) -> str:
    """The cell text to write into a CSV: formula-like text behind a leading apostrophe."""
    return "'" + value if _needs_guard(value) else value


def unguard_formula(value: str) -> str:
    """The inverse of `guard_formula` for a cell read from a CSV."""
    return value[1:] if value.startswith("'") and _needs_guard(value[1:]) else value


@contextlib.contextmanager
def sheet_lock(path: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive advisory lock for `path` (a `.<name>.lock` file beside it).

    The lock file stays in place afterwards: deleting it would let a third run lock a fresh
    file while a second still holds the old one. The wait is bounded so that a stuck run never
    blocks the others forever.
    """
    import fcntl

    lock_path = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise DataError(
            f"{lock_path}: cannot create the lock file ({exc.strerror}); nothing was written",
            fix="make the spreadsheet's folder writable for this user (the lock keeps two "
            "members' syncs from overwriting each other)",
        ) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConcurrentEditError(
                        f"{path.name}: another sync has held {lock_path.name} for {wait:.0f} s; "
                        "nothing was written",
                        fix="wait until the other member's sync ends, then run `tracker sync` "
                        "again",
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class FileRemote(Remote):
    def __init__(
        self, path: Path, *, display: str | None = None, delimiter: str | None = None
    ) -> None:
        self.path = Path(path)
        self.description = display or str(path)
        self.delimiter = delimiter
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".xlsx", ".tsv"):
            raise DataError(
                f"{self.description}: unsupported spreadsheet file type {suffix!r}",
                fix="use a .csv, .tsv or .xlsx file",
            )
        self.kind = suffix.lstrip(".")

    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def identity(self) -> str:
        # The file name only: each member's clone (or shared folder) lies somewhere else.
        return f"file {self.path.name}"

    # ---------------------------------------------------------------------------------- read

    def read(self) -> SheetTable:
        if not self.path.is_file():
            raise DataError(
                f"{self.description}: spreadsheet file not found",
                fix="check remote.path in papers/team.yaml, or run `tracker sync --apply` to create it",
            )
        data = self.path.read_bytes()
        if self.kind == "xlsx":
            table = self._read_xlsx(data)
        else:
            table = self._read_delimited(data)
        table.meta["digest"] = hashlib.sha256(data).hexdigest()
        return table

    def _read_delimited(self, data: bytes) -> SheetTable:
        bom = data.startswith(BOM)
        try:
            text = data[len(BOM) :].decode("utf-8") if bom else data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{self.description}: not UTF-8 text (byte {exc.start})",
                fix="save the spreadsheet as 'CSV UTF-8'",
            ) from exc
        newline = "\r\n" if "\r\n" in text else "\n"
        delimiter = self._delimiter()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[str]] = []
        try:
            for row in reader:
                rows.append(row)
        except csv.Error as exc:
            # The stdlib's message ("field larger than field limit (131072)") names no row.
            raise DataError(
                f"{self.description}: row {reader.line_num}: {_csv_problem(exc)}",
                fix="shorten that cell to under 128 KiB (long summaries belong in the paper's "
                "Markdown file) or fix its quotes, then run `tracker sync` again",
            ) from None
        headers = [h.removeprefix("\ufeff") for h in rows[0]] if rows else []
        if delimiter == "," and len(headers) == 1 and headers[0].count(";") >= 1:
            raise DataError(
                f"{self.description}: the file uses ';' as the delimiter (row 1 is one cell: "
                f"{headers[0][:60]!r})",
                fix='save it as comma-separated CSV, or set remote.delimiter: ";" in '
                "papers/team.yaml",
            )
        return SheetTable(
            headers=headers,
            rows=[[unguard_formula(c) for c in r] for r in rows[1:]],
            source=self.description,
            meta={"bom": bom, "newline": newline},
        )

    def _delimiter(self) -> str:
        return self.delimiter or ("\t" if self.kind == "tsv" else ",")

    def _read_xlsx(self, data: bytes) -> SheetTable:
        import zipfile

        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
            sheet = workbook.worksheets[0]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
            raise DataError(
                f"{self.description}: not a readable .xlsx workbook ({type(exc).__name__}; "
                f"{len(data)} bytes)",
                fix="open it in the spreadsheet program and save it again as .xlsx, or restore "
                "it from git (`git checkout -- <file>`)",
            ) from None
        rows: list[list[str]] = []
        numeric: set[tuple[int, int]] = set()
        for r_index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append([_xlsx_text(v) for v in row])
            numeric.update(
                (r_index, c_index)
                for c_index, v in enumerate(row, start=1)
                if isinstance(v, float | int) and not isinstance(v, bool)
            )
        workbook.close()
        headers = rows[0] if rows else []
        # Numeric cells are remembered so that an id typed as a number (2101.10000 already
        # stored as 2101.1) is refused instead of silently shortened.
        # Only the first tab is read: say which, since a workbook often has several.
        return SheetTable(
            headers=headers,
            rows=rows[1:],
            source=f"{self.description} (tab {sheet.title!r})",
            meta={"numeric_cells": numeric},
        )

    # --------------------------------------------------------------------------------- write

    def apply(self, read: SheetTable, updates: list[CellUpdate], appends: list[list[str]]) -> None:
        with sheet_lock(self.path):
            self._check_unchanged(read)
            self._apply_locked(read, updates, appends)

    def _check_unchanged(self, read: SheetTable) -> None:
        """Under the lock: the file must still be exactly what the plan was computed from."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = None
        expected = read.meta.get("digest")
        actual = hashlib.sha256(data).hexdigest() if data is not None else None
        if actual == expected:
            return
        where = ""
        if data is not None:
            with contextlib.suppress(Exception):
                current = (
                    self._read_xlsx(data) if self.kind == "xlsx" else self._read_delimited(data)
                )
                rows = [
                    n
                    for n in range(2, max(len(current.rows), len(read.rows)) + 2)
                    if (current.rows[n - 2] if n - 2 < len(current.rows) else [])
                    != (read.rows[n - 2] if n - 2 < len(read.rows) else [])
                ]
                where = f" (row {rows[0]} changed)" if rows else ""
        raise ConcurrentEditError(
            f"{self.description} was edited while syncing{where}: {RACE_MESSAGE}; "
            "nothing was written",
            fix="run `tracker sync` again to merge the new edit",
        )

    def _apply_locked(
        self, read: SheetTable, updates: list[CellUpdate], appends: list[list[str]]
    ) -> None:
        headers = list(read.headers)
        rows = [list(r) for r in read.rows]
        for update in updates:
            index = update.row - 2
            while len(rows) <= index:
                rows.append([])
            row = rows[index]
            while len(row) < update.col:
                row.append("")
            row[update.col - 1] = update.value
        # New rows go right after the last non-empty row, as Sheets' append does.
        while rows and not any(c.strip() for c in rows[-1]):
            rows.pop()
        rows.extend(list(r) for r in appends)
        table = SheetTable(headers=headers, rows=rows, source=self.description, meta=read.meta)
        self._write(table)

    def create(self, table: SheetTable) -> None:
        table.meta.setdefault("bom", True)  # Excel needs the BOM to read Korean CSV as UTF-8
        with sheet_lock(self.path):
            if self.path.exists() and self.path.read_bytes().strip(BOM + b" \t\r\n,;"):
                # Another member's first sync created it while we planned against nothing
                # (an empty or blank file is filled in place).
                raise ConcurrentEditError(
                    f"{self.description} was created while syncing: {RACE_MESSAGE}; "
                    "nothing was written",
                    fix="run `tracker sync` again to merge with the new file",
                )
            self._write(table)

    def _write(self, table: SheetTable) -> None:
        if self.kind == "xlsx":
            atomic_write_bytes(self.path, self._xlsx_bytes(table))
            return
        buffer = io.StringIO()
        delimiter = self._delimiter()
        writer = csv.writer(
            buffer, delimiter=delimiter, lineterminator=table.meta.get("newline", "\n")
        )
        writer.writerow(table.headers)
        writer.writerows([guard_formula(c) for c in row] for row in table.rows)
        data = buffer.getvalue().encode("utf-8")
        if table.meta.get("bom"):
            data = BOM + data
        atomic_write_bytes(self.path, data)

    def _xlsx_bytes(self, table: SheetTable) -> bytes:
        import openpyxl

        if self.path.exists():
            workbook = openpyxl.load_workbook(self.path)
            sheet = workbook.worksheets[0]
            sheet.delete_rows(1, sheet.max_row)
        else:
            workbook = openpyxl.Workbook()
            sheet = workbook.active
            sheet.title = "papers"
        for r_index, row in enumerate([table.headers, *table.rows], start=1):
            for c_index, value in enumerate(row, start=1):
                cell = sheet.cell(row=r_index, column=c_index, value=value if value != "" else None)
                cell.number_format = "@"  # text, so ids and dates stay as typed
                if value != "":
                    cell.data_type = "s"  # '=...' is text from the team, never a formula
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field limit" in text:
        return f"a cell is larger than the {csv.field_size_limit() // 1024} KiB the tracker reads"
    return f"the CSV cannot be read ({text})"


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
