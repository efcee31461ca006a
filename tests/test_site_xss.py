"""Stored XSS: nothing the team writes (notes, hand-written posts, sheet cells) reaches the
published site as a script, a handler or a script URL, whatever the Markdown trick.

The built pages are read with an HTML parser (lxml); the same site is opened once in a real
browser by tests/browser/test_site_xss_browser.py.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import lxml.html
import pytest
from xss_helpers import MARK, PAPER_ID, hostile_site

from tracker.site_sanitize import safe_url, sanitize_page

URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_site(tmp_path_factory.getbasetemp()) / "site"


def _pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "assets"]


def _theme_script(element: lxml.html.HtmlElement, page: Path, site: Path) -> bool:
    src = element.get("src")
    if src is not None:
        if src.startswith("/"):  # 404.html: /<site path>/assets/...
            parts = src.strip("/").split("/")
            targets = [site.joinpath(*parts[i:]).resolve() for i in range(len(parts))]
        else:
            targets = [(page.parent / src).resolve()]
        return any(t.is_file() and site.resolve() in t.parents for t in targets)
    if element.get("type") == "application/json":
        return True
    return (element.text or "").startswith(("__md_scope=", "var palette=", "var target="))


def problems_in(page: Path, site: Path) -> list[str]:
    tree = lxml.html.fromstring(page.read_bytes())
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}>")
            if name.lower() in URL_ATTRS and not safe_url(value):
                found.append(f"<{element.tag} {name}={value!r}>")
        if element.tag == "script" and not _theme_script(element, page, site):
            found.append(f"<script>{(element.text or '')[:40]}")
        if element.tag in ("iframe", "object", "embed", "base"):
            found.append(f"<{element.tag}>")
    return found


def test_every_built_page_is_free_of_handlers_scripts_and_script_urls(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) > 20
    found = {str(p.relative_to(site)): problems_in(p, site) for p in pages}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_payload_pages_exist_and_show_the_payload_as_text(site: Path) -> None:
    posts = [p for p in _pages(site) if "hand-written" in str(p) or "xss" in str(p)]
    assert len(posts) >= 2, "the imported note and the hand-written post are both published"
    paper = (site / "papers" / PAPER_ID / "index.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(paper)
    text = tree.text_content()
    # The sheet's venue and slides cells are shown as text, not run and not linked.
    assert f"<img src=x onerror=document.title='{MARK}'>" in text
    assert f"javascript:document.title='{MARK}'" in text
    assert not [a for a in tree.iter("a") if "javascript" in (a.get("href") or "")]


def test_theme_scripts_survive_so_the_site_still_works(site: Path) -> None:
    page = site / "papers" / PAPER_ID / "index.html"
    tree = lxml.html.fromstring(page.read_bytes())
    scripts = [s.get("src") or (s.text or "")[:12] for s in tree.iter("script")]
    assert any("bundle" in s for s in scripts)
    assert any("katex.min.js" in s for s in scripts)
    assert any(s.startswith("__md_scope") for s in scripts)
    assert tree.get_element_by_id("__config") is not None


def test_search_index_carries_no_markup_from_titles(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            fragment = lxml.html.fragment_fromstring(doc[key] or "<p></p>", create_parent="div")
            for element in fragment.iter():
                assert not any(n.startswith("on") for n in element.attrib), (doc["location"], key)
                assert element.tag not in ("script", "svg", "iframe"), (doc["location"], key)
                if key == "title":
                    assert element.tag == "div", (doc["location"], "a title is plain text")


@pytest.mark.parametrize(
    "chrome",
    [
        "<span>T <img src=x onerror=alert(1)></span>",
        "<span>T <!--><img src=x onerror=alert(1)>--></span>",
        "<title>T</title><span><!-- --!><img src=x onerror=alert(1)> --></span>",
        "<span><svg><style><img src=x onerror=alert(1)></style></svg></span>",
        "<span><script>alert(1)</script><a href='java&#x09;script:alert(1)'>x</a></span>",
        "<span><a href='&#106;avascript:alert(1)'>x</a><iframe src=//x></iframe></span>",
    ],
)
def test_theme_chrome_with_markup_in_a_title_is_neutralised(chrome: str, tmp_path: Path) -> None:
    page = f"<!doctype html><html><head></head><body><header>{chrome}</header></body></html>"
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    cleaned, removed = sanitize_page(page, site_dir=tmp_path, page_path=tmp_path / "index.html")
    assert removed >= 1
    (tmp_path / "index.html").write_text(cleaned, encoding="utf-8")
    assert problems_in(tmp_path / "index.html", tmp_path) == []
    assert "alert(1)" not in "".join(
        v for e in lxml.html.fromstring(cleaned).iter() for v in getattr(e, "attrib", {}).values()
    )


def test_safe_url_reads_urls_as_the_browser_does() -> None:
    assert safe_url("https://example.org/a") and safe_url("../papers/x/") and safe_url("#top")
    assert safe_url("mailto:team@example.org")
    for bad in (
        "javascript:x",
        " JavaScript:x",
        "java\tscript:x",
        "&#106;avascript:x",
        "javascript&colon;x",
        "data:text/html,x",
        "vbscript:x",
        "\x01javascript:x",
    ):
        assert not safe_url(bad), bad
    assert html.unescape("&colon;") == ":"
    assert re.match(r"^\d", "1") is not None


def test_a_second_copy_of_a_theme_inline_script_stops_the_build(tmp_path: Path) -> None:
    from tracker.errors import DataError

    theme = '<script>__md_scope=new URL(".",location)</script>'
    injected = '<script>__md_scope=new URL(".",location);alert(1)</script>'
    page = f"<html><head>{theme}</head><body><header>{injected}</header></body></html>"
    with pytest.raises(DataError, match="appears twice"):
        sanitize_page(page, site_dir=tmp_path, page_path=tmp_path / "index.html")
    cleaned, _ = sanitize_page(
        f"<html><head>{theme}</head></html>", site_dir=tmp_path, page_path=tmp_path / "i.html"
    )
    assert theme in cleaned  # the theme's own copy stays
