"""Claims tables and the "N of M claims reproduced" overview on the site and the dashboard,
generated from the results files; constant-answer heads flagged on both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dashboard_helpers import TRAIN, open_on, write_results, write_tiny_repo

from tracker import claims
from tracker.catalog import ReproResult

CLAIMS = [
    {
        "claim": "NSP is learnable (Section 3.1)",
        "paper": "97-98%",
        "ours": "accuracy 0.81 vs majority rate 0.51 (SE 0.011)",
        "holds": True,
        "test": "accuracy - majority rate > 2 SE",
        "evidence": {"n": 2048},
    },
    {
        "claim": "SOP-trained solves NSP <b>above</b> chance | Table 4",
        "paper": "78.9",
        "ours": "accuracy 0.5 vs majority rate 0.5",
        "holds": False,
        "test": "accuracy - majority rate > 2 SE",
        "evidence": {"n": 2048},
    },
]


def _with_claims(root: Path) -> Path:
    results = write_results(root)
    record = json.loads(json.dumps(TRAIN))
    record["claims"] = CLAIMS
    record["constant_heads"] = ["val_nsp (none)"]
    record["paper_id"] = "1706.03762"  # a paper of the tiny team's reading list
    (results / "small.json").write_text(json.dumps(record), encoding="utf-8")
    return results


def _result(extra: dict) -> ReproResult:
    data = {**json.loads(json.dumps(TRAIN)), **extra}
    return ReproResult("x.json", "bert", "train", "small", data)


def test_overview_counts_claims_that_hold_per_reproduction() -> None:
    r = _result({"claims": CLAIMS})
    other = ReproResult("y.json", "gpt2", "train", "depth", {"claims": [CLAIMS[0]]})
    ov = claims.overview([r, other])
    assert (ov.held, ov.total) == (2, 3)
    assert ov.per_reproduction == {"bert": (1, 2), "gpt2": (1, 1)}
    assert "3개 중 2개" in ov.sentence() and "2 of 3 claims reproduced" in ov.sentence()
    # a parity record or a malformed claim never counts
    parity = ReproResult("p.json", "bert", "parity", "parity", {"claims": CLAIMS})
    bad = _result({"claims": [{"claim": "x", "holds": "yes"}]})
    assert claims.overview([parity, bad]).total == 0


def test_claims_table_escapes_text_from_results_files() -> None:
    md = claims.claims_table_md(_result({"claims": CLAIMS}))
    assert "2개 중 1개" in md
    assert "&lt;b&gt;above&lt;/b&gt;" in md and "<b>" not in md
    assert "chance \\| Table 4" in md  # a pipe in a claim does not split the table's row
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 3  # header + two claims
    assert "tracker-claim-holds" in rows[1] and "tracker-claim-fails" in rows[2]


def test_site_paper_page_and_index_show_claims_and_constant_heads(tmp_path: Path) -> None:
    from tracker.site import generate_site

    root = write_tiny_repo(tmp_path / "tiny")
    _with_claims(root)
    generate_site(root)
    page = (root / "docs" / "papers" / "1706.03762.md").read_text(encoding="utf-8")
    assert "NSP is learnable (Section 3.1)" in page
    assert "2개 중 1개 재현" in page
    assert "상수 출력 헤드" in page and "`val_nsp (none)`" in page
    index = (root / "docs" / "reproductions" / "index.md").read_text(encoding="utf-8")
    assert "CPU 규모에서 주장 2개 중 1개 재현" in index
    assert "| `bert` | 1 / 2 |" in index


def test_dashboard_shows_claims_overview_and_constant_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers.dashboard_app import open_page, texts

    root = open_on(write_tiny_repo(tmp_path / "tiny"), monkeypatch)
    _with_claims(root)
    app = open_page("reproductions")
    shown = texts(app)
    assert "재현된 주장: **2개 중 1개**" in shown
    assert "val_nsp (none)" in shown  # the constant-head warning
    assert app.metric[0].value == "1 / 2"
    table = next(d.value for d in app.dataframe if "claim" in d.value.columns)
    assert list(table["reproduced"]) == [True, False]
