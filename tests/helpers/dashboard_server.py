"""`tracker dashboard --headless` as a real server on a free loopback port, for browser tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


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


@contextmanager
def serve_dashboard(root: Path, env: dict[str, str]) -> Iterator[str]:
    """The dashboard of `root` served until the block ends; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "tracker.cli.main", "dashboard", "--headless"]
    command += ["--address", "127.0.0.1", "--port", str(port), "--root", str(root)]
    # Its own session, so that the server Streamlit starts goes down with it. Output goes to a
    # file: a pipe nobody reads any more makes Streamlit hang on shutdown.
    log = (root.parent / "dashboard.log").open("wb")
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_group(process)
        log.close()


def open_and_settle(tab, url: str, expected: list[str]) -> str:  # noqa: ANN001
    """Open `url`, wait for the expected text, then for Streamlit to finish running the page."""
    from playwright.sync_api import expect

    tab.goto(url, wait_until="domcontentloaded")
    main = tab.locator('[data-testid="stMain"]')
    for snippet in expected:
        expect(main).to_contain_text(snippet, timeout=60_000)
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    return main.inner_text()
