"""The dashboard in a real browser: `tracker dashboard` serves it, headless Chromium opens each page.

Each page is screenshotted into test-artifacts/screenshots/dashboard-<page>.png.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from dashboard_helpers import TODAY, write_results, write_tiny_repo

from browser.conftest import screenshot

pytestmark = pytest.mark.browser

# url path (st.Page from a file takes the file's stem), and text the page must show.
PAGES = {
    "this_week": ("", ["Next meeting: 2025-07-08 (Tuesday)", "Carried-over action items"]),
    "reading_list": ("reading_list", ["Showing 4 of 4 papers"]),
    "quota": ("quota", ["Behind pace: 조은 (@cho, 1 behind)", "Why these papers?"]),
    "reproductions": ("reproductions", ["Parity: all 3 checks passed", "Reproduce these numbers"]),
    "notes": ("notes", ["2주차: 어텐션", "원문 HTML 제목", "인용문은 그대로 남는다."]),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`tracker dashboard` exited with {process.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)  # polling a server that is starting up, not waiting for time itself
    pytest.fail(f"the dashboard did not answer {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tracker dashboard --headless` on a free loopback port, over the tiny team with results."""
    root = write_tiny_repo(tmp_path_factory.mktemp("dashboard") / "team")
    write_results(root)
    port = free_port()
    env = {**os.environ, "TRACKER_TODAY": TODAY, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "tracker.cli.main", "dashboard", "--headless"]
    command += ["--address", "127.0.0.1", "--port", str(port), "--root", str(root)]
    # Its own session, so that the server Streamlit starts goes down with it. Output goes to a
    # file: a pipe nobody reads any more makes Streamlit hang on shutdown.
    log = (root.parent / "dashboard.log").open("wb")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_group(process)
        log.close()


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the command's process group (the CLI and its server), SIGKILL if it lingers."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(process.pid, 0)  # anyone of the group left?
        except ProcessLookupError:
            return
        time.sleep(0.2)  # polling for exit, not waiting for time itself
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def open_and_settle(tab, url: str, expected: list[str]) -> str:  # noqa: ANN001
    """Open `url`, wait for the page's text, then until Streamlit has finished running the script.

    The status widget only appears a moment after a run starts, so "it is gone" alone can be
    true before the run began; the expected text shows the run is under way or done.
    """
    from playwright.sync_api import expect

    tab.goto(url, wait_until="domcontentloaded")
    main = tab.locator('[data-testid="stMain"]')
    for snippet in expected:
        expect(main).to_contain_text(snippet, timeout=60_000)
    # The sync panel is on every page (drawn by the page, so it also shows the run got there).
    expect(tab.locator('[data-testid="stSidebar"]')).to_contain_text(
        "Check the sheet for changes", timeout=60_000
    )
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    return main.inner_text()


@pytest.mark.parametrize("name", list(PAGES))
def test_dashboard_page_renders_in_chromium(dashboard: str, page, name: str) -> None:  # noqa: ANN001
    path, expected = PAGES[name]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = open_and_settle(page, f"{dashboard}/{path}", expected)
    assert "Traceback" not in text
    shot = screenshot(page, f"dashboard-{name}")
    assert shot.stat().st_size > 10_000
    if name == "notes":
        # Math went through KaTeX; the note's <script> and onerror never ran.
        assert page.locator(".katex").count() >= 2
        assert page.locator('[data-testid="stMain"] h2', has_text="원문 HTML 제목").count() == 1
        assert not dialogs, dialogs


def test_paper_link_from_a_note_opens_the_reading_list_on_that_paper(dashboard: str, page) -> None:  # noqa: ANN001
    # The address a note's paper link leads to (tracker.dashboard.data.note_paper_links).
    expected = ["Paper linked from a note: Attention Is All You Need (1706.03762)"]
    text = open_and_settle(page, f"{dashboard}/reading_list?paper=1706.03762", expected)
    assert "Showing 1 of 4 papers" in text
