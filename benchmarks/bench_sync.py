"""Benchmark: sync of a 2,000-row spreadsheet file (goal: under 1 s on a 2-core machine).

Builds a synthetic team repository in a temp directory (2,000 papers with Korean titles and
text ids), syncs it once, then times three runs: nothing changed (dry run), 50 cells changed on
each side (apply), and the first full pull into an empty papers/. Writes
benchmarks/results/sync.json with provenance.

Example: python benchmarks/bench_sync.py --rows 2000
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from pathlib import Path

from _report import bench_parser, bench_provenance, hardware, write_report

from tracker import store
from tracker.models import Paper
from tracker.sync import sync

HERE = Path(__file__).resolve().parent
TEAM = """\
name: bench
topic: NLP
members:
  - {handle: m1, name: 멤버1, interests: [nlp]}
  - {handle: m2, name: 멤버2, interests: [nlp]}
remote: {kind: file, path: papers/reading-list.csv}
"""


def make_repo(root: Path, rows: int) -> None:
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM, encoding="utf-8")
    headers = ["ID", "제목", "저자", "연도", "주제", "상태", "담당자", "발표일"]
    lines = [headers]
    for i in range(rows):
        lines.append(
            [
                f"2101.{10000 + i}",
                f"논문 {i}: 표현 학습 연구",
                "김지우, Jane Doe",
                "2021",
                "nlp, 사전학습",
                "assigned",
                "m1",
                "2025-07-08",
            ]
        )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    (root / "papers" / "reading-list.csv").write_text(buffer.getvalue(), encoding="utf-8")
    team_yaml = TEAM.replace(
        "remote: {kind: file, path: papers/reading-list.csv}",
        "remote:\n  kind: file\n  path: papers/reading-list.csv\n  columns:\n"
        + "".join(
            f"    - {{header: {h}, field: {f}}}\n"
            for h, f in zip(
                headers,
                ["id", "title", "authors", "year", "topics", "status", "readers", "presented_on"],
                strict=True,
            )
        ),
    )
    (root / "papers" / "team.yaml").write_text(team_yaml, encoding="utf-8")


def timed(fn):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def edit_both_sides(root: Path, n: int) -> None:
    path = root / "papers" / "reading-list.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for row in rows[1 : n + 1]:
        row[5] = "read"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    for i in range(n, 2 * n):
        paper = store.read_paper(store.paper_path(root, f"2101.{10000 + i}"))
        store.write_paper(
            root,
            Paper.model_validate(
                {**paper.model_dump(), "readers": ["m1", "m2"], "body": paper.body}
            ),
        )


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "sync.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "team"
        make_repo(root, args.rows)
        first_pull, _ = timed(lambda: sync(root, apply=True))
        unchanged, result = timed(lambda: sync(root))
        assert not result.plan.has_changes
        edit_both_sides(root, 50)
        changed, result = timed(lambda: sync(root, apply=True))
        assert len(result.plan.pulls) == 50 and len(result.plan.pushes) == 50
    report = {
        "benchmark": "sync of a spreadsheet file",
        "rows": args.rows,
        "seconds": {
            "first_pull_into_empty_papers": round(first_pull, 3),
            "nothing_changed_dry_run": round(unchanged, 3),
            "50_cells_each_side_apply": round(changed, 3),
        },
        "goal_seconds": 1.0,
        "provenance": bench_provenance(vars(args)) | {"hardware": hardware()},
    }
    write_report(args.out, report)
    print(f"sync of {args.rows} rows:")
    for name, seconds in report["seconds"].items():
        print(f"  {name:<32} {seconds:7.3f} s   (goal < 1 s: {'ok' if seconds < 1 else 'MISSED'})")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
