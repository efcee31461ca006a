"""The Google Sheets remote: the team's reading list in a Google Sheet, through gspread.

This module owns everything between the sync engine and the Sheets API v4:

- opening the sheet by key or URL with a service account, a stored user OAuth login or an API
  key (read-only, public sheets), and errors that say whom to share the sheet with;
- an HTTP client with a timeout and a bounded, jittered exponential backoff (gspread's own
  BackOffHTTPClient retries 429 forever in 6.2.1) that never blindly repeats an append;
- the endpoint override (`remote.endpoint` or $TRACKER_SHEETS_ENDPOINT) that sends every
  Google URL, the OAuth token endpoint included, to an emulator;
- reading in one request (FORMATTED_VALUE, so ids stay text and formulas read as their value),
  plus the id and arXiv columns once more UNFORMATTED when a cell there looks like a number
  (only the unformatted value tells the number 2101.1 from the text "2101.1"), and writing one
  RAW `batch_update` of only the changed cells plus one `append_rows`, after re-reading the
  target cells to refuse overwriting a person's edit made since the read;
- a wholly blank tab (a new spreadsheet's first one) read as empty and filled with the header.

A sync costs 3 Sheets requests when nothing changed (metadata, values, id columns) and at most
6 when something did (+ re-check, batch update, append). Credentials never appear in messages or logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import random
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gspread
import requests
from gspread.exceptions import APIError, NoValidUrlKeyFound, SpreadsheetNotFound
from gspread.utils import ValueInputOption, ValueRenderOption, extract_id_from_url
from requests.adapters import HTTPAdapter

from tracker.atomic import atomic_write_text
from tracker.errors import ConcurrentEditError, DataError, RemoteError
from tracker.models import RemoteSettings
from tracker.remotes import Remote
from tracker.sheet import CellUpdate, SheetTable, column_letter

log = logging.getLogger(__name__)

ENDPOINT_ENV = "TRACKER_SHEETS_ENDPOINT"
API_KEY_ENV = "TRACKER_GOOGLE_API_KEY"
AUTHORIZED_USER_ENV = "TRACKER_GOOGLE_AUTHORIZED_USER"
GOOGLE_BASES = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
    "https://oauth2.googleapis.com",
)
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
READONLY_SCOPES = ["https://www.googleapis.com/auth/spreadsheets.readonly"]
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds; gspread has no default at all
# Re-checking more row blocks than this in one URL risks Google's URL length limit; past it the
# re-check reads the whole span of touched rows in one range instead.
MAX_RECHECK_RANGES = 60


# --------------------------------------------------------------------------------------------
# Endpoint override


class EndpointRewriteAdapter(HTTPAdapter):
    """Sends a request for a Google base URL to `base` instead (an emulator on loopback)."""

    def __init__(self, google_base: str, base: str) -> None:
        super().__init__()
        self.google_base = google_base
        self.base = base.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        if url.startswith(self.google_base):
            request.url = self.base + url[len(self.google_base) :]
        return super().send(request, *args, **kwargs)


def mount_endpoint(session: requests.Session, base: str | None) -> requests.Session:
    """Rewrite Sheets, Drive and OAuth token URLs of `session` to `base` (no-op if None)."""
    if base:
        for google_base in GOOGLE_BASES:
            session.mount(google_base, EndpointRewriteAdapter(google_base, base))
    return session


def resolve_endpoint(settings: RemoteSettings) -> str | None:
    """$TRACKER_SHEETS_ENDPOINT wins over `remote.endpoint`, like Google's *_EMULATOR_HOST."""
    value = os.environ.get(ENDPOINT_ENV) or settings.endpoint
    if not value:
        return None
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        value = "http://" + value  # "127.0.0.1:8765", as the emulator-host convention writes it
    return value


# --------------------------------------------------------------------------------------------
# Bounded retries


@dataclass
class RetryPolicy:
    """Jittered exponential backoff ("full jitter"): attempt n waits U(0, min(cap, base * 2^n))."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = self.rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


class AmbiguousWriteError(RemoteError):
    """A non-idempotent write (append) failed in a way that leaves unknown whether it happened."""


def _idempotent(method: str, url: str) -> bool:
    # GET/PUT and values:batchUpdate/clear set cells to given values: repeating them is harmless.
    # An append or a structural batchUpdate (addSheet) would happen twice.
    if method.upper() in ("GET", "PUT"):
        return True
    tail = url.split("?")[0]
    return tail.endswith((":batchUpdate", ":clear", ":batchClear")) and "/values" in tail


class BoundedRetryHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with a timeout, a request counter and bounded retries."""

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        policy: RetryPolicy | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        scrub: Callable[[str], str] = str,
    ) -> None:
        super().__init__(auth, session)
        self.auth = auth
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self.scrub = scrub
        self.requests_sent = 0
        self.retries = 0

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        idempotent = _idempotent(method, endpoint)
        what = f"{method.upper()} {_short(endpoint)}"
        last = ""
        signing_in = False
        for attempt in range(self.policy.attempts):
            self.requests_sent += 1
            retry_after: float | None = None
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as exc:
                status = exc.response.status_code
                if status not in RETRY_STATUSES:
                    raise
                last = f"HTTP {status} {exc.error.get('status', '')}".strip()
                if not idempotent and status != 429:
                    # A 5xx after an append may still have appended: let the caller look first.
                    raise AmbiguousWriteError(f"{what}: {last}") from None
                header = exc.response.headers.get("Retry-After")
                retry_after = float(header) if header and header.isdigit() else None
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = type(exc).__name__
                if not idempotent and not isinstance(exc, requests.ConnectTimeout):
                    raise AmbiguousWriteError(f"{what}: {last}") from None
            except Exception as exc:  # token refresh and transport errors from google-auth
                import google.auth.exceptions as gexc

                if not isinstance(exc, gexc.TransportError) or isinstance(exc, gexc.RefreshError):
                    raise _auth_error(exc, self.scrub) from None
                # The token request failed before the Sheets request was sent: fetching a
                # token is idempotent, so it is retried like any dropped connection.
                signing_in = True
                last = "no answer from the sign-in (OAuth token) endpoint"
            if attempt + 1 < self.policy.attempts:
                self.retries += 1
                wait = self.policy.delay(attempt, retry_after)
                log.info("%s failed (%s); retry %d in %.1fs", what, last, attempt + 1, wait)
                self.policy.sleep(wait)
        if signing_in:
            raise RemoteError(
                f"cannot reach Google to sign in: {last}, {self.policy.attempts} times in a row",
                fix="check the network connection (and remote.endpoint / "
                f"{ENDPOINT_ENV} if set), then run `tracker sync` again; nothing was written",
            )
        raise RemoteError(
            f"Google Sheets kept failing: {what} gave {last} {self.policy.attempts} times in a row",
            fix="wait a minute (the quota is per minute) and run `tracker sync` again; "
            "nothing was written by the failed request",
        )


def _short(url: str) -> str:
    for base in GOOGLE_BASES:
        url = url.replace(base, "")
    return url.split("?")[0]


def _auth_error(exc: Exception, scrub: Callable[[str], str]) -> RemoteError:
    import google.auth.exceptions as gexc

    if isinstance(exc, gexc.RefreshError):
        return RemoteError(
            f"Google refused the credentials: {scrub(str(exc))}",
            fix="check that the key is current (not deleted in the Cloud console) and that the "
            "Sheets API is enabled for its project",
        )
    if isinstance(exc, gexc.TransportError):
        return RemoteError(
            f"cannot reach Google to sign in: {scrub(str(exc))}",
            fix="check the network connection, then run `tracker sync` again; nothing was written",
        )
    if isinstance(exc, RemoteError):
        return exc
    return RemoteError(f"Google Sheets request failed: {type(exc).__name__}: {scrub(str(exc))}")


# --------------------------------------------------------------------------------------------
# Credentials


@dataclass
class LoadedCredentials:
    credentials: Any
    identity: str  # whom the sheet must be shared with (a client_email), or a description
    read_only: bool = False
    secrets: list[str] = field(default_factory=list, repr=False)


EXPECTED_KEY_SHAPE = (
    "the path of the JSON key file, the JSON text itself, or that JSON encoded in base64"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")


def _decode_base64_json(value: str) -> str | None:
    """The JSON text inside base64 (standard or URL-safe alphabet), or None if it is not."""
    compact = re.sub(r"\s+", "", value)
    if len(compact) < 16 or not _BASE64.fullmatch(compact):
        return None
    padded = compact + "=" * (-len(compact) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            text = decode(padded).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if text.lstrip().startswith("{"):
            return text
    return None


def _read_json_secret(text_or_path: str, what: str, root: Path, origin: str) -> tuple[dict, str]:
    """A JSON credential given inline, as base64 of the JSON (how CI systems store secrets) or
    as a file path; (data, label). `origin` names where the value came from (an environment
    variable or the team.yaml setting). Errors name `origin` and the shape it expects and never
    quote the value: it may be the key itself."""
    value = text_or_path.strip()
    fix = f"set {origin} to {EXPECTED_KEY_SHAPE} (see docs/dev/google-sheets.md)"
    if value.startswith("{"):
        label = f"the {what} JSON in {origin}"
        raw = value
    elif "-----BEGIN" in value or "PRIVATE KEY" in value:
        raise RemoteError(
            f"{origin} holds a PEM private key on its own; expected {EXPECTED_KEY_SHAPE}",
            fix=f"{fix}; the PEM text belongs inside the JSON key as its private_key",
        )
    elif len(value) < 1024 and "\n" not in value and _is_file(root, value):
        path = _key_path(root, value)
        label = str(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise RemoteError(
                f"{label}: the {what} file cannot be read as UTF-8 text", fix=fix
            ) from None
    elif (decoded := _decode_base64_json(value)) is not None:
        label = f"the base64-encoded {what} JSON in {origin}"
        raw = decoded
    elif "\n" in value or len(value) >= 256 or _BASE64.fullmatch(value):
        raise RemoteError(
            f"{origin} is neither a file path, nor JSON, nor base64 of JSON (the value is not "
            f"shown: it may be secret); expected {EXPECTED_KEY_SHAPE}",
            fix=fix,
        )
    else:
        shown = value if ("/" in value or value.endswith(".json")) else "(the value is not shown)"
        raise RemoteError(
            f"{what} file not found: {origin} names {shown}, which is not a file",
            fix="point remote.credentials_path in papers/team.yaml, or the environment "
            "variable it names, at the JSON file downloaded from the Google Cloud console "
            f"({EXPECTED_KEY_SHAPE})",
        )
    try:
        data = json.loads(raw)
    except ValueError:
        # The JSON error would quote the text around the fault: it may be key material.
        raise RemoteError(
            f"{label} is not valid JSON", fix=f"download the {what} again; {fix}"
        ) from None
    if not isinstance(data, dict):
        raise RemoteError(f"{label} is not a JSON object", fix=f"download the {what} again")
    return data, label


def _key_path(root: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def _is_file(root: Path, value: str) -> bool:
    try:
        return _key_path(root, value).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def _secret_strings(data: dict) -> list[str]:
    secrets = []
    for name in ("private_key", "private_key_id", "client_secret", "refresh_token", "token"):
        value = data.get(name)
        if isinstance(value, list):  # a key pasted as a list of lines
            value = "\n".join(str(v) for v in value)
        if isinstance(value, str) and len(value) >= 8:
            secrets.append(value)
            # A PEM key is quoted line by line in some error texts.
            secrets.extend(line for line in value.splitlines() if len(line) >= 16)
    for nested in ("installed", "web"):
        if isinstance(data.get(nested), dict):
            secrets.extend(_secret_strings(data[nested]))
    return secrets


def load_credentials(
    settings: RemoteSettings, root: Path, *, anonymous_ok: bool = False
) -> LoadedCredentials:
    """The credentials `settings.auth` names; RemoteError (without secrets) when unusable."""
    auth = (settings.auth or "service_account").lower().replace("-", "_")
    env_value = os.environ.get(settings.credentials_env or "", "")
    source = settings.credentials_path or env_value
    origin = (
        "remote.credentials_path in papers/team.yaml"
        if settings.credentials_path
        else str(settings.credentials_env)
    )
    if auth == "api_key":
        from google.auth.api_key import Credentials as ApiKeyCredentials

        key = os.environ.get(API_KEY_ENV) or env_value
        if not key:
            raise RemoteError(
                "remote.auth is api_key but no API key is set",
                fix=f"export {API_KEY_ENV}=<key> (never write the key into papers/team.yaml)",
            )
        return LoadedCredentials(
            ApiKeyCredentials(key), "anyone with the link (API key)", read_only=True, secrets=[key]
        )
    if not source:
        if anonymous_ok:
            # Emulators take requests without a sign-in; real Google answers 401 to these.
            return LoadedCredentials(None, "anonymous (emulator)")
        hint = (
            "a service account key file"
            if auth == "service_account"
            else "the OAuth client secrets file"
        )
        raise RemoteError(
            f"no Google credentials: set {settings.credentials_env} to {hint}",
            fix=f"export {settings.credentials_env}=/path/outside/the/repo/key.json "
            "(or set remote.credentials_path in papers/team.yaml); see docs/dev/google-sheets.md",
        )
    if auth == "service_account":
        from google.oauth2.service_account import Credentials as SACredentials

        data, label = _read_json_secret(source, "service account key", root, origin)
        secrets = _secret_strings(data)
        email = data.get("client_email")
        if data.get("type") not in (None, "service_account") or not isinstance(email, str):
            raise RemoteError(
                f"{label} is not a service account key (no client_email / type)",
                fix="create a key for a service account (IAM > Service accounts > Keys > JSON)",
            )
        key = data.get("private_key")
        if not isinstance(key, str) or "-----BEGIN" not in key:
            shape = type(key).__name__ if key is not None else "missing"
            raise RemoteError(
                f"{label}: private_key is {'a ' + shape if key is not None else shape}; expected "
                "one string holding the PEM key ('-----BEGIN PRIVATE KEY-----\\n...'), as in "
                "the JSON file Google gives you",
                fix="download a new JSON key for the service account and use it unchanged",
            )
        try:
            creds = SACredentials.from_service_account_info(data, scopes=SCOPES)
        except Exception as exc:
            # The library's message may quote the key (an InvalidValue repr): only its type.
            raise RemoteError(
                f"{label}: the service account key cannot be used ({type(exc).__name__}: "
                "private_key is not a PEM key the library can read)",
                fix="download a new JSON key for the service account",
            ) from None
        return LoadedCredentials(creds, email, secrets=secrets)
    if auth == "oauth":
        from google.oauth2.credentials import Credentials as UserCredentials

        client_config, label = _read_json_secret(source, "OAuth client secrets", root, origin)
        secrets = _secret_strings(client_config)
        stored = Path(
            os.environ.get(AUTHORIZED_USER_ENV)
            or settings.model_extra.get("authorized_user_path", "")
            or Path.home() / ".config" / "tracker" / "authorized_user.json"
        ).expanduser()
        creds = None
        if stored.is_file():
            info, _ = _read_json_secret(
                str(stored), "stored Google login", root, AUTHORIZED_USER_ENV
            )
            secrets += _secret_strings(info)
            try:
                creds = UserCredentials.from_authorized_user_info(info, SCOPES)
            except ValueError:
                creds = None
        if creds is None:
            # The browser consent flow: interactive, so it cannot run in tests or CI.
            creds = gspread.auth.local_server_flow(client_config, SCOPES)
            # 0600 from the first byte: the token is a secret.
            atomic_write_text(stored, creds.to_json(), mode=0o600)
        return LoadedCredentials(creds, "the signed-in Google account", secrets=secrets)
    raise DataError(
        f"papers/team.yaml: remote.auth {settings.auth!r} is unknown",
        fix="use service_account, oauth or api_key",
    )


def _scrubber(secrets: list[str]) -> Callable[[str], str]:
    ordered = sorted({s for s in secrets if s}, key=len, reverse=True)

    def scrub(text: str) -> str:
        for secret in ordered:
            text = text.replace(secret, "***")
        return text

    return scrub


def make_session(credentials: Any, endpoint: str | None) -> requests.Session:
    """An authorised requests session (token refresh included) honouring the endpoint override."""
    from google.auth.transport.requests import AuthorizedSession, Request

    if credentials is None:
        return mount_endpoint(requests.Session(), endpoint)
    token_session = mount_endpoint(requests.Session(), endpoint)
    session = AuthorizedSession(credentials, auth_request=Request(token_session))
    return mount_endpoint(session, endpoint)


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
