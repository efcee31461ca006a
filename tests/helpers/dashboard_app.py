"""The dashboard under Streamlit's AppTest: open a page, read what a person sees."""

from __future__ import annotations

from dashboard_helpers import APP
from streamlit.testing.v1 import AppTest

PAGES = {
    "this_week": "views/this_week.py",
    "reading_list": "views/reading_list.py",
    "quota": "views/quota.py",
    "reproductions": "views/reproductions.py",
    "notes": "views/notes.py",
}


def open_page(page: str) -> AppTest:
    """Run the app once (the default page), then switch to `page` and run it."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page != "this_week":
        app.switch_page(PAGES[page]).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> str:
    """Everything a reader sees as text on the page (markdown, captions, alerts, headings)."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "code",
    ):
        parts.extend(str(element.value) for element in getattr(app, kind))
    return "\n".join(parts)
