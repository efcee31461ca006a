"""Credential mistakes never print the key: every malformed shape of TRACKER_GOOGLE_CREDENTIALS
goes through `tracker doctor` and `tracker sync`, and all their output, logs and every file
they wrote are searched for the key material. Base64 of the key JSON (how CI systems store
secrets) is accepted."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.gsheets import EMAIL, KEY, SHEET_ROWS, TAB, TEAM_YAML, new_private_key_pem
from tests.sheets_emulator import SheetsEmulator
from tracker.cli.main import app

ENV = "TRACKER_GOOGLE_CREDENTIALS"


@pytest.fixture(scope="module")
def key_info() -> dict:
    pem = new_private_key_pem()
    return {
        "type": "service_account",
        "private_key_id": "feedfacecafebeef0123456789abcdef",
        "private_key": pem,
        "client_email": EMAIL,
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def markers(info: dict) -> list[str]:
    """Strings that must never appear anywhere: key lines, the key id, base64 of the JSON."""
    body = [line for line in info["private_key"].splitlines() if "PRIVATE KEY" not in line]
    encoded = base64.b64encode(json.dumps(info).encode()).decode()
    return [*body[1:-1], info["private_key_id"], encoded[40:80], encoded[-60:-20]]


def malformed_shapes(info: dict) -> dict[str, str]:
    pem = info["private_key"]
    as_json = json.dumps(info)
    body = "".join(line for line in pem.splitlines() if "PRIVATE KEY" not in line)
    return {
        "pem text": pem,
        "pem on one line": pem.replace("\n", "\\n"),
        "pem body without its lines": body,
        "key json with private_key as a list": json.dumps(
            {**info, "private_key": pem.splitlines()}
        ),
        "key json with a broken private_key": json.dumps(
            {**info, "private_key": "-----BEGIN PRIVATE KEY-----\n" + body[:300] + "\n"}
        ),
        "truncated key json": as_json[: len(as_json) // 2],
        "key json as a list": json.dumps([info]),
        "base64 of truncated json": base64.b64encode(as_json[:500].encode()).decode(),
        "base64 of the pem": base64.b64encode(pem.encode()).decode(),
        "key json without client_email": json.dumps(
            {k: v for k, v in info.items() if k != "client_email"}
        ),
        "private_key_id only": info["private_key_id"],
    }


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, SheetsEmulator]]:
    root = tmp_path / "team"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM_YAML, encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with SheetsEmulator() as emu:
        emu.allow_anonymous = False
        emu.add_spreadsheet(KEY, worksheets={TAB: SHEET_ROWS}, shared_with={EMAIL})
        monkeypatch.setenv("TRACKER_SHEETS_ENDPOINT", emu.base_url)
        yield root, emu


def _run_everything(root: Path, value: str, monkeypatch, caplog) -> tuple[list[int], str]:  # noqa: ANN001
    monkeypatch.setenv(ENV, value)
    runner = CliRunner()
    codes, texts = [], []
    for args in (["doctor"], ["sync"], ["sync", "--apply"], ["sync", "--json"]):
        done = runner.invoke(app, [*args, "--root", str(root)])
        codes.append(done.exit_code)
        texts.append(done.output)
        if done.exception is not None and not isinstance(done.exception, SystemExit):
            texts.append(repr(done.exception))
    files = [
        p.read_bytes().decode("utf-8", "replace") for p in root.parent.rglob("*") if p.is_file()
    ]
    return codes, "\n".join(texts + files + [caplog.text])


@pytest.mark.parametrize("shape", list(malformed_shapes({"private_key": "", "private_key_id": ""})))
def test_malformed_credentials_name_the_variable_and_never_print_the_key(
    shape: str,
    team,
    key_info: dict,
    monkeypatch,
    caplog,  # noqa: ANN001
) -> None:
    root, _ = team
    caplog.set_level(logging.DEBUG)
    codes, everything = _run_everything(
        root, malformed_shapes(key_info)[shape], monkeypatch, caplog
    )
    assert codes[1:] == [3, 3, 3], (shape, everything[:2000])
    assert codes[0] != 0  # doctor reports the problem too
    leaked = [m for m in markers(key_info) if m in everything]
    assert leaked == [], f"{shape}: key material printed or written"
    assert "Traceback" not in everything and "OSError" not in everything
    assert ENV in everything or "credentials" in everything, shape
    assert not (root / "papers" / ".sync").exists(), "nothing was synced"


def test_base64_of_the_key_json_is_accepted(team, key_info: dict, monkeypatch, caplog) -> None:  # noqa: ANN001
    root, emulator = team
    encoded = base64.b64encode(json.dumps(key_info).encode()).decode()
    codes, everything = _run_everything(root, encoded, monkeypatch, caplog)
    assert codes == [0, 0, 0, 0], everything[:3000]
    assert emulator.counts["token"] >= 1  # it really signed in with the decoded key
    assert (root / "papers" / "1810.04805.md").is_file()
    assert [m for m in markers(key_info) if m in everything] == []
