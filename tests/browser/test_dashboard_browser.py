"""The dashboard in a real browser: `tracker dashboard` serves it, headless Chromium opens each page.

Each page is screenshotted into test-artifacts/screenshots/dashboard-<page>.png.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator

import pytest
from dashboard_helpers import NOTES, REPO, copy_sample_repo

from browser.conftest import screenshot
from tests.helpers.dashboard_server import serve_dashboard

pytestmark = pytest.mark.browser


# The sample team with the reproductions' real results, on the Monday before a meeting: every
# result is newer than the last note, so This week lists them all (the meeting-screen worst case).
# The meeting must come after the newest result (a run of Wednesday is not listed for Tuesday's
# meeting), so "today" is the first Monday after the newest results file started.
def _monday_after_newest_result() -> dt.date:
    newest = max(
        dt.date.fromisoformat(
            json.loads(p.read_text(encoding="utf-8"))["provenance"]["started_at"][:10]
        )
        for p in (REPO / "reproductions").glob("*/results/*.json")
    )
    return newest + dt.timedelta(days=7 - newest.weekday())


MONDAY = _monday_after_newest_result()
TODAY_SAMPLE = MONDAY.isoformat()
MEETING = (MONDAY + dt.timedelta(days=1)).isoformat()

# url path (st.Page from a file takes the file's stem), and text the page must show.
PAGES = {
    "this_week": (
        "",
        [f"다음 모임: {MEETING} (화요일)", "이어지는 할 일", "미세조정 정확도 79.0%"],
    ),
    "reading_list": ("reading_list", ["논문 58편 중 58편"]),
    "quota": ("quota", ["왜 이 논문들인가?", "김지우 (jiwoo)"]),
    "reproductions": (
        "reproductions",
        ["참조 구현과의 일치: 검사 72개 모두 통과", "이 수치를 다시 얻는 명령"],
    ),
    "notes": ("notes", ["7주차: 복습", "원문 HTML 제목", "인용문은 그대로 남는다."]),
}

# The note of dashboard_helpers with raw HTML, a script and math, dated after the sample's notes.
HOSTILE_NOTE = (
    NOTES["2025-07-01-week-02.md"]
    .replace("2주차: 어텐션", "7주차: 복습")
    .replace("2025-07-01", "2025-07-15")
)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tracker dashboard --headless` on a free loopback port, over the sample team with results."""
    root = copy_sample_repo(tmp_path_factory.mktemp("dashboard") / "team")
    posts = root / "docs" / "meetings" / "posts"
    (posts / "2025-07-15-week-07-review.md").write_text(HOSTILE_NOTE, encoding="utf-8")
    for results in sorted((REPO / "reproductions").glob("*/results")):
        target = root / "reproductions" / results.parent.name / "results"
        shutil.copytree(results, target)
    env = {"TRACKER_TODAY": TODAY_SAMPLE, "HF_HUB_OFFLINE": "1"}
    with serve_dashboard(root, env) as base:
        yield base


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
        "시트 변경 사항 확인", timeout=60_000
    )
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    return main.inner_text()


# What each table shows a reader: its width against its scroll width, headers, visible cells.
TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(el => el.getClientRects().length > 0)
  .map(el => {
    const scroller = el.querySelector('.dvn-scroller');
    return {
      scroll: scroller ? scroller.scrollWidth : 0,
      client: scroller ? scroller.clientWidth : 0,
      heads: [...el.querySelectorAll('[role=columnheader]')].map(c => c.textContent.trim()),
      cells: [...el.querySelectorAll('[role=gridcell]')].map(c => c.textContent.trim()),
    };
  })"""

# Labels of the English interface that a Korean team must not see.
ENGLISH = ["Next meeting", "Presentations", "Carried-over", "Behind", "Showing", "Search",
           "Sort by", "Sheet sync", "Parity", "Reproduce these", "Why these papers", "Deploy"]  # fmt: skip
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
RAW_PATH = re.compile(r"reproductions/\w+/results/|\.json\b")


@pytest.mark.parametrize("name", list(PAGES))
def test_dashboard_page_renders_in_chromium(dashboard: str, page, name: str) -> None:  # noqa: ANN001
    path, expected = PAGES[name]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = open_and_settle(page, f"{dashboard}/{path}", expected)
    assert "Traceback" not in text
    if name != "notes":
        # Tables draw on a canvas after the run; their accessible cells come with them.
        page.wait_for_selector(
            '[data-testid="stDataFrame"] [role=gridcell]', state="attached", timeout=30_000
        )
    # Widgets show grey placeholders until their code has loaded.
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached", timeout=30_000)
    shot = screenshot(page, f"dashboard-{name}")
    assert shot.stat().st_size > 10_000
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0, "no Deploy button"
    tables = page.evaluate(TABLES_JS)
    if name != "notes":
        assert tables, "the page shows its tables"
    for table in tables:
        # At 1400 px every column is on screen: no horizontal scrollbar in the table.
        assert table["scroll"] <= table["client"] + 1, (name, table["heads"], table)
        assert len(table["heads"]) == len(set(table["heads"])), table["heads"]
        assert all(re.search("[가-힣]", h) or h == "dtype" for h in table["heads"]), table["heads"]
        assert not {"None", "nan", "<NA>"} & set(table["cells"]), table["cells"]
        assert not [c for c in table["cells"] if ISO_TIME.search(c) or RAW_PATH.search(c)]
    assert not re.search(r"\bNone\b", text)
    assert not ISO_TIME.search(text) and not RAW_PATH.search(text)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "이번 주" in sidebar and "읽기 목록" in sidebar and "app" not in sidebar.split()
    if name != "notes":  # a note's own prose may be English
        assert [e for e in ENGLISH if e in text] == []
    if name == "this_week":
        cells = [c for t in tables for c in t["cells"]]
        assert "김지우 (jiwoo)" in cells and "이서준 (seojun)" in cells, "people by name"
        assert "BERT (sentiment): 미세조정 정확도 79.0%" in text
        assert "GPT-2: 참조 구현과 일치, 검사 44개 모두 통과" in text
    if name == "reading_list":
        readers = [t for t in tables if "읽는 사람 (✓ 완료)" in t["heads"]]
        assert readers and "발표자" in readers[0]["heads"], "readers and presenter on screen"
        assert any("김지우" in c for c in readers[0]["cells"]), "readers by name"
    if name == "notes":
        # Math went through KaTeX; the note's <script> and onerror never ran.
        assert page.locator(".katex").count() >= 2
        assert page.locator('[data-testid="stMain"] h2', has_text="원문 HTML 제목").count() == 1
        assert not dialogs, dialogs


def test_paper_link_from_a_note_opens_the_reading_list_on_that_paper(dashboard: str, page) -> None:  # noqa: ANN001
    # The address a note's paper link leads to (tracker.dashboard.data.note_paper_links).
    expected = ["모임 기록에서 연 논문: Attention Is All You Need (1706.03762)"]
    text = open_and_settle(page, f"{dashboard}/reading_list?paper=1706.03762", expected)
    assert "논문 58편 중 1편" in text
