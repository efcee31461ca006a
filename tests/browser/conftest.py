"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright for Python.

Screenshots are kept as test artifacts under test-artifacts/screenshots/. The tests in this
folder need the browser that `make test` installs; without it they fail with the install command
rather than skip, so a missing set-up step shows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(
            "Debian chromium is not installed: run `make setup-test` (apt-get install chromium fonts-noto-cjk)"
        )
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="tracker-chromium-")
    with sync_playwright() as playwright:
        # A persistent context is how Playwright takes a --user-data-dir of our own.
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser) -> Iterator[object]:  # noqa: ANN001
    """A fresh tab that records console errors in `page.console_errors`."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.console_errors = errors  # type: ignore[attr-defined]
    try:
        yield tab
    finally:
        tab.close()


def screenshot(tab, name: str) -> Path:  # noqa: ANN001
    """Save a full-page screenshot as a test artifact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
