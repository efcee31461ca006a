"""The built site in a real headless Chromium: math rendered by the vendored KaTeX, Korean text,
no console errors, nothing fetched from outside but the notes' own remote images."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from site_helpers import built_site

from browser.conftest import screenshot
from tests.helpers.static_site import serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(built_site(tmp_path_factory.getbasetemp()) / "site") as url:
        yield url


# A 1x1 transparent PNG standing in for the image host the notes link to (no network here).
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5b2f3a50000000049454e44ae426082"
)


def _offline_guard(page, base: str) -> list[str]:  # noqa: ANN001
    """Record every request that leaves the local server; images hosted elsewhere get a stub.

    Anything else from outside (a CDN script or font) is aborted and shows up in the list.
    """
    outside: list[str] = []

    def route(request_route) -> None:  # noqa: ANN001
        url = request_route.request.url
        if url.startswith(base) or url.startswith("data:"):
            request_route.continue_()
            return
        outside.append(url)
        if url.startswith("https://i.imgur.com/"):
            request_route.fulfill(status=200, content_type="image/png", body=_PIXEL)
        else:
            request_route.abort()

    page.route("**/*", route)
    return outside


def test_meeting_note_renders_math_and_korean_without_errors(page, site_url: str) -> None:  # noqa: ANN001
    outside = _offline_guard(page, site_url)
    page.goto(f"{site_url}/meetings/2025/07/08/week-06-bert/", wait_until="networkidle")
    page.wait_for_selector(".arithmatex .katex", timeout=15000)
    assert page.locator(".arithmatex .katex").count() >= 4
    assert page.locator(".katex-display").count() >= 1  # the $$...$$ block
    raw = page.evaluate(
        "[...document.querySelectorAll('.arithmatex')]"
        ".filter(e => !e.querySelector('.katex')).map(e => e.textContent)"
    )
    assert raw == []  # no formula left as \\(...\\) text
    text = page.inner_text("article")
    assert "6주차 모임: BERT와 사전학습" in text and "마스크 언어 모델" in text
    assert "$" not in text
    shot = screenshot(page, "site-meeting-bert")
    assert shot.stat().st_size > 10_000  # kept under test-artifacts/screenshots/
    assert page.console_errors == [], outside  # type: ignore[attr-defined]
    # Only the note's own remote image leaves the site: KaTeX and its fonts are served locally.
    assert outside == ["https://i.imgur.com/bertMaskExample.png"]


def test_paper_page_shows_summary_meetings_and_reproduction(page, site_url: str) -> None:  # noqa: ANN001
    outside = _offline_guard(page, site_url)
    page.goto(f"{site_url}/papers/1810.04805/", wait_until="networkidle")
    text = page.inner_text("article")
    assert "BERT: Pre-training of Deep Bidirectional Transformers" in text
    assert "이 논문을 다룬 모임" in text and "6주차 모임: BERT와 사전학습" in text
    assert "참조 구현과의 일치" in text and "glue_sst2" in text
    assert page.locator("img[src$='1810.04805-bert-tiny.svg']").evaluate("i => i.naturalWidth") > 0
    page.wait_for_selector(".arithmatex .katex", timeout=15000)  # 10^{-12} in the summary
    screenshot(page, "site-paper-bert")
    assert (page.console_errors, outside) == ([], [])  # type: ignore[attr-defined]


BERT_NOTE = "/meetings/2025/07/08/week-06-bert/"


def _search_hits(page) -> list[str]:  # noqa: ANN001
    """Wait for Material's result list and return the links it offers."""
    page.wait_for_selector(".md-search-result__item > a", timeout=15000)
    return page.eval_on_selector_all(
        ".md-search-result__item > a", "links => links.map(a => a.href)"
    )


def test_korean_word_inside_brackets_is_found_by_typing_it_into_search(page, site_url: str) -> None:  # noqa: ANN001
    outside = _offline_guard(page, site_url)
    # The note writes the word only as "(마스킹)": the separator must split on the brackets.
    page.goto(f"{site_url}{BERT_NOTE}", wait_until="networkidle")
    assert "(마스킹)" in page.inner_text("article")
    page.goto(f"{site_url}/", wait_until="networkidle")
    page.locator("input.md-search__input").click()
    # Playwright types Hangul as one insertText with no key release, like a paste or an IME
    # commit; Material reads the box only on keyup, so this pins the search_input.js relay too.
    page.keyboard.type("마스킹")
    hits = _search_hits(page)
    assert any(BERT_NOTE in href for href in hits), hits
    assert "마스킹" in page.inner_text(".md-search-result__list mark")
    screenshot(page, "site-search-korean")
    assert page.console_errors == [], outside  # type: ignore[attr-defined]


def test_korean_query_composed_through_an_ime_reaches_the_search(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(f"{site_url}/", wait_until="networkidle")
    page.locator("input.md-search__input").click()
    # Drive Chromium's own IME path (compositionstart/update/end, jamo by jamo), as a Korean
    # keyboard does; the DevTools protocol sends no key events alongside.
    cdp = page.context.new_cdp_session(page)
    for step in ["ㅁ", "마", "맛", "마스", "마슼", "마스키", "마스킹"]:
        cdp.send(
            "Input.imeSetComposition",
            {"text": step, "selectionStart": len(step), "selectionEnd": len(step)},
        )
    cdp.send("Input.insertText", {"text": "마스킹"})
    assert page.input_value("input.md-search__input") == "마스킹"
    hits = _search_hits(page)
    assert any(BERT_NOTE in href for href in hits), hits
    assert page.console_errors == []  # type: ignore[attr-defined]


# Tables a reader must see whole at 1400 px: Material wraps each in a scroll box.
TABLES_JS = """() => [...document.querySelectorAll('article .md-typeset__scrollwrap')].map(w => ({
  scroll: w.scrollWidth, client: w.clientWidth,
  heads: [...w.querySelectorAll('th')].map(th => th.textContent.trim()),
}))"""

# What the team reads on each page (path, screenshot name, text it must show).
SITE_PAGES = {
    "home": ("/", []),
    "members": ("/members/", ["구성원", "김지우 (jiwoo)", "순조로움"]),
    "member": ("/members/jiwoo/", ["김지우 (jiwoo)", "읽기 할당량", "맡은 논문"]),
    "papers": ("/papers/", ["논문", "김지우 (jiwoo)", "읽는 사람"]),
    "paper": ("/papers/1810.04805/", ["학습 결과: tiny", "참조 구현과의 일치"]),
    "reproductions": ("/reproductions/", ["재현", "일치(parity)", "통과"]),
}


@pytest.mark.parametrize("name", list(SITE_PAGES))
def test_site_page_reads_whole_at_meeting_screen_width(page, site_url: str, name: str) -> None:  # noqa: ANN001
    outside = _offline_guard(page, site_url)
    path, expected = SITE_PAGES[name]
    page.goto(f"{site_url}{path}", wait_until="networkidle")
    assert page.viewport_size == {"width": 1400, "height": 1000}
    screenshot(page, f"site-{name}")
    text = page.inner_text("article")
    for snippet in expected:
        assert snippet in text, (name, snippet)
    tables = page.evaluate(TABLES_JS)
    for table in tables:
        # The whole table is on screen: 상태 and the last columns are not behind a scrollbar.
        assert table["scroll"] <= table["client"] + 1, (name, table)
        assert len(table["heads"]) == len(set(table["heads"])), table["heads"]
    assert not re.search(r"\bNone\b", text)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), "no ISO timestamps"
    assert "results/" not in text and ".json" not in text, "no raw results paths"
    if name == "members":
        assert tables and tables[0]["heads"][-1] == "상태"
    if name == "papers":
        # People by name, as on the paper pages; never a bare handle in the readers column.
        heads = tables[0]["heads"]
        column = heads.index("읽는 사람") + 1
        readers = page.eval_on_selector_all(
            f"article table tbody td:nth-child({column})", "cells => cells.map(c => c.textContent)"
        )
        named = [r for r in readers if r.strip()]
        assert named and all(re.fullmatch(r"([^,()]+ \([a-z0-9_-]+\)(, )?)+", r) for r in named)
    if name == "paper":
        # Results first; the per-check parity table is folded into a closed details block.
        assert text.index("학습 결과: tiny") < text.index("참조 구현과의 일치")
        details = page.locator("article details")
        assert details.count() == 1 and details.get_attribute("open") is None
        assert "검사 2개 전체" in details.locator("summary").inner_text()
        assert not page.locator("article details table").is_visible()
        details.locator("summary").click()
        assert page.locator("article details table").is_visible()
        screenshot(page, "site-paper-parity-open")
    assert (page.console_errors, outside) == ([], [])  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def folder_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from site_helpers import built_folder_site

    with serve_folder(built_folder_site(tmp_path_factory.mktemp("folder-site")) / "site") as url:
        yield url


def test_imported_folder_note_shows_every_section_breaks_and_paper_labels(  # noqa: ANN001
    page, folder_site_url: str
) -> None:
    _offline_guard(page, folder_site_url)
    page.goto(f"{folder_site_url}/meetings/2025/09/02/three-papers/", wait_until="networkidle")
    toc = page.locator(".md-sidebar--secondary .md-nav__link").all_inner_texts()
    toc = [entry.strip() for entry in toc]
    for section in ("Word2Vec", "Transformer", "BERT"):
        assert section in toc, toc
    screenshot(page, "site-note-three-sections")
    label = page.locator('h2#transformer > a[href*="papers/1706.03762"]')
    box = label.bounding_box()
    assert box is not None and box["width"] > 10  # the CSS label is visible
    label.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/papers/1706.03762/")
    assert "14주차 모임: 세 편 복습" in page.locator("article").inner_text()  # backlink

    page.goto(
        f"{folder_site_url}/meetings/2025/09/16/15jucha-moim-glove/", wait_until="networkidle"
    )
    paragraph = page.locator("article p", has_text="도현 님 발표 요약")
    assert paragraph.locator("br").count() == 2  # three lines, not one run-on line
    page.goto(f"{folder_site_url}/meetings/", wait_until="networkidle")
    listing = page.locator("main").inner_text()
    assert "스킵그램과 음의 표본추출" in listing and "멀티헤드 어텐션" not in listing
    screenshot(page, "site-meetings-excerpts")
    assert page.console_errors == []
