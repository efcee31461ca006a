"""Credentials for the Sheets remote: a service account, a stored user OAuth login or an API key
(read-only, public sheets), loaded from a file, an environment variable or base64 text;
secrets never appear in messages or logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gspread
import requests

from tracker.atomic import atomic_write_text
from tracker.errors import DataError, RemoteError
from tracker.models import RemoteSettings
from tracker.remotes.gsheets.http import mount_endpoint

API_KEY_ENV = "TRACKER_GOOGLE_API_KEY"
AUTHORIZED_USER_ENV = "TRACKER_GOOGLE_AUTHORIZED_USER"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
READONLY_SCOPES = ["https://www.googleapis.com/auth/spreadsheets.readonly"]


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
