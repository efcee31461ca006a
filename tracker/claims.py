"""The papers' claims as the reproductions' results files decide them, for the site and dashboard.

Owns two views of the `claims` lists in `reproductions/*/results/*.json`: a claims table per
result (claim, paper, ours, the test that decided it, reproduced or not) and an overview ("N of
M claims reproduced at CPU scale"), plus the list of heads flagged constant (one class for more
than 90% of examples). Nothing here re-decides a claim: `holds` is what the run's code computed.
The functions return plain rows and Markdown, so the site and the dashboard place them where
their page layout wants them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tracker.catalog import ReproResult


@dataclass(frozen=True)
class ClaimRow:
    reproduction: str
    run: str
    claim: str
    paper: str
    ours: str
    test: str
    holds: bool


@dataclass(frozen=True)
class Overview:
    held: int
    total: int
    per_reproduction: dict[str, tuple[int, int]]

    def sentence(self) -> str:
        return f"CPU 규모에서 주장 {self.total}개 중 {self.held}개 재현 ({self.held} of {self.total} claims reproduced at CPU scale)"


def claim_rows(results: Iterable[ReproResult]) -> list[ClaimRow]:
    """Every claim of every train result, in file order."""
    rows = []
    for result in results:
        if result.kind != "train":
            continue
        for c in result.data.get("claims") or []:
            if not isinstance(c, dict) or not isinstance(c.get("holds"), bool):
                continue
            rows.append(
                ClaimRow(
                    reproduction=result.reproduction,
                    run=result.run,
                    claim=str(c.get("claim", "")),
                    paper=str(c.get("paper", "")),
                    ours=str(c.get("ours", "")),
                    test=str(c.get("test", "")),
                    holds=c["holds"],
                )
            )
    return rows


def overview(results: Iterable[ReproResult]) -> Overview:
    per: dict[str, list[int]] = {}
    for row in claim_rows(results):
        counts = per.setdefault(row.reproduction, [0, 0])
        counts[0] += row.holds
        counts[1] += 1
    held = sum(c[0] for c in per.values())
    total = sum(c[1] for c in per.values())
    return Overview(held, total, {k: (v[0], v[1]) for k, v in sorted(per.items())})


def constant_heads(result: ReproResult) -> list[str]:
    heads = result.data.get("constant_heads") or []
    return [str(h) for h in heads if isinstance(h, str)]


def _cell(text: str) -> str:
    # Claims are text from results files: escape HTML and the table's own pipe.
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def claims_table_md(result: ReproResult) -> str:
    """A Markdown table of one result's claims ("" when it has none)."""
    rows = claim_rows([result])
    if not rows:
        return ""
    held = sum(r.holds for r in rows)
    lines = [
        f"주장 {len(rows)}개 중 {held}개 재현 ({held} of {len(rows)} claims reproduced).",
        "",
        "| 주장 (claim) | 논문 | 우리 결과 | 검정 | 재현 |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        mark = (
            '<span class="tracker-claim-holds">예 ✓</span>'
            if r.holds
            else '<span class="tracker-claim-fails">아니오 ✗</span>'
        )
        lines.append(
            f"| {_cell(r.claim)} | {_cell(r.paper)} | {_cell(r.ours)} | {_cell(r.test)} | {mark} |"
        )
    return "\n".join(lines)


def constant_heads_md(result: ReproResult) -> str:
    heads = constant_heads(result)
    if not heads:
        return ""
    names = ", ".join(f"`{_cell(h)}`" for h in heads)
    return (
        '<span class="tracker-constant-head">상수 출력 헤드 (constant head)</span>: '
        f"{names}: 예시의 90% 넘게 한 클래스만 예측합니다. 이 정확도는 학습된 판단이 아닙니다."
    )


def overview_md(results: Iterable[ReproResult]) -> str:
    """The overview sentence and a per-reproduction table ("" when no result has claims)."""
    ov = overview(list(results))
    if not ov.total:
        return ""
    lines = [ov.sentence() + ".", "", "| 재현 | 재현된 주장 |", "|---|---|"]
    for name, (held, total) in ov.per_reproduction.items():
        lines.append(f"| `{name}` | {held} / {total} |")
    return "\n".join(lines)


def claims_records(results: Iterable[ReproResult]) -> list[dict[str, Any]]:
    """Rows for a dataframe (dashboard)."""
    return [
        {
            "claim": r.claim,
            "paper": r.paper,
            "ours": r.ours,
            "test": r.test,
            "reproduced": r.holds,
            "run": r.run,
        }
        for r in claim_rows(results)
    ]
