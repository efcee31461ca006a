"""A team started with `tracker init` seen in a real browser: its dashboard and its built site.

The team comes from a Korean-header CSV with members written by name; after `sync --apply` and
`site build`, headless Chromium loads the dashboard `tracker dashboard` serves and the site's
index, and both carry the team's own name and members, never the sample's.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser.conftest import screenshot
from tests.helpers.dashboard_server import open_and_settle, serve_dashboard
from tests.sheets_emulator import SheetsEmulator

pytestmark = pytest.mark.browser

TODAY = "2025-07-03"
TEAM = "언어모델 스터디"
ROWS = [
    ["번호", "논문 제목", "읽는 사람", "진행상태", "발표자", "발표일"],
    [
        "1810.04805",
        "BERT: Pre-training of Deep Bidirectional Transformers",
        "김지우, 박민서",
        "배정",
        "김지우",
        "2025-07-08",
    ],  # fmt: skip
    ["1706.03762", "Attention Is All You Need", "박민서", "제안", "", ""],
]


def tracker(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


KEY = "1BrowserTeamReadingList_abcdefghijklmnopq"


@pytest.fixture(scope="module", params=["csv", "gsheets"])
def new_team(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, str]]]:
    """The team from a CSV file, or from a Google Sheets URL served by the loopback emulator."""
    base = tmp_path_factory.mktemp(f"init-browser-{request.param}")
    env = {**os.environ, "TRACKER_TODAY": TODAY, "HF_HUB_OFFLINE": "1"}
    env.pop("TRACKER_ROOT", None)
    env.pop("TRACKER_GOOGLE_CREDENTIALS", None)
    with SheetsEmulator() as emulator:
        if request.param == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(ROWS)
            (base / "목록.csv").write_text(buffer.getvalue(), encoding="utf-8")
            sheet = "목록.csv"
        else:
            # Ids typed as text (a leading apostrophe), as a team does in the browser.
            grid = [ROWS[0], *(["'" + r[0], *r[1:]] for r in ROWS[1:])]
            emulator.add_spreadsheet(KEY, worksheets={"목록": grid})
            env["TRACKER_SHEETS_ENDPOINT"] = emulator.base_url
            sheet = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
        tracker(
            "init", "team", "--name", TEAM, "--topic", "LLM", "--sheet", sheet, cwd=base, env=env
        )
        root = base / "team"
        tracker("sync", "--apply", cwd=root, env=env)
        tracker("site", "build", cwd=root, env=env)
        yield root, env


@pytest.fixture(scope="module")
def dashboard(new_team: tuple[Path, dict[str, str]]) -> Iterator[str]:
    root, env = new_team
    with serve_dashboard(root, env) as url:
        yield url


def test_the_new_teams_dashboard_loads_in_chromium(dashboard: str, page) -> None:  # noqa: ANN001
    # Opened at its front page first, as `tracker dashboard` opens it. (A fresh server asked for
    # /quota first runs that page without the entry script, Streamlit's old pages/ routing.)
    week = open_and_settle(page, dashboard, [TEAM, "BERT: Pre-training", "김지우"])
    assert "Traceback" not in week
    text = open_and_settle(page, f"{dashboard}/quota", [TEAM, "김지우", "박민서"])
    assert "Traceback" not in text
    assert "NLP 논문 읽기 모임" not in text and "최현우" not in text  # nothing of the sample
    listing = open_and_settle(
        page, f"{dashboard}/reading_list", [TEAM, "Attention Is All You Need"]
    )
    assert "Word2Vec" not in listing
    assert screenshot(page, "init-dashboard").stat().st_size > 10_000
    assert "could not be read" not in listing  # every file init and sync wrote loads


def test_the_new_teams_site_opens_in_chromium(new_team: tuple[Path, dict[str, str]], page) -> None:  # noqa: ANN001
    root, _ = new_team
    page.goto((root / "site" / "index.html").as_uri())
    assert page.title() == TEAM
    header = page.locator(".md-header__title").inner_text()
    assert TEAM in header
    members = (root / "site" / "members" / "index.html").as_uri()
    page.goto(members)
    body = page.locator("article").inner_text()
    assert "김지우" in body and "박민서" in body and "최현우" not in body
