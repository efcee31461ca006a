"""`GoogleSheetsRemote`: reading the team's sheet in one request and writing only changed cells
after re-reading them (see the package docstring for the request budget).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import gspread
from gspread.exceptions import APIError, NoValidUrlKeyFound, SpreadsheetNotFound
from gspread.utils import ValueInputOption, ValueRenderOption, extract_id_from_url

from tracker.errors import ConcurrentEditError, DataError, RemoteError
from tracker.models import RemoteSettings
from tracker.remotes import Remote
from tracker.remotes.gsheets.auth import (
    LoadedCredentials,
    _scrubber,
    load_credentials,
    make_session,
)
from tracker.remotes.gsheets.http import (
    DEFAULT_TIMEOUT,
    AmbiguousWriteError,
    BoundedRetryHTTPClient,
    RetryPolicy,
    resolve_endpoint,
)
from tracker.sheet import CellUpdate, SheetTable, column_letter

log = logging.getLogger(__name__)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# Re-checking more row blocks than this in one URL risks Google's URL length limit; past it the
# re-check reads the whole span of touched rows in one range instead.
MAX_RECHECK_RANGES = 60


# --------------------------------------------------------------------------------------------
# The remote


class _Spreadsheet(gspread.Spreadsheet):
    """Keeps the metadata gspread fetches on open, so finding the worksheet costs no request."""

    metadata: dict

    def fetch_sheet_metadata(self, params: Any = None) -> Any:
        self.metadata = super().fetch_sheet_metadata(params)
        return self.metadata


class GoogleSheetsRemote(Remote):
    """A worksheet of a Google Sheet as the team's reading list."""

    def __init__(
        self,
        spreadsheet: str,
        *,
        worksheet: str | None = None,
        credentials: LoadedCredentials,
        endpoint: str | None = None,
        id_header: str = "ID",
        text_headers: tuple[str, ...] = (),
        retry: RetryPolicy | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        text = (spreadsheet or "").strip()
        if not text:
            raise DataError(
                "papers/team.yaml: remote.kind is gsheets but remote.spreadsheet is empty",
                fix="set remote.spreadsheet to the sheet's URL or key",
            )
        try:
            self.key = extract_id_from_url(text) if "://" in text else text
        except NoValidUrlKeyFound:
            raise DataError(
                f"remote.spreadsheet {text!r} is not a Google Sheets URL",
                fix="copy the URL from the browser (https://docs.google.com/spreadsheets/d/...)",
            ) from None
        self.worksheet_title = worksheet
        self.endpoint = endpoint
        self.id_header = id_header
        # Columns whose cells must be text (id, arXiv): a number there has lost digits.
        self.text_headers = tuple(text_headers) or (id_header,)
        self._creds = credentials
        self._scrub = _scrubber(credentials.secrets)
        self.description = f"Google Sheet {self.key}" + (f" / {worksheet}" if worksheet else "")
        self.http = BoundedRetryHTTPClient(
            credentials.credentials,
            make_session(credentials.credentials, endpoint),
            policy=retry,
            timeout=timeout,
            scrub=self._scrub,
        )
        self._book: _Spreadsheet | None = None
        self._sheet: gspread.Worksheet | None = None
        self._sheet_missing = False

    @classmethod
    def from_settings(
        cls, settings: RemoteSettings, root: Path, *, retry: RetryPolicy | None = None
    ) -> GoogleSheetsRemote:
        endpoint = resolve_endpoint(settings)
        creds = load_credentials(settings, Path(root), anonymous_ok=endpoint is not None)
        timeout = settings.model_extra.get("timeout") if settings.model_extra else None
        id_header = next((c.header for c in settings.columns if c.field == "id"), "ID")
        text_headers = tuple(c.header for c in settings.columns if c.field in ("id", "arxiv"))
        return cls(
            settings.spreadsheet or "",
            worksheet=settings.worksheet,
            credentials=creds,
            endpoint=endpoint,
            id_header=id_header,
            text_headers=text_headers,
            retry=retry,
            timeout=float(timeout) if timeout else DEFAULT_TIMEOUT,
        )

    def __repr__(self) -> str:
        return (
            f"GoogleSheetsRemote(spreadsheet={self.key!r}, worksheet={self.worksheet_title!r}, "
            f"identity={self._creds.identity!r})"
        )

    @property
    def identity(self) -> str:
        return f"gsheets {self.key} / {self.worksheet_title or '(first tab)'}"

    @property
    def request_count(self) -> int:
        """Sheets API requests sent so far (retries included; token requests not)."""
        return self.http.requests_sent

    # ------------------------------------------------------------------------------ opening

    def _open(self) -> gspread.Worksheet | None:
        if self._book is None:
            try:
                self._book = _Spreadsheet(self.http, {"id": self.key})
            except APIError as exc:
                raise self._access_error(exc.response.status_code, str(exc)) from None
            except SpreadsheetNotFound:
                raise self._access_error(404, "not found") from None
            sheets = self._book.metadata.get("sheets", [])
            if self.worksheet_title is None:
                props = sheets[0]["properties"] if sheets else None
            else:
                props = next(
                    (
                        s["properties"]
                        for s in sheets
                        if s["properties"]["title"] == self.worksheet_title
                    ),
                    None,
                )
            self._sheet_missing = props is None
            if props is not None:
                self._sheet = gspread.Worksheet(self._book, props, self.key, self.http)
        return self._sheet

    def _access_error(self, status: int, detail: str) -> RemoteError:
        identity = self._creds.identity
        if status in (403, 404):
            if self._creds.read_only:
                fix = "share the sheet as 'Anyone with the link: Viewer', or use a service account"
            elif "@" in identity:
                fix = (
                    f"open the sheet in the browser, Share, and add {identity} as an Editor "
                    "(also check remote.spreadsheet in papers/team.yaml)"
                )
            else:
                fix = f"make sure {identity} can open the sheet in the browser"
            return RemoteError(
                f"cannot open {self.description}: HTTP {status} (not found, or not shared with "
                f"{identity})",
                fix=fix,
            )
        return RemoteError(f"cannot open {self.description}: {self._scrub(detail)}")

    def _worksheet(self) -> gspread.Worksheet:
        sheet = self._open()
        if sheet is None:
            raise DataError(
                f"{self.description}: worksheet {self.worksheet_title!r} not found",
                fix="check remote.worksheet in papers/team.yaml (tab names are case-sensitive)",
            )
        return sheet

    def exists(self) -> bool:
        return self._open() is not None

    def check(self) -> str:
        """For `tracker doctor`: can we open it, as whom, which worksheet."""
        sheet = self._open()
        who = self._creds.identity
        if sheet is None:
            return f"reachable as {who}; worksheet {self.worksheet_title!r} does not exist yet"
        return f"reachable as {who}; worksheet {sheet.title!r}"

    # --------------------------------------------------------------------------------- read

    def read(self) -> SheetTable:
        sheet = self._worksheet()
        try:
            values = sheet.get_values(value_render_option=ValueRenderOption.formatted)
        except APIError as exc:
            raise self._api_error("read", exc) from None
        grid = [[str(v) for v in row] for row in values]
        if grid == [[]]:
            grid = []
        headers = grid[0] if grid else []
        return SheetTable(
            headers=headers,
            rows=grid[1:],
            source=self.description,
            meta={
                "worksheet": sheet.title,
                "rows_read": len(grid),
                "numeric_cells": self._numeric_cells(sheet, grid),
            },
        )

    def _numeric_cells(self, sheet: gspread.Worksheet, grid: list[list[str]]) -> set:
        """(row, col) of id/arXiv cells that hold a number, not text.

        Formatted values cannot tell: the number 2101.1 (typed 2101.10000 without the
        apostrophe) reads as "2101.1", a valid-looking slug. Unformatted values keep the type,
        so those columns are read once more, UNFORMATTED, but only when a cell there looks
        like a number at all.
        """
        if not grid:
            return set()
        wanted = {unicodedata.normalize("NFC", h.strip()) for h in self.text_headers}
        columns = [
            index + 1
            for index, header in enumerate(grid[0])
            if unicodedata.normalize("NFC", header.strip()) in wanted
        ]
        looks_numeric = [
            col
            for col in columns
            if any(
                _NUMBER.fullmatch(row[col - 1].strip()) for row in grid[1:] if col - 1 < len(row)
            )
        ]
        if not looks_numeric:
            return set()
        ranges = [f"{column_letter(c)}2:{column_letter(c)}" for c in looks_numeric]
        try:
            answers = sheet.batch_get(ranges, value_render_option=ValueRenderOption.unformatted)
        except APIError as exc:
            raise self._api_error("read the id column", exc) from None
        numeric = set()
        for col, answer in zip(looks_numeric, answers, strict=True):
            for offset, row in enumerate(answer):
                if row and isinstance(row[0], int | float) and not isinstance(row[0], bool):
                    numeric.add((offset + 2, col))
        return numeric

    # -------------------------------------------------------------------------------- write

    def _require_write(self) -> None:
        if self._creds.read_only:
            raise RemoteError(
                f"{self.description}: an API key can only read public sheets; nothing was pushed",
                fix="use remote.auth: service_account to push changes (see docs/dev/google-sheets.md)",
            )

    def apply(self, read: SheetTable, updates: list[CellUpdate], appends: list[list[str]]) -> None:
        if not updates and not appends:
            return
        self._require_write()
        sheet = self._worksheet()
        if updates:
            self._recheck(sheet, read, updates)
            data = [
                {"range": f"{column_letter(u.col)}{u.row}", "values": [[u.value]]} for u in updates
            ]
            try:
                sheet.batch_update(data, value_input_option=ValueInputOption.raw)
            except APIError as exc:
                raise self._api_error("write cells", exc) from None
        if appends:
            self._append(sheet, read, appends, pushed=len(updates))

    def _recheck(
        self, sheet: gspread.Worksheet, read: SheetTable, updates: list[CellUpdate]
    ) -> None:
        """Refuse to write if a person changed a target cell since `read` (one batch_get)."""
        width = column_letter(max(max(u.col for u in updates), len(read.headers), 1))
        rows = sorted({u.row for u in updates})
        blocks: list[tuple[int, int]] = []
        for row in rows:
            if blocks and row == blocks[-1][1] + 1:
                blocks[-1] = (blocks[-1][0], row)
            else:
                blocks.append((row, row))
        if len(blocks) > MAX_RECHECK_RANGES:
            blocks = [(rows[0], rows[-1])]
        ranges = [f"A{a}:{width}{b}" for a, b in blocks]
        try:
            answers = sheet.batch_get(ranges, value_render_option=ValueRenderOption.formatted)
        except APIError as exc:
            raise self._api_error("re-check", exc) from None
        current: dict[tuple[int, int], str] = {}
        for (first, _), answer in zip(blocks, answers, strict=True):
            for offset, row in enumerate(answer):
                for index, value in enumerate(row):
                    current[(first + offset, index + 1)] = str(value)
        # A person deleting or inserting a row shifts the rows under us: the target cell may
        # still hold the expected text ("" often) while belonging to another paper. The id cell of
        # every target row must therefore still hold the id we read there.
        headers = [h.strip() for h in read.headers]
        if self.id_header in headers:
            id_col = headers.index(self.id_header) + 1
            for row in rows:
                if current.get((row, id_col), "").strip() != read.cell(row, id_col).strip():
                    raise ConcurrentEditError(
                        f"someone inserted, deleted or re-sorted rows while syncing (row {row} "
                        f"held {read.cell(row, id_col)!r}, now "
                        f"{current.get((row, id_col), '')!r}): run sync again; nothing was written",
                        fix="run `tracker sync` again to merge with the sheet as it is now",
                    )
        changed = [u for u in updates if current.get((u.row, u.col), "") != u.expected]
        if changed:
            first = changed[0]
            header = read.cell(1, first.col) or column_letter(first.col)
            more = f" (and {len(changed) - 1} more cell(s))" if len(changed) > 1 else ""
            raise ConcurrentEditError(
                f"someone edited row {first.row} ({header}: {first.expected!r} → "
                f"{current.get((first.row, first.col), '')!r}) while syncing{more}: "
                "run sync again; nothing was written",
                fix="run `tracker sync` again to merge the new edit",
            )

    def _append(
        self, sheet: gspread.Worksheet, read: SheetTable, appends: list[list[str]], *, pushed: int
    ) -> None:
        done = f"{pushed} cell(s) were pushed but " if pushed else ""
        try:
            sheet.append_rows(appends, value_input_option=ValueInputOption.raw, table_range="A1")
            return
        except AmbiguousWriteError as exc:
            log.info("append interrupted (%s): checking which rows arrived", exc.message)
        except APIError as exc:
            raise self._api_error(f"add rows ({done}no row was added)", exc) from None
        # The append may or may not have happened: look before appending again, so no row is
        # ever added twice.
        missing = self._rows_not_in_sheet(sheet, read, appends)
        if not missing:
            return
        try:
            sheet.append_rows(missing, value_input_option=ValueInputOption.raw, table_range="A1")
        except (AmbiguousWriteError, APIError):
            raise RemoteError(
                f"{self.description}: the connection failed twice while adding {len(missing)} "
                f"new row(s); {done}the rows may be incomplete",
                fix="run `tracker sync --apply` again: it sees which rows arrived and adds only "
                "the missing ones",
            ) from None

    def _rows_not_in_sheet(
        self, sheet: gspread.Worksheet, read: SheetTable, appends: list[list[str]]
    ) -> list[list[str]]:
        headers = [h.strip() for h in read.headers]
        if self.id_header not in headers:
            raise RemoteError(f"{self.description}: no {self.id_header!r} column to check appends")
        col = headers.index(self.id_header) + 1
        letter = column_letter(col)
        answer = sheet.get(f"{letter}:{letter}", value_render_option=ValueRenderOption.formatted)
        present = {str(row[0]).strip() for row in answer if row}
        return [row for row in appends if row[col - 1].strip() not in present]

    def create(self, table: SheetTable) -> None:
        """Add the configured worksheet to the existing spreadsheet and fill it with `table`."""
        self._require_write()
        cells = [table.headers, *table.rows]
        existing = self._open()
        if existing is not None:
            # A wholly blank tab (every new spreadsheet's first one) is filled in place, after
            # checking it is still blank.
            try:
                current = existing.get_values(value_render_option=ValueRenderOption.formatted)
                if any(str(v).strip() for row in current for v in row):
                    raise ConcurrentEditError(
                        f"{self.description} was filled in while syncing: someone else synced "
                        "at the same time: run sync again; nothing was written",
                        fix="run `tracker sync` again to merge with what is there now",
                    )
                if existing.row_count < len(cells) or existing.col_count < len(table.headers):
                    existing.resize(
                        rows=max(existing.row_count, len(cells) + 100),
                        cols=max(existing.col_count, len(table.headers)),
                    )
                existing.update(cells, "A1", value_input_option=ValueInputOption.raw)
            except APIError as exc:
                raise self._api_error("fill the blank worksheet", exc) from None
            return
        assert self._book is not None
        title = self.worksheet_title or "papers"
        try:
            sheet = self._book.add_worksheet(
                title, rows=max(len(cells) + 100, 1000), cols=max(len(table.headers), 26)
            )
            sheet.update(cells, "A1", value_input_option=ValueInputOption.raw)
        except APIError as exc:
            raise self._api_error("create the worksheet", exc) from None
        self._sheet, self._sheet_missing = sheet, False

    def _api_error(self, action: str, exc: APIError) -> RemoteError:
        status = exc.response.status_code
        if status in (401, 403, 404):
            return self._access_error(status, str(exc))
        message = self._scrub(str(exc.error.get("message", "")))
        return RemoteError(
            f"{self.description}: could not {action}: HTTP {status}: {message}",
            fix="run `tracker sync` again; if it repeats, check the sheet in the browser",
        )
