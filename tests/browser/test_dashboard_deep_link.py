"""A page URL opened first on a freshly started dashboard still gets the app's navigation.

Streamlit treats a `pages/` folder beside the entry script as its older file-based navigation:
on a new server, before the entry script has ever run, `/quota` used to be served as the bare
page file (English file names in the sidebar, no wide layout, no lab section). The dashboard's
pages live in `views/`, so every URL goes through `st.navigation` in app.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_helpers import copy_sample_repo

from browser.conftest import screenshot
from tests.helpers.dashboard_server import open_and_settle, serve_dashboard

pytestmark = pytest.mark.browser


def test_a_deep_link_opened_first_is_served_inside_the_navigation(
    tmp_path: Path,
    page,  # noqa: ANN001
) -> None:
    root = copy_sample_repo(tmp_path / "team")
    with serve_dashboard(root, {"TRACKER_TODAY": "2025-07-07"}) as base:
        text = open_and_settle(page, f"{base}/quota", ["왜 이 논문들인가?"])
        wide = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        sidebar = page.locator('[data-testid="stSidebarNav"]').inner_text()
        screenshot(page, "dashboard-deep-link-quota")
    assert "읽기 할당량" in text  # the page's translated title
    assert wide is not None and wide["width"] > 900  # the app's wide layout, not the default
    # The app's own navigation: translated titles and the lab section, not file names.
    assert "실험실" in sidebar and "reading list" not in sidebar.lower(), sidebar
