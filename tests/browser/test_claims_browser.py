"""The claims table and the overview on the built site, in a real headless Chromium: the rows
come from a results file's `claims`, reproduced/not reproduced are coloured apart, and a
constant head is named."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import BERT_TRAIN_RESULT, TODAY, make_team_repo

from browser.conftest import screenshot
from tests.helpers.static_site import serve_folder

pytestmark = pytest.mark.browser

CLAIMS = [
    {
        "claim": "NSP is learnable (Section 3.1, Task #2)",
        "paper": "97-98% NSP accuracy",
        "ours": "accuracy 0.81 vs majority rate 0.5 (SE 0.011)",
        "holds": True,
        "test": "accuracy - majority rate > 2 SE",
        "evidence": {"n": 2048},
    },
    {
        "claim": "SOP-trained model learns SOP (Table 4)",
        "paper": "86.5",
        "ours": "accuracy 0.51 vs majority rate 0.51 (SE 0.011)",
        "holds": False,
        "test": "accuracy - majority rate > 2 SE",
        "evidence": {"n": 2048},
    },
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tracker.site import build_site

    root = make_team_repo(tmp_path_factory.mktemp("claims") / "team")
    record = {**json.loads(json.dumps(BERT_TRAIN_RESULT)), "claims": CLAIMS}
    record["constant_heads"] = ["val_nsp (none)"]
    out: Path = root / "reproductions" / "bert" / "results" / "tiny.json"
    out.write_text(json.dumps(record), encoding="utf-8")
    build_site(root, strict=True, today=dt.date.fromisoformat(TODAY))
    with serve_folder(root / "site") as url:
        yield url


def test_paper_page_shows_the_claims_table(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(f"{site_url}/papers/1810.04805/", wait_until="networkidle")
    text = page.inner_text("article")
    assert "NSP is learnable (Section 3.1, Task #2)" in text
    assert "주장 2개 중 1개 재현" in text
    holds = page.locator(".tracker-claim-holds")
    fails = page.locator(".tracker-claim-fails")
    assert holds.count() == 1 and fails.count() == 1
    green = holds.evaluate("e => getComputedStyle(e).color")
    red = fails.evaluate("e => getComputedStyle(e).color")
    assert green != red  # told apart by colour as well as by the word
    assert "val_nsp (none)" in page.inner_text(".tracker-constant-head >> xpath=..")
    screenshot(page, "site-claims-table")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_reproductions_index_shows_the_overview(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(f"{site_url}/reproductions/", wait_until="networkidle")
    text = page.inner_text("article")
    assert "CPU 규모에서 주장 2개 중 1개 재현" in text
    assert "1 / 2" in text
