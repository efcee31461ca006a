"""Benchmark: `tracker sync` of a 2,000-row Google Sheet against the loopback Sheets emulator.

Builds a team repository in a temp directory whose remote is a Google Sheet served by
tests/sheets_emulator.py (the real gspread client talks to it over HTTP on 127.0.0.1), pulls it
once, then times repeated syncs with nothing changed and with something changed (one local edit,
one sheet edit, one new local paper). Counts Sheets API requests per run in the emulator and in
the remote (they must agree) and checks them against the budget (<= 4 unchanged, <= 6 changed).
Writes benchmarks/results/gsheets_sync.json with provenance.

Example: python benchmarks/bench_gsheets_sync.py --rows 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from rich.progress import Progress

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # for tests.sheets_emulator when run as a script

from _report import bench_provenance, hardware, write_report  # noqa: E402

from tests.sheets_emulator import SheetsEmulator  # noqa: E402
from tracker import store  # noqa: E402
from tracker.models import Paper  # noqa: E402
from tracker.remotes.gsheets import GoogleSheetsRemote  # noqa: E402
from tracker.sync import sync  # noqa: E402

KEY = "1BenchReadingList_0123456789abcdefghijklmnop"
TAB = "papers"
HEADERS = ["ID", "제목", "저자", "연도", "주제", "상태", "담당자", "발표일"]
TEAM = f"""\
name: bench
topic: NLP
members:
  - {{handle: m1, name: 멤버1}}
remote:
  kind: gsheets
  spreadsheet: {KEY}
  worksheet: {TAB}
  columns:
""" + "".join(
    f"    - {{header: {h}, field: {f}}}\n"
    for h, f in zip(
        HEADERS,
        ["id", "title", "authors", "year", "topics", "status", "readers", "presented_on"],
        strict=True,
    )
)
BUDGET = {"nothing_changed": 4, "something_changed": 6}


def sheet_rows(rows: int) -> list[list[str]]:
    data = [HEADERS]
    for i in range(rows):
        # The leading apostrophe is how a person keeps a number-like id as text in Sheets.
        data.append(
            [f"'2101.{10000 + i}", f"논문 {i}: 표현 학습 연구", "김지우, Jane Doe", "2021",
             "nlp, 사전학습", "배정", "m1", "2025-07-08"]
        )  # fmt: skip
    return data


def run(root: Path, emulator: SheetsEmulator) -> dict:
    emulator.reset_counts()
    remote = GoogleSheetsRemote.from_settings(store.load_team(root).remote, root)
    spent = {"seconds": 0.0}

    def clocked(method):  # noqa: ANN001, ANN202 - time spent talking to the Sheets API
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            begin = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - begin

        return wrapper

    remote.exists = clocked(remote.exists)  # type: ignore[method-assign]
    remote.read = clocked(remote.read)  # type: ignore[method-assign]
    remote.apply = clocked(remote.apply)  # type: ignore[method-assign]
    start = time.perf_counter()
    result = sync(root, apply=True, remote=remote)
    seconds = time.perf_counter() - start
    assert remote.request_count == emulator.total_requests, "request counts disagree"
    return {
        "seconds": round(seconds, 3),
        "sheets_api_seconds": round(spent["seconds"], 3),
        "api_requests": emulator.total_requests,
        "token_requests": emulator.counts["token"],
        "by_kind": {k: v for k, v in sorted(emulator.counts.items()) if k != "token"},
        "pushed_cells": result.cells_pushed,
        "appended_rows": result.rows_appended,
        "pulled_cells": len(result.plan.pulls),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: python benchmarks/bench_gsheets_sync.py --rows 2000 --repeat 3",
    )
    parser.add_argument("--rows", type=int, default=2000, help="rows in the sheet (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per scenario")
    parser.add_argument(
        "--out", type=Path, default=HERE / "results" / "gsheets_sync.json", help="results JSON"
    )
    args = parser.parse_args(argv)

    runs: dict[str, list[dict]] = {"first_pull": [], "nothing_changed": [], "something_changed": []}
    with (
        tempfile.TemporaryDirectory() as tmp,
        SheetsEmulator() as emulator,
        Progress(transient=True) as progress,
    ):
        os.environ["TRACKER_SHEETS_ENDPOINT"] = emulator.base_url
        root = Path(tmp) / "team"
        (root / "papers").mkdir(parents=True)
        (root / "papers" / "team.yaml").write_text(TEAM, encoding="utf-8")
        emulator.add_spreadsheet(KEY, worksheets={TAB: sheet_rows(args.rows)})
        task = progress.add_task("gsheets sync benchmark", total=1 + 2 * args.repeat)

        runs["first_pull"].append(run(root, emulator))
        progress.advance(task)
        for i in range(args.repeat):
            runs["nothing_changed"].append(run(root, emulator))
            progress.advance(task)
            # One edit on each side and one new paper: a push, a pull and an append.
            paper = store.read_paper(store.paper_path(root, f"2101.{10000 + i}"))
            data = {**paper.model_dump(), "status": "read", "body": paper.body}
            store.write_paper(root, Paper.model_validate(data))
            emulator.set_cell(KEY, TAB, f"B{args.rows - i}", f"고친 제목 {i}")
            store.write_paper(root, Paper(id=f"2402.{20000 + i}", title=f"새 논문 {i}"))
            runs["something_changed"].append(run(root, emulator))
            progress.advance(task)

    summary = {}
    for name, items in runs.items():
        summary[name] = {
            "seconds_median": round(statistics.median(r["seconds"] for r in items), 3),
            "sheets_api_seconds_median": round(
                statistics.median(r["sheets_api_seconds"] for r in items), 3
            ),
            "api_requests_max": max(r["api_requests"] for r in items),
            "budget": BUDGET.get(name),
            "runs": items,
        }
    within = all(summary[name]["api_requests_max"] <= limit for name, limit in BUDGET.items())
    result = {
        "schema": 1,
        "benchmark": "tracker sync of a Google Sheet (loopback Sheets API v4 emulator, real gspread)",
        "rows": args.rows,
        "repeat": args.repeat,
        "scenarios": summary,
        "within_request_budget": within,
        "provenance": bench_provenance(vars(args))
        | {"hardware": hardware(), "gspread": version("gspread")},
    }
    write_report(args.out, result)
    for name in runs:
        s = summary[name]
        print(
            f"{name:<18} {s['seconds_median']:>7.3f} s total, "
            f"{s['sheets_api_seconds_median']:.3f} s in the Sheets API, "
            f"{s['api_requests_max']} API request(s)"
        )
    print(f"within request budget: {within}; wrote {args.out}")
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
