"""Bounded HTTP for the commands that talk to web services (webhooks, paper search APIs).

Every call has a timeout; a request budget caps how many calls one command makes; 429 and 5xx
answers and dropped connections are retried a bounded number of times, waiting as `Retry-After`
says (capped) or with exponential backoff. Failures become a `RemoteError` that names the
service's host and never the full URL (a webhook URL is a secret).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from tracker.errors import RemoteError

BACKOFF_ENV = "TRACKER_HTTP_BACKOFF"  # seconds before the first retry (tests set 0)
MAX_WAIT = 30.0


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "(no host)"


@dataclass
class RequestBudget:
    """At most `limit` requests (retries included) for one command."""

    limit: int
    used: int = 0

    def spend(self, what: str) -> None:
        if self.used >= self.limit:
            raise RemoteError(
                f"{what}: request budget of {self.limit} used up",
                fix="raise --max-requests, or narrow the search",
            )
        self.used += 1


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def request(
    method: str,
    url: str,
    *,
    what: str,
    session: requests.Session | None = None,
    timeout: float = 10.0,
    retries: int = 3,
    budget: RequestBudget | None = None,
    **kwargs: Any,
) -> requests.Response:
    """One request with bounded retries; returns a 2xx response or raises RemoteError."""
    backoff = float(os.environ.get(BACKOFF_ENV, "1.0"))
    http = session or requests
    problem = ""
    for attempt in range(retries + 1):
        if budget is not None:
            budget.spend(what)
        wait = backoff * 2**attempt
        try:
            response = http.request(method, url, timeout=timeout, **kwargs)
        except requests.Timeout:
            problem = f"no answer from {host_of(url)} within {timeout:g} s"
        except requests.ConnectionError:
            problem = f"could not reach {host_of(url)} (offline?)"
        else:
            code = response.status_code
            if code == 429 or code >= 500:
                problem = f"{host_of(url)} answered HTTP {code}"
                wait = min(_retry_after(response) or wait, MAX_WAIT)
            elif code >= 400:
                raise RemoteError(
                    f"{what}: {host_of(url)} refused the request (HTTP {code})",
                    fix="check the address and the request (see the message above)",
                )
            else:
                return response
        if attempt < retries:
            time.sleep(wait)
    raise RemoteError(
        f"{what}: {problem} after {retries + 1} tries",
        fix="try again later, or check the network",
    )
