"""The Google Sheets remote: the team's reading list in a Google Sheet, through gspread.

This package owns everything between the sync engine and the Sheets API v4, in three parts:
`http` (endpoint override, bounded retry), `auth` (credentials) and `remote` (reads, writes):

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

from tracker.remotes.gsheets.auth import (
    API_KEY_ENV,
    AUTHORIZED_USER_ENV,
    READONLY_SCOPES,
    SCOPES,
    LoadedCredentials,
    load_credentials,
    make_session,
)
from tracker.remotes.gsheets.http import (
    DEFAULT_TIMEOUT,
    ENDPOINT_ENV,
    GOOGLE_BASES,
    RETRY_STATUSES,
    AmbiguousWriteError,
    BoundedRetryHTTPClient,
    EndpointRewriteAdapter,
    RetryPolicy,
    mount_endpoint,
    resolve_endpoint,
)
from tracker.remotes.gsheets.remote import GoogleSheetsRemote

__all__ = [
    "API_KEY_ENV",
    "AUTHORIZED_USER_ENV",
    "DEFAULT_TIMEOUT",
    "ENDPOINT_ENV",
    "GOOGLE_BASES",
    "READONLY_SCOPES",
    "RETRY_STATUSES",
    "SCOPES",
    "AmbiguousWriteError",
    "BoundedRetryHTTPClient",
    "EndpointRewriteAdapter",
    "GoogleSheetsRemote",
    "LoadedCredentials",
    "RetryPolicy",
    "load_credentials",
    "make_session",
    "mount_endpoint",
    "resolve_endpoint",
]
