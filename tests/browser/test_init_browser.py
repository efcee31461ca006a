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
from browser.test_dashboard_browser import free_port, open_and_settle, stop_group, wait_healthy

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


@pytest.fixture(scope="module")
def new_team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("init-browser")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(ROWS)
    (base / "목록.csv").write_text(buffer.getvalue(), encoding="utf-8")
    env = {**os.environ, "TRACKER_TODAY": TODAY, "HF_HUB_OFFLINE": "1"}
    env.pop("TRACKER_ROOT", None)
    tracker(
        "init", "team", "--name", TEAM, "--topic", "LLM", "--sheet", "목록.csv", cwd=base, env=env
    )
    root = base / "team"
    tracker("sync", "--apply", cwd=root, env=env)
    tracker("site", "build", cwd=root, env=env)
    return root, env


@pytest.fixture(scope="module")
def dashboard(new_team: tuple[Path, dict[str, str]]) -> Iterator[str]:
    root, env = new_team
    port = free_port()
    command = [sys.executable, "-m", "tracker.cli.main", "dashboard", "--headless"]
    command += ["--address", "127.0.0.1", "--port", str(port)]
    log = (root.parent / "dashboard.log").open("wb")
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_group(process)
        log.close()


def test_the_new_teams_dashboard_loads_in_chromium(dashboard: str, page) -> None:  # noqa: ANN001
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
