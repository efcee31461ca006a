"""The lab pages in a real browser: `tracker dashboard` serves them, headless Chromium opens each,
waits for its figures to be drawn (decoded images with a width), and screenshots it into
test-artifacts/screenshots/lab-<view>.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dashboard_helpers import TODAY, write_tiny_repo
from results_helpers import GPT2_ABLATION, write_result

from browser.conftest import screenshot
from tests.helpers.dashboard_server import serve_dashboard

pytestmark = pytest.mark.browser

# url path (the page file's stem), text the page must show, and how many figures it draws.
VIEWS = {
    "vectors": ("lab_vectors", ["단어 벡터", "유추: a − b + c", "king − man + woman"], 1),
    "attention": ("lab_attention", ["어텐션 헤드", "[CLS]로 가는 어텐션 비율"], 3),
    "positions": ("lab_positions", ["위치 인코딩", "max |R_k · PE_pos − PE_(pos+k)|"], 1),
    "depth": ("lab_depth", ["깊이와 초기화", "학습 곡선"], 2),
    "decoding": ("lab_decoding", ["디코딩", "빔 탐색 나무", "Greedy"], 1),
}


@pytest.fixture(scope="module")
def lab_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_tiny_repo(tmp_path_factory.mktemp("lab") / "team")
    write_result(root, GPT2_ABLATION)
    with serve_dashboard(root, {"TRACKER_TODAY": TODAY, "HF_HUB_OFFLINE": "1"}) as url:
        yield url


@pytest.mark.parametrize("name", list(VIEWS))
def test_lab_view_draws_its_figures_in_chromium(lab_dashboard: str, page, name: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    path, expected, figures = VIEWS[name]
    # As a person does: open the dashboard, then the view from the "실험실" section of the
    # navigation. (A server whose entry script has not run yet maps a deep link to the bare
    # page file, outside st.navigation; opening the front page first avoids that.)
    page.goto(lab_dashboard, wait_until="domcontentloaded")
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav).to_contain_text("실험실", timeout=120_000)
    nav.locator(f'a[href$="/{path}"]').click()
    expect(page).to_have_url(f"{lab_dashboard}/{path}", timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    for snippet in expected:
        # The first visit loads MiniLM or trains the toy model: allow for it.
        expect(main).to_contain_text(snippet, timeout=180_000)
    images = main.locator('[data-testid="stImage"] img')
    expect(images).to_have_count(figures, timeout=180_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=180_000)
    for i in range(figures):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        # Drawn: the PNG arrived and decoded to real pixels.
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 100", arg=image.element_handle()
        )
    text = main.inner_text()
    assert "Traceback" not in text and "Error" not in text
    shot = screenshot(page, f"lab-{name}")
    assert shot.stat().st_size > 20_000
