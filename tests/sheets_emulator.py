"""A loopback imitation of the Google Sheets API v4, enough for gspread 6.2.1 and the tracker.

It owns an in-memory set of spreadsheets and an `http.server` on 127.0.0.1 (port 0, in a daemon
thread) that answers:

- `POST /token` (the OAuth token endpoint a service account or a stored user login calls),
- `GET/POST /v4/spreadsheets/{id}` (metadata) and `{id}:batchUpdate` (addSheet, deleteSheet,
  updateSheetProperties, appendDimension),
- `values/{range}` get/update, `:append`, `:clear`, and `values:batchGet/batchUpdate/batchClear`.

Cells keep what Sheets keeps: a typed value (text, number, bool, date serial) and an optional
formula. `valueInputOption=USER_ENTERED` parses input the way Sheets does (so "2101.10000" becomes
the number 2101.1 and "007" becomes 7, which is why the tracker writes RAW); `RAW` stores text as
text. Reads render FORMATTED_VALUE, UNFORMATTED_VALUE or FORMULA.

Test switches: `fail_next` (the next N requests answer 429 or another status), `fail_request`
(the Nth request from now answers 500 or drops the connection, optionally after applying it),
`on` (a hook run when a request of a given kind arrives, e.g. a person editing a cell between
the tracker's read and write), plus per-kind request counts.

Simplification, on purpose: `append` writes after the last non-empty row of the sheet, where real
Sheets looks for the "table" around the given range.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import string
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERIAL_EPOCH = dt.date(1899, 12, 30)  # Sheets' (and Lotus 1-2-3's) day zero
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_A1_END = re.compile(r"^([A-Za-z]*)(\d*)$")
_CELL_REF = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")


# --------------------------------------------------------------------------------------------
# Cells and sheets


@dataclass
class Cell:
    """One cell: its computed/typed value and, for a formula cell, the formula text."""

    value: str | int | float | bool | None = None
    formula: str | None = None
    is_date: bool = False


@dataclass
class Worksheet:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (row0, col0) -> Cell

    def last_row(self) -> int:
        """Number of rows up to the last one holding anything (0 when empty)."""
        filled = [r for (r, _), c in self.cells.items() if not _is_empty(c)]
        return max(filled) + 1 if filled else 0

    def last_col(self) -> int:
        filled = [c0 for (_, c0), c in self.cells.items() if not _is_empty(c)]
        return max(filled) + 1 if filled else 0


@dataclass
class Spreadsheet:
    key: str
    title: str
    sheets: list[Worksheet] = field(default_factory=list)
    shared_with: set[str] | None = None  # None: any signed-in identity may read and write
    public: bool = False  # readable with an API key

    def sheet(self, title: str | None) -> Worksheet | None:
        if title is None:
            return self.sheets[0] if self.sheets else None
        return next((s for s in self.sheets if s.title == title), None)


def _is_empty(cell: Cell | None) -> bool:
    return cell is None or (cell.formula is None and cell.value in (None, ""))


class ApiError(Exception):
    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message


def col_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def col_letters(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA (bijective base 26), written apart from the tracker's own."""
    if number <= 0:
        return ""
    head, rem = divmod(number - 1, 26)
    return col_letters(head) + string.ascii_uppercase[rem]


def _format_number(value: float | int) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(value, ".15g")
    return str(value)


# --------------------------------------------------------------------------------------------
# The emulator


@dataclass
class _Fault:
    status: int | str  # an HTTP status, or "drop" to close the connection without an answer
    apply_first: bool = False


class SheetsEmulator:
    """In-memory spreadsheets behind a loopback HTTP server; use as a context manager."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.counts: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []  # (kind, decoded path) of every request
        self.faults_injected = 0
        self._token_drops = 0
        self.tokens: dict[str, str] = {}  # access token -> identity (client_email / user)
        # Like Google's local emulators, requests without credentials are accepted (as
        # "anonymous") unless a test turns this off to check the 401 path.
        self.allow_anonymous = True
        self._fail_next: list[_Fault] = []
        self._fail_at: dict[int, _Fault] = {}
        self._hooks: list[tuple[str, Callable[[SheetsEmulator], None], list[int]]] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------- lifecycle

    def start(self) -> SheetsEmulator:
        emulator = self

        class Handler(_Handler):
            pass

        Handler.emulator = emulator
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the emulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------------------ fixtures

    def add_spreadsheet(
        self,
        key: str,
        *,
        title: str = "Reading list",
        worksheets: dict[str, list[list[Any]]] | None = None,
        shared_with: set[str] | None = None,
        public: bool = False,
    ) -> Spreadsheet:
        """Create a spreadsheet; cell text is stored as typed by a person (USER_ENTERED)."""
        with self._lock:
            book = Spreadsheet(key=key, title=title, shared_with=shared_with, public=public)
            for index, (name, rows) in enumerate((worksheets or {"Sheet1": []}).items()):
                sheet = Worksheet(sheet_id=index * 1000 + 7, title=name)
                sheet.rows = max(1000, len(rows) + 10)
                sheet.cols = max(26, max((len(r) for r in rows), default=0))
                for r0, row in enumerate(rows):
                    for c0, raw in enumerate(row):
                        if raw is not None and raw != "":
                            sheet.cells[(r0, c0)] = self._typed(raw, "USER_ENTERED")
                book.sheets.append(sheet)
            self.spreadsheets[key] = book
            return book

    def set_cell(self, key: str, sheet: str | None, a1: str, text: Any) -> None:
        """A person typing into one cell (USER_ENTERED: formulas, numbers, dates parsed)."""
        with self._lock:
            ws = self._sheet(key, sheet)
            r0, c0 = _parse_cell(a1)
            ws.cells[(r0, c0)] = self._typed(text, "USER_ENTERED")

    def delete_row(self, key: str, sheet: str | None, row_number: int) -> None:
        """A person deleting a sheet row: rows below move up."""
        with self._lock:
            ws = self._sheet(key, sheet)
            moved: dict[tuple[int, int], Cell] = {}
            for (r0, c0), cell in ws.cells.items():
                if r0 == row_number - 1:
                    continue
                moved[(r0 - 1 if r0 >= row_number else r0, c0)] = cell
            ws.cells = moved

    def values(self, key: str, sheet: str | None = None, render: str = "FORMATTED_VALUE") -> list:
        """The sheet's values as a reader would get them (trailing empties trimmed)."""
        with self._lock:
            ws = self._sheet(key, sheet)
            return self._read_grid(ws, (0, 0, ws.rows - 1, ws.cols - 1), render)

    def cell(self, key: str, sheet: str | None, a1: str) -> Cell | None:
        with self._lock:
            return self._sheet(key, sheet).cells.get(_parse_cell(a1))

    # ----------------------------------------------------------------------- fault switches

    def fail_next(self, count: int, status: int = 429) -> None:
        """The next `count` requests answer `status` without being applied."""
        with self._lock:
            self._fail_next.extend(_Fault(status) for _ in range(count))

    def fail_request(self, nth: int, status: int | str = 500, *, apply_first: bool = False) -> None:
        """The `nth` request from now (1-based) answers `status` or "drop"s the connection.

        With `apply_first` the request takes effect before the failure: the client cannot tell
        whether its write happened (the case that makes a blind retry of an append duplicate).
        """
        with self._lock:
            self._fail_at[self.total_requests + nth] = _Fault(status, apply_first)

    def drop_token_requests(self, count: int) -> None:
        """The next `count` requests to the OAuth token endpoint drop the connection."""
        with self._lock:
            self._token_drops += count

    def on(self, kind: str, hook: Callable[[SheetsEmulator], None], *, times: int = 1) -> None:
        """Run `hook(emulator)` when a request of `kind` (e.g. "values.batchGet") arrives."""
        with self._lock:
            self._hooks.append((kind, hook, [times]))

    @property
    def total_requests(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "token")

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.log.clear()
            self._fail_at.clear()
            self._fail_next.clear()

    # ------------------------------------------------------------------------ request entry

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict, _Fault | None]:
        """Route one request: (status, JSON body, fault to act out after applying or None)."""
        parsed = urllib.parse.urlsplit(raw_path)
        params = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        kind, route = _route(method, parsed.path)
        with self._lock:
            self.counts[kind] += 1
            self.log.append((kind, urllib.parse.unquote(parsed.path)))
            if kind == "token":
                if self._token_drops > 0:
                    self._token_drops -= 1
                    self.faults_injected += 1
                    return 0, {}, _Fault("drop")
                return 200, self._token(body), None
            number = self.total_requests
            fault = self._fail_at.pop(number, None)
            if fault is None and self._fail_next:
                fault = self._fail_next.pop(0)
            for hook_kind, hook, left in self._hooks:
                if hook_kind == kind and left[0] > 0:
                    left[0] -= 1
                    hook(self)
            if fault is not None:
                self.faults_injected += 1
                if not fault.apply_first:
                    return _fault_answer(fault), _error_body(fault), fault
            try:
                if route is None:
                    raise ApiError(404, "NOT_FOUND", f"no such method: {method} {parsed.path}")
                identity = self._identity(headers, params)
                result = self._dispatch(kind, route, params, body, identity)
                status, answer = 200, result
            except ApiError as exc:
                status = exc.code
                answer = {"error": {"code": exc.code, "message": exc.message, "status": exc.status}}
            if fault is not None:  # applied, then the answer is lost or replaced
                return _fault_answer(fault), _error_body(fault), fault
            return status, answer, None

    # ------------------------------------------------------------------------------ helpers

    def _sheet(self, key: str, title: str | None) -> Worksheet:
        ws = self.spreadsheets[key].sheet(title)
        if ws is None:
            raise KeyError(title)
        return ws

    def _token(self, body: bytes) -> dict:
        form = urllib.parse.parse_qs(body.decode("utf-8"))
        grant = form.get("grant_type", [""])[0]
        if grant == "refresh_token":
            identity = "user:" + form.get("client_id", ["?"])[0]
        else:
            assertion = form.get("assertion", [""])[0]
            try:
                payload = assertion.split(".")[1]
                claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
                identity = str(claims["iss"])
            except (IndexError, ValueError, KeyError):
                return {"error": "invalid_grant", "error_description": "bad assertion"}
        token = f"emulator-token-{len(self.tokens) + 1}"
        self.tokens[token] = identity
        return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def _identity(self, headers: dict[str, str], params: dict[str, list[str]]) -> str:
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
            if token not in self.tokens:
                raise ApiError(
                    401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
                )
            return self.tokens[token]
        if headers.get("x-goog-api-key") or params.get("key"):
            return "api-key"
        if self.allow_anonymous:
            return "anonymous"
        raise ApiError(
            401, "UNAUTHENTICATED", "Request is missing required authentication credential."
        )

    def _book(self, key: str, identity: str, *, write: bool) -> Spreadsheet:
        book = self.spreadsheets.get(key)
        if book is None:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        if identity == "api-key":
            if not book.public:
                raise ApiError(403, "PERMISSION_DENIED", "The caller does not have permission")
            if write:
                raise ApiError(
                    401, "UNAUTHENTICATED", "API keys are not supported by this API for writes."
                )
        elif book.shared_with is not None and identity not in book.shared_with:
            raise ApiError(403, "PERMISSION_DENIED", "The caller does not have permission")
        return book

    def _dispatch(
        self, kind: str, route: dict, params: dict[str, list[str]], body: bytes, identity: str
    ) -> dict:
        payload = json.loads(body.decode("utf-8")) if body else {}
        writes = kind not in ("spreadsheets.get", "values.get", "values.batchGet")
        book = self._book(route["key"], identity, write=writes)
        first = lambda name, default=None: params.get(name, [default])[0]  # noqa: E731
        render = first("valueRenderOption") or "FORMATTED_VALUE"
        if kind == "spreadsheets.get":
            return self._metadata(book)
        if kind == "spreadsheets.batchUpdate":
            return self._spreadsheet_batch_update(book, payload)
        if kind == "values.get":
            ws, box = self._range(book, route["range"])
            return self._value_range(ws, box, render)
        if kind == "values.batchGet":
            ranges = params.get("ranges", [])
            answers = []
            for name in ranges:
                ws, box = self._range(book, name)
                answers.append(self._value_range(ws, box, render))
            return {"spreadsheetId": book.key, "valueRanges": answers}
        option = first("valueInputOption") or payload.get("valueInputOption")
        if kind in ("values.update", "values.append", "values.batchUpdate") and option not in (
            "RAW",
            "USER_ENTERED",
        ):
            raise ApiError(
                400, "INVALID_ARGUMENT", "valueInputOption is required (RAW|USER_ENTERED)"
            )
        if kind == "values.update":
            ws, box = self._range(book, route["range"])
            return self._write(book, ws, box, payload.get("values", []), option)
        if kind == "values.batchUpdate":
            replies = []
            for item in payload.get("data", []):
                ws, box = self._range(book, item["range"])
                replies.append(self._write(book, ws, box, item.get("values", []), option))
            return {
                "spreadsheetId": book.key,
                "totalUpdatedCells": sum(r["updatedCells"] for r in replies),
                "responses": replies,
            }
        if kind == "values.append":
            ws, box = self._range(book, route["range"])
            values = payload.get("values", [])
            start_row = ws.last_row()
            needed = start_row + len(values)
            if needed > ws.rows:
                ws.rows = needed
            reply = self._write(
                book, ws, (start_row, box[1], needed - 1, ws.cols - 1), values, option
            )
            return {
                "spreadsheetId": book.key,
                "tableRange": reply["updatedRange"],
                "updates": reply,
            }
        if kind in ("values.clear", "values.batchClear"):
            names = [route["range"]] if kind == "values.clear" else payload.get("ranges", [])
            for name in names:
                ws, (r1, c1, r2, c2) = self._range(book, name)
                for r0, c0 in [k for k in ws.cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
                    del ws.cells[(r0, c0)]
            return {"spreadsheetId": book.key, "clearedRanges": names}
        raise ApiError(400, "INVALID_ARGUMENT", f"unsupported request {kind}")

    def _metadata(self, book: Spreadsheet) -> dict:
        return {
            "spreadsheetId": book.key,
            "properties": {"title": book.title, "locale": "ko_KR", "timeZone": "Asia/Seoul"},
            "sheets": [
                {
                    "properties": {
                        "sheetId": ws.sheet_id,
                        "title": ws.title,
                        "index": index,
                        "sheetType": "GRID",
                        "gridProperties": {"rowCount": ws.rows, "columnCount": ws.cols},
                    }
                }
                for index, ws in enumerate(book.sheets)
            ],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.key}/edit",
        }

    def _spreadsheet_batch_update(self, book: Spreadsheet, payload: dict) -> dict:
        replies: list[dict] = []
        for request in payload.get("requests", []):
            if "addSheet" in request:
                props = request["addSheet"].get("properties", {})
                title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
                if book.sheet(title) is not None:
                    raise ApiError(
                        400, "INVALID_ARGUMENT", f'A sheet with the name "{title}" already exists.'
                    )
                grid = props.get("gridProperties", {})
                ws = Worksheet(
                    sheet_id=max((s.sheet_id for s in book.sheets), default=0) + 1,
                    title=title,
                    rows=int(grid.get("rowCount", 1000)),
                    cols=int(grid.get("columnCount", 26)),
                )
                book.sheets.insert(int(props.get("index", len(book.sheets))), ws)
                replies.append(
                    {
                        "addSheet": {
                            "properties": {
                                "sheetId": ws.sheet_id,
                                "title": ws.title,
                                "index": book.sheets.index(ws),
                                "sheetType": "GRID",
                                "gridProperties": {"rowCount": ws.rows, "columnCount": ws.cols},
                            }
                        }
                    }
                )
            elif "deleteSheet" in request:
                sheet_id = request["deleteSheet"]["sheetId"]
                book.sheets = [s for s in book.sheets if s.sheet_id != sheet_id]
                replies.append({})
            elif "updateSheetProperties" in request:
                props = request["updateSheetProperties"]["properties"]
                ws = next(s for s in book.sheets if s.sheet_id == props["sheetId"])
                grid = props.get("gridProperties", {})
                ws.rows = int(grid.get("rowCount", ws.rows))
                ws.cols = int(grid.get("columnCount", ws.cols))
                ws.title = props.get("title", ws.title)
                replies.append({})
            elif "appendDimension" in request:
                spec = request["appendDimension"]
                ws = next(s for s in book.sheets if s.sheet_id == spec["sheetId"])
                if spec.get("dimension") == "ROWS":
                    ws.rows += int(spec["length"])
                else:
                    ws.cols += int(spec["length"])
                replies.append({})
            else:
                raise ApiError(400, "INVALID_ARGUMENT", f"unsupported request {sorted(request)}")
        return {"spreadsheetId": book.key, "replies": replies}

    def _range(self, book: Spreadsheet, name: str) -> tuple[Worksheet, tuple[int, int, int, int]]:
        title, cells = _split_range(name, book)
        ws = book.sheet(title)
        if ws is None:
            raise ApiError(400, "INVALID_ARGUMENT", f"Unable to parse range: {name}")
        if not cells:
            return ws, (0, 0, ws.rows - 1, ws.cols - 1)
        try:
            start, _, end = cells.partition(":")
            m1, m2 = _A1_END.match(start), _A1_END.match(end or start)
            if not m1 or not m2:
                raise ValueError(name)
            c1 = col_number(m1.group(1)) - 1 if m1.group(1) else 0
            r1 = int(m1.group(2)) - 1 if m1.group(2) else 0
            if end:
                c2 = col_number(m2.group(1)) - 1 if m2.group(1) else ws.cols - 1
                r2 = int(m2.group(2)) - 1 if m2.group(2) else ws.rows - 1
            else:
                c2 = c1 if m1.group(1) else ws.cols - 1
                r2 = r1 if m1.group(2) else ws.rows - 1
        except ValueError as exc:
            raise ApiError(400, "INVALID_ARGUMENT", f"Unable to parse range: {name}") from exc
        return ws, (r1, c1, r2, c2)

    def _value_range(self, ws: Worksheet, box: tuple[int, int, int, int], render: str) -> dict:
        r1, c1, r2, c2 = box
        r2, c2 = min(r2, ws.rows - 1), min(c2, ws.cols - 1)
        answer: dict[str, Any] = {
            "range": f"'{ws.title}'!{col_letters(c1 + 1)}{r1 + 1}:{col_letters(c2 + 1)}{r2 + 1}",
            "majorDimension": "ROWS",
        }
        values = self._read_grid(ws, (r1, c1, r2, c2), render)
        if values:
            answer["values"] = values
        return answer

    def _read_grid(self, ws: Worksheet, box: tuple[int, int, int, int], render: str) -> list:
        r1, c1, r2, c2 = box
        r2 = min(r2, ws.last_row() - 1)
        c2 = min(c2, ws.last_col() - 1)
        rows: list[list[Any]] = []
        for r0 in range(r1, r2 + 1):
            row = [self._render(ws, ws.cells.get((r0, c0)), render) for c0 in range(c1, c2 + 1)]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def _render(self, ws: Worksheet, cell: Cell | None, render: str) -> Any:
        if cell is None:
            return ""
        if cell.formula is not None:
            if render == "FORMULA":
                return cell.formula
            value: Any = _evaluate(cell.formula[1:], ws, self)
        else:
            value = cell.value
        if value is None:
            return ""
        if render == "FORMATTED_VALUE":
            if cell.is_date and isinstance(value, int | float):
                return (SERIAL_EPOCH + dt.timedelta(days=int(value))).isoformat()
            if isinstance(value, bool | int | float):
                return _format_number(value)
            return value
        return value

    def _write(
        self,
        book: Spreadsheet,
        ws: Worksheet,
        box: tuple[int, int, int, int],
        values: list[list[Any]],
        option: str,
    ) -> dict:
        r1, c1 = box[0], box[1]
        height = len(values)
        width = max((len(v) for v in values), default=0)
        if r1 + height > ws.rows or c1 + width > ws.cols:
            raise ApiError(
                400,
                "INVALID_ARGUMENT",
                f"Range ('{ws.title}'!{col_letters(c1 + 1)}{r1 + 1}) exceeds grid limits. "
                f"Max rows: {ws.rows}, max columns: {ws.cols}",
            )
        cells = 0
        for dr, row in enumerate(values):
            for dc, raw in enumerate(row):
                if raw is None:
                    continue  # null leaves the cell as it is, as in the real API
                key = (r1 + dr, c1 + dc)
                if raw == "":
                    ws.cells.pop(key, None)
                else:
                    ws.cells[key] = self._typed(raw, option)
                cells += 1
        end = f"{col_letters(c1 + max(width, 1))}{r1 + max(height, 1)}"
        return {
            "spreadsheetId": book.key,
            "updatedRange": f"'{ws.title}'!{col_letters(c1 + 1)}{r1 + 1}:{end}",
            "updatedRows": height,
            "updatedColumns": width,
            "updatedCells": cells,
        }

    @staticmethod
    def _typed(raw: Any, option: str) -> Cell:
        if isinstance(raw, Cell):
            return raw
        if not isinstance(raw, str):
            return Cell(value=raw)
        if option == "RAW":
            return Cell(value=raw)
        text = raw
        if text.startswith("'"):
            return Cell(value=text[1:])  # the apostrophe prefix keeps a typed value as text
        if text.startswith("=") and len(text) > 1:
            return Cell(formula=text)
        if _NUMBER.match(text.strip()):
            number = float(text)
            return Cell(value=int(number) if number.is_integer() else number)
        match = _ISO_DATE.match(text.strip())
        if match:
            day = dt.date(*(int(g) for g in match.groups()))
            return Cell(value=(day - SERIAL_EPOCH).days, is_date=True)
        if text.upper() in ("TRUE", "FALSE"):
            return Cell(value=text.upper() == "TRUE")
        return Cell(value=text)


# --------------------------------------------------------------------------------------------
# Routing, ranges and formulas


def _route(method: str, path: str) -> tuple[str, dict | None]:
    if path.rstrip("/") == "/token":
        return "token", {}
    match = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", path)
    if not match:
        return "unknown", None
    key, rest = urllib.parse.unquote(match.group(1)), match.group(2)
    if rest in ("", "/"):
        return ("spreadsheets.get" if method == "GET" else "unknown"), {"key": key}
    if rest == ":batchUpdate":
        return "spreadsheets.batchUpdate", {"key": key}
    if rest.startswith("/values:"):
        verb = rest.removeprefix("/values:")
        kinds = {"batchGet": "values.batchGet", "batchUpdate": "values.batchUpdate"}
        kinds["batchClear"] = "values.batchClear"
        return kinds.get(verb, "unknown"), {"key": key}
    if rest.startswith("/values/"):
        tail = rest.removeprefix("/values/")
        quoted, _, verb = tail.partition(":")  # ':' inside the range is percent-encoded
        rng = urllib.parse.unquote(quoted)
        if verb == "append":
            return "values.append", {"key": key, "range": rng}
        if verb == "clear":
            return "values.clear", {"key": key, "range": rng}
        if method == "GET":
            return "values.get", {"key": key, "range": rng}
        if method == "PUT":
            return "values.update", {"key": key, "range": rng}
    return "unknown", None


def _split_range(name: str, book: Spreadsheet) -> tuple[str | None, str]:
    """("sheet title" or None for the first sheet, "A1:B2" or "" for the whole sheet)."""
    text = name.strip()
    if text.startswith("'"):
        end = 1
        while end < len(text):
            if text[end] == "'" and text[end + 1 : end + 2] == "'":
                end += 2
                continue
            if text[end] == "'":
                break
            end += 1
        title = text[1:end].replace("''", "'")
        rest = text[end + 1 :]
        return title, rest.removeprefix("!")
    if "!" in text:
        title, _, cells = text.partition("!")
        return title, cells
    if book.sheet(text) is not None:
        return text, ""
    return None, text


def _parse_cell(a1: str) -> tuple[int, int]:
    match = _CELL_REF.match(a1.upper())
    if not match:
        raise ValueError(f"not a cell reference: {a1}")
    return int(match.group(2)) - 1, col_number(match.group(1)) - 1


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside quotes and parentheses."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == sep:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _evaluate(expr: str, ws: Worksheet, emulator: SheetsEmulator) -> Any:
    """A small formula language: literals, cell refs, `&`, CONCATENATE, HYPERLINK, + and -."""
    expr = expr.strip()
    pieces = _split_top(expr, "&")
    if len(pieces) > 1:
        return "".join(_as_text(_evaluate(p, ws, emulator)) for p in pieces)
    terms = _split_top(expr, "+")
    if len(terms) > 1:
        values = [_evaluate(t, ws, emulator) for t in terms]
        if all(isinstance(v, int | float) for v in values):
            return sum(values)
        return "#VALUE!"
    if expr.startswith('"') and expr.endswith('"') and len(expr) >= 2:
        return expr[1:-1].replace('""', '"')
    if _NUMBER.match(expr):
        number = float(expr)
        return int(number) if number.is_integer() else number
    if _CELL_REF.match(expr.upper()):
        cell = ws.cells.get(_parse_cell(expr))
        return emulator._render(ws, cell, "UNFORMATTED_VALUE") if cell else ""
    call = re.match(r"^([A-Z]+)\((.*)\)$", expr, re.S)
    if call:
        name, args = call.group(1), [a for a in _split_top(call.group(2), ",") if a.strip()]
        values = [_evaluate(a, ws, emulator) for a in args]
        if name == "CONCATENATE":
            return "".join(_as_text(v) for v in values)
        if name == "HYPERLINK":
            return values[-1] if values else ""
    return "#NAME?"


def _as_text(value: Any) -> str:
    if isinstance(value, bool | int | float):
        return _format_number(value)
    return str(value)


def _fault_answer(fault: _Fault) -> int:
    return fault.status if isinstance(fault.status, int) else 0


def _error_body(fault: _Fault) -> dict:
    status = fault.status if isinstance(fault.status, int) else 0
    names = {
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
        408: "DEADLINE_EXCEEDED",
    }
    message = (
        "Quota exceeded for quota metric 'Read requests' of service 'sheets.googleapis.com'"
        if status == 429
        else "Internal error encountered."
    )
    return {"error": {"code": status, "message": message, "status": names.get(status, "UNKNOWN")}}


# --------------------------------------------------------------------------------------------
# HTTP


class _Handler(BaseHTTPRequestHandler):
    emulator: SheetsEmulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # tests read counts, not access logs

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, answer, fault = self.emulator.handle(self.command, self.path, headers, body)
        if fault is not None and fault.status == "drop":
            self.close_connection = True  # no answer at all: the client sees a dropped connection
            return
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
