"""HTTP to the Sheets API: the endpoint override (`remote.endpoint` or $TRACKER_SHEETS_ENDPOINT)
that sends every Google URL, the OAuth token endpoint included, to an emulator, and a client
with a timeout and a bounded, jittered exponential backoff (gspread's own BackOffHTTPClient
retries 429 forever in 6.2.1) that never blindly repeats an append.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gspread
import requests
from gspread.exceptions import APIError
from requests.adapters import HTTPAdapter

from tracker.errors import RemoteError
from tracker.models import RemoteSettings

log = logging.getLogger(__name__)


ENDPOINT_ENV = "TRACKER_SHEETS_ENDPOINT"
GOOGLE_BASES = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
    "https://oauth2.googleapis.com",
)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds; gspread has no default at all


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
