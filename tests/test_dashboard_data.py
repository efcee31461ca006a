"""The dashboard's pure helpers: safe rendering of notes and the reproduction tables."""

from __future__ import annotations

import math

import pytest

from tracker.catalog import ReproResult
from tracker.dashboard.ui import safe_note_markdown


def result(data: dict) -> ReproResult:
    return ReproResult(
        path="r.json", reproduction="x", kind=data.get("kind", "train"), run="r", data=data
    )


def test_note_html_is_sanitised_but_markdown_code_and_math_stay() -> None:
    note = (
        '<h1 onclick="steal()">제목</h1>\n<script>alert(1)</script>\n'
        '[link](javascript:alert(2)) <a href="javascript:alert(3)">a</a><br>\n'
        "> 인용 & 설명 $a<b$ and $$x > y$$\n\n```html\n<script>keep as code</script>\n```\n"
    )
    safe = safe_note_markdown(note)
    assert "<h1>제목</h1>" in safe and "<br>" in safe
    assert "onclick" not in safe and "alert(1)" not in safe and "javascript:" not in safe
    assert "\n> 인용 & 설명" in safe  # block quote and ampersand untouched
    assert r"$a\lt b$" in safe and r"$$x \gt  y$$" in safe
    assert "```html\n<script>keep as code</script>\n```" in safe


def test_notes_comment_markers_are_dropped() -> None:
    assert "more" not in safe_note_markdown("위\n<!-- more -->\n아래")


def test_parity_summary_takes_the_worst_diff_per_dtype() -> None:
    from tracker.dashboard.data import parity_by_dtype

    summary = parity_by_dtype(
        result(
            {
                "kind": "parity",
                "checks": [
                    {"name": "a", "dtype": "float32", "max_abs_diff": 1e-6, "passed": True},
                    {"name": "b", "dtype": "float32", "max_abs_diff": 4e-6, "passed": False},
                    {"name": "c", "dtype": "float64", "max_abs_diff": 2e-14, "passed": True},
                ],
            }
        )
    ).set_index("dtype")
    assert summary.loc["float32", "max_abs_diff"] == pytest.approx(4e-6)
    assert summary.loc["float32", "checks"] == 2
    assert summary["passed"].to_dict() == {"float32": False, "float64": True}


def test_curves_share_one_step_axis_with_gaps_where_a_curve_has_no_point() -> None:
    from tracker.dashboard.data import curves_frame

    frame = curves_frame(result({"curves": {"train": [[0, 3.0], [10, 2.0]], "val": [[10, 2.5]]}}))
    assert list(frame.index) == [0, 10]
    assert frame.loc[10, "val"] == 2.5 and math.isnan(frame.loc[0, "val"])


def test_metrics_without_a_paper_number_are_still_listed() -> None:
    from tracker.dashboard.data import metrics_vs_paper

    table = metrics_vs_paper(
        result(
            {
                "metrics": {"ppl": 30.0, "loss": 3.4},
                "paper_metrics": {"ppl": {"value": 18.3, "note": "bigger"}},
            }
        )
    ).set_index("metric")
    assert table.loc["ppl", "paper"] == 18.3 and table.loc["ppl", "note"] == "bigger"
    assert table.loc["loss", "ours"] == 3.4 and math.isnan(table.loc["loss", "paper"])
