"""The Google Sheets remote on its own: auth, secrets, retries, timeouts, the endpoint override,
and the emulator behaviours those rely on (RAW vs USER_ENTERED, rendering, dropped connections).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.sheets_emulator import SheetsEmulator
from tracker.errors import RemoteError
from tracker.models import RemoteSettings
from tracker.remotes import open_remote
from tracker.remotes.gsheets import (
    DEFAULT_TIMEOUT,
    GoogleSheetsRemote,
    RetryPolicy,
    resolve_endpoint,
)
from tracker.sheet import CellUpdate
from tracker.store import load_team

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
EMAIL = "tracker-bot@reading-group.iam.gserviceaccount.com"
ROWS = [["ID", "제목"], ["'2101.10000", "Switch"], ["'007", "Bond"]]


@pytest.fixture(scope="module")
def rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    monkeypatch.delenv("TRACKER_SHEETS_ENDPOINT", raising=False)
    monkeypatch.delenv("TRACKER_GOOGLE_CREDENTIALS", raising=False)
    monkeypatch.delenv("TRACKER_GOOGLE_API_KEY", raising=False)
    with SheetsEmulator() as emu:
        yield emu


def key_file(tmp_path: Path, pem: str, **extra: str) -> Path:
    info = {
        "type": "service_account",
        "project_id": "reading-group",
        "private_key_id": "PRIVATE-KEY-ID-0123456789abcdef",
        "private_key": pem,
        "client_email": EMAIL,
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
        **extra,
    }
    path = tmp_path / "outside-repo" / "key.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def settings(emulator: SheetsEmulator, **kwargs: object) -> RemoteSettings:
    values: dict[str, object] = {
        "kind": "gsheets",
        "spreadsheet": KEY,
        "worksheet": "papers",
        "endpoint": emulator.base_url,
    }
    values.update(kwargs)
    return RemoteSettings(**values)


def secret_markers(pem: str) -> list[str]:
    body = [line for line in pem.splitlines() if "PRIVATE KEY" not in line]
    return [body[1], body[5], "PRIVATE-KEY-ID-0123456789abcdef"]


# --------------------------------------------------------------------------------------------
# Service account, sharing, secrets


def test_service_account_signs_in_at_the_overridden_token_endpoint_and_reads(
    tmp_path: Path, emulator: SheetsEmulator, rsa_pem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS}, shared_with={EMAIL})
    monkeypatch.setenv("TRACKER_GOOGLE_CREDENTIALS", str(key_file(tmp_path, rsa_pem)))
    remote = GoogleSheetsRemote.from_settings(settings(emulator), tmp_path)

    table = remote.read()

    assert table.rows == [["2101.10000", "Switch"], ["007", "Bond"]]
    assert emulator.counts["token"] == 1  # the JWT went to the emulator, not to Google
    assert set(emulator.tokens.values()) == {EMAIL}
    assert "tracker-bot@" in remote.check()


def test_unshared_sheet_error_names_the_client_email_and_never_the_key(
    tmp_path: Path,
    emulator: SheetsEmulator,
    rsa_pem: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS}, shared_with={"someone@else.com"})
    path = key_file(tmp_path, rsa_pem)
    caplog.set_level(logging.DEBUG)  # every logger, urllib3 and google.auth included
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator, credentials_path=str(path)), tmp_path
    )

    with pytest.raises(RemoteError) as caught:
        remote.read()

    message = str(caught.value)
    assert EMAIL in message and "Share" in message and "HTTP 403" in message
    captured = capsys.readouterr()
    texts = [message, repr(remote), repr(caught.value), caplog.text, captured.out, captured.err]
    for marker in secret_markers(rsa_pem):
        assert all(marker not in text for text in texts)


def test_missing_sheet_is_a_404_that_also_names_the_client_email(
    tmp_path: Path, emulator: SheetsEmulator, rsa_pem: str
) -> None:
    path = key_file(tmp_path, rsa_pem)
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator, credentials_path=str(path)), tmp_path
    )
    with pytest.raises(RemoteError, match="HTTP 404") as caught:
        remote.exists()
    assert EMAIL in str(caught.value)


@pytest.mark.parametrize("broken", ["bad-pem", "bad-json"])
def test_unusable_key_files_fail_clearly_without_quoting_key_material(
    tmp_path: Path, emulator: SheetsEmulator, broken: str, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "SECRETKEYMATERIAL0123456789ABCDEFGHIJ"
    if broken == "bad-pem":
        pem = f"-----BEGIN PRIVATE KEY-----\n{marker}\n-----END PRIVATE KEY-----\n"
        path = key_file(tmp_path, pem)
    else:
        path = tmp_path / "key.json"
        path.write_text('{"type": "service_account", "private_key": "' + marker + "\n", "utf-8")
    caplog.set_level(logging.DEBUG)

    with pytest.raises(RemoteError) as caught:
        GoogleSheetsRemote.from_settings(settings(emulator, credentials_path=str(path)), tmp_path)

    assert str(path) in str(caught.value)
    assert marker not in str(caught.value) and marker not in caplog.text
    assert (
        caught.value.__cause__ is None
        and caught.value.__context__ is None
        or (marker not in str(caught.value.__context__))
    )


def test_key_given_inline_in_the_environment_variable_works(
    tmp_path: Path, emulator: SheetsEmulator, rsa_pem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS}, shared_with={EMAIL})
    monkeypatch.setenv("CI_SHEETS_KEY", key_file(tmp_path, rsa_pem).read_text("utf-8"))
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator, credentials_env="CI_SHEETS_KEY"), tmp_path
    )
    assert remote.read().headers == ["ID", "제목"]


def test_no_credentials_without_an_emulator_says_which_variable_to_set(tmp_path: Path) -> None:
    with pytest.raises(RemoteError, match="TRACKER_GOOGLE_CREDENTIALS"):
        GoogleSheetsRemote.from_settings(RemoteSettings(kind="gsheets", spreadsheet=KEY), tmp_path)


# --------------------------------------------------------------------------------------------
# OAuth (stored login) and API key


def test_stored_user_oauth_login_refreshes_at_the_token_endpoint(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The browser consent flow itself cannot run here; a login it stored can.
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS})
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(
        json.dumps(
            {"installed": {"client_id": "cid.apps", "client_secret": "CLIENT-SECRET-XYZ-123"}}
        ),
        encoding="utf-8",
    )
    stored = tmp_path / "authorized_user.json"
    stored.write_text(
        json.dumps(
            {
                "client_id": "cid.apps",
                "client_secret": "CLIENT-SECRET-XYZ-123",
                "refresh_token": "REFRESH-TOKEN-SECRET-456",
                "token_uri": "https://oauth2.googleapis.com/token",
                "type": "authorized_user",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("TRACKER_GOOGLE_AUTHORIZED_USER", str(stored))
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator, auth="oauth", credentials_path=str(secrets)), tmp_path
    )

    assert remote.read().rows[1] == ["007", "Bond"]
    assert list(emulator.tokens.values()) == ["user:cid.apps"]
    assert "SECRET" not in repr(remote)


API_KEY = "AIzaSy-API-KEY-SECRET-789"


def api_key_remote(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch, *, public: bool
) -> GoogleSheetsRemote:
    """The remote with an API key (from the environment) on the sheet, shared publicly or not."""
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS}, public=public)
    monkeypatch.setenv("TRACKER_GOOGLE_API_KEY", API_KEY)
    return GoogleSheetsRemote.from_settings(settings(emulator, auth="api_key"), tmp_path)


def test_api_key_reads_a_public_sheet_and_refuses_to_write_before_any_request(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = api_key_remote(tmp_path, emulator, monkeypatch, public=True)

    table = remote.read()
    sent = emulator.total_requests
    with pytest.raises(RemoteError, match="API key can only read") as caught:
        remote.apply(table, [CellUpdate(2, 2, "x", "Switch")], [])

    assert emulator.total_requests == sent
    assert API_KEY not in str(caught.value) + repr(remote)


def test_api_key_on_a_private_sheet_says_to_share_it_publicly(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = api_key_remote(tmp_path, emulator, monkeypatch, public=False)
    with pytest.raises(RemoteError, match="Anyone with the link") as caught:
        remote.read()
    assert API_KEY not in str(caught.value)


# --------------------------------------------------------------------------------------------
# Limits: retries, backoff, timeout


def test_backoff_is_jittered_exponential_and_capped() -> None:
    import random

    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, rng=random.Random(7))
    for attempt in range(8):
        waits = [policy.delay(attempt) for _ in range(200)]
        assert all(0 <= w <= min(8.0, 2**attempt) for w in waits)
        assert len(set(waits)) > 100  # jittered, not a fixed schedule
    assert policy.delay(0, retry_after=5.0) >= 5.0  # Retry-After is honoured (up to the cap)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, "drop"])
def test_transient_failures_on_a_read_are_retried_until_it_succeeds(
    tmp_path: Path, emulator: SheetsEmulator, status: int | str
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS})
    sleeps: list[float] = []
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator), tmp_path, retry=RetryPolicy(sleep=sleeps.append)
    )
    remote.exists()
    emulator.fail_request(1, status)
    emulator.fail_request(2, status)

    assert remote.read().rows[0] == ["2101.10000", "Switch"]
    assert len(sleeps) == 2 and emulator.counts["values.get"] == 3


def test_a_client_error_is_not_retried(tmp_path: Path, emulator: SheetsEmulator) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS})
    sleeps: list[float] = []
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator), tmp_path, retry=RetryPolicy(sleep=sleeps.append)
    )
    remote.exists()
    emulator.fail_request(1, 400)
    with pytest.raises(RemoteError, match="HTTP 400"):
        remote.read()
    assert sleeps == [] and emulator.counts["values.get"] == 1


def test_every_request_carries_a_timeout(tmp_path: Path, emulator: SheetsEmulator) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS})
    remote = GoogleSheetsRemote.from_settings(settings(emulator), tmp_path)
    seen: list[object] = []
    original = remote.http.session.request

    def spy(*args: object, **kwargs: object) -> requests.Response:
        seen.append(kwargs.get("timeout"))
        return original(*args, **kwargs)

    remote.http.session.request = spy  # type: ignore[method-assign]
    remote.read()  # metadata, values, the id column unformatted ('2101.10000 looks numeric)
    assert seen == [DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT]


def test_append_after_a_dropped_connection_is_checked_not_blindly_repeated(
    tmp_path: Path, emulator: SheetsEmulator
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS})
    remote = GoogleSheetsRemote.from_settings(
        settings(emulator), tmp_path, retry=RetryPolicy(sleep=lambda s: None)
    )
    table = remote.read()
    emulator.fail_request(1, "drop", apply_first=True)  # the append lands, the answer is lost

    remote.apply(table, [], [["2501.00001", "New"]])

    ids = [row[0] for row in emulator.values(KEY, "papers")[1:]]
    assert ids == ["2101.10000", "007", "2501.00001"]
    assert emulator.counts["values.append"] == 1  # looked (one values.get), did not re-append


# --------------------------------------------------------------------------------------------
# Opening and the endpoint override


def test_endpoint_variable_without_scheme_and_open_by_url_reach_the_emulator(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"papers": ROWS})
    monkeypatch.setenv("TRACKER_SHEETS_ENDPOINT", emulator.base_url.removeprefix("http://"))
    url = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
    config = RemoteSettings(kind="gsheets", spreadsheet=url, worksheet="papers")

    assert resolve_endpoint(config) == emulator.base_url
    remote = GoogleSheetsRemote.from_settings(config, tmp_path)
    assert remote.key == KEY and remote.read().headers == ["ID", "제목"]


def test_open_remote_dispatches_gsheets_from_team_yaml(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "team.yaml").write_text(
        f"name: t\ntopic: nlp\nremote:\n  kind: gsheets\n  spreadsheet: '{KEY}'\n", "utf-8"
    )
    monkeypatch.setenv("TRACKER_SHEETS_ENDPOINT", emulator.base_url)
    remote = open_remote(load_team(tmp_path), tmp_path)
    assert isinstance(remote, GoogleSheetsRemote) and KEY in remote.description


def test_missing_worksheet_is_created_with_the_table_as_raw_text(
    tmp_path: Path, emulator: SheetsEmulator
) -> None:
    from tracker.sheet import SheetTable

    emulator.add_spreadsheet(KEY, worksheets={"Sheet1": []})
    remote = GoogleSheetsRemote.from_settings(settings(emulator), tmp_path)
    assert not remote.exists()

    remote.create(SheetTable(headers=["ID", "제목"], rows=[["2101.10000", "Switch"]]))

    assert emulator.values(KEY, "papers", render="UNFORMATTED_VALUE") == [
        ["ID", "제목"],
        ["2101.10000", "Switch"],
    ]


# --------------------------------------------------------------------------------------------
# The emulator itself


def test_emulator_user_entered_parses_numbers_dates_and_formulas_and_raw_keeps_text(
    emulator: SheetsEmulator,
) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"s": []})
    for a1, text in [("A1", "2101.10000"), ("B1", "007"), ("C1", "2025-07-08"), ("D1", '=A1&"!"')]:
        emulator.set_cell(KEY, "s", a1, text)
    assert emulator.values(KEY, "s") == [["2101.1", "7", "2025-07-08", "2101.1!"]]
    assert emulator.values(KEY, "s", render="UNFORMATTED_VALUE") == [[2101.1, 7, 45846, "2101.1!"]]
    assert emulator.values(KEY, "s", render="FORMULA")[0][3] == '=A1&"!"'
    body = {
        "valueInputOption": "RAW",
        "data": [{"range": "s!A1:B1", "values": [["2101.10000", "007"]]}],
    }
    answer = requests.post(
        f"{emulator.base_url}/v4/spreadsheets/{KEY}/values:batchUpdate", json=body, timeout=5
    )
    assert answer.status_code == 200
    assert emulator.values(KEY, "s", render="UNFORMATTED_VALUE")[0][:2] == ["2101.10000", "007"]


def test_emulator_drops_the_connection_and_counts_the_fault(emulator: SheetsEmulator) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"s": [["a"]]})
    emulator.fail_request(1, "drop")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emulator.base_url}/v4/spreadsheets/{KEY}", timeout=5)
    assert emulator.faults_injected == 1
    ok = requests.get(f"{emulator.base_url}/v4/spreadsheets/{KEY}", timeout=5)
    assert ok.json()["sheets"][0]["properties"]["title"] == "s"


def test_emulator_refuses_writes_without_value_input_option(emulator: SheetsEmulator) -> None:
    emulator.add_spreadsheet(KEY, worksheets={"s": [["a"]]})
    answer = requests.put(
        f"{emulator.base_url}/v4/spreadsheets/{KEY}/values/s%21A1",
        json={"values": [["b"]]},
        timeout=5,
    )
    assert answer.status_code == 400 and emulator.values(KEY, "s") == [["a"]]
