"""The site built from every stored-XSS payload, opened in a real headless Chromium: no payload
ran (document.title untouched), no handler is in the DOM, no link or source uses javascript:,
and the theme still works (its search opens and finds the payload page as text)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from xss_helpers import MARK, PAPER_ID, hostile_site

from tests.helpers.static_site import serve_folder

pytestmark = pytest.mark.browser

PAGES = [
    f"papers/{PAPER_ID}/",
    "papers/",
    "meetings/",
    "meetings/2025/08/27/hand-written/",
    "agenda/",
]

# Every element's attributes, read from the live DOM after scripts ran.
DOM_PROBLEMS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' ' + name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
          && /^(javascript|vbscript|data):/.test(value)) bad.push(el.tagName + ' ' + name + '=' + value);
    }
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(hostile_site(tmp_path_factory.getbasetemp()) / "site") as url:
        yield url


def test_no_payload_runs_in_a_real_browser(page, site_url: str) -> None:  # noqa: ANN001
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site_url) else r.abort())
    page.add_init_script("window.__ran = []; window.alert = (x) => window.__ran.push(String(x));")
    for path in PAGES:
        page.goto(f"{site_url}/{path}", wait_until="networkidle")
        # The theme's bundle ran (the search box is wired up), so its scripts survived.
        page.wait_for_selector("[data-md-component=search-query]", state="attached")
        # Every payload sets the title to exactly MARK; a title that shows it as text is fine.
        assert page.evaluate("document.title") != MARK, path
        assert page.evaluate(DOM_PROBLEMS) == [], path
        assert page.evaluate("window.__ran") == [], path
        # Give a handler every chance: hover and toggle the details element if there is one.
        if page.locator("details").count():
            page.locator("details summary").first.click()
        assert page.evaluate("document.title") != MARK, path
    assert page.evaluate("typeof __md_scope") == "object"
