"""Benchmark: first full render of the dashboard's Reading list and Quota pages for a large team.

Generates a synthetic team repository (5,000 paper files, 50 members, bilingual topics, a fixed
seed) in a temporary directory, then renders each page under `streamlit.testing.v1.AppTest` with
every cache cleared, so the time covers what a person waits for on their first visit: the
fingerprint, `load_catalog` of every file, the page's tables and widgets. Python's imports are
warmed on a tiny repository first (a running server has them already). Writes
benchmarks/results/dashboard.json.

Example: python benchmarks/bench_dashboard.py --papers 5000 --members 50 --repeat 3
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import streamlit as st
from _report import (
    add_run_arguments,
    bench_parser,
    bench_provenance,
    hardware,
    page_run_seconds,
    write_report,
)
from rich.progress import track

from tracker import store
from tracker.catalog import catalog_fingerprint, load_catalog
from tracker.dashboard import ROOT_ENV
from tracker.models import Member, Paper, Status

GOAL_S = 3.0
TODAY = "2025-10-01"
TOPICS = [
    "pretraining", "사전학습", "machine translation", "기계번역", "attention", "어텐션",
    "word embeddings", "단어 임베딩", "LSTM", "순환신경망", "tagging", "품사 태깅", "LLM",
    "대규모 언어모델", "efficiency", "경량화", "RLHF", "prompting", "subword", "형태소",
]  # fmt: skip
WORDS = [
    "neural",
    "language",
    "model",
    "learning",
    "transformer",
    "representation",
    "효율적인",
    "학습",
]


def write_synthetic_repo(root: Path, *, papers: int, members: int, seed: int) -> Path:
    """A team repository with `members` members and `papers` paper files."""
    rng = random.Random(seed)
    handles = [f"member{i:02d}" for i in range(members)]
    roster = [
        Member(handle=h, name=f"회원 {i}", interests=rng.sample(TOPICS, 4)).model_dump(
            exclude_none=True
        )
        for i, h in enumerate(handles)
    ]
    team = {
        "name": "벤치마크 모임",
        "topic": "NLP",
        "quota": 20,
        "readers_per_paper": 2,
        "start": "2025-06-03",
        "deadline": "2026-02-24",
        "members": roster,
    }
    (root / "papers").mkdir(parents=True, exist_ok=True)
    (root / "papers" / "team.yaml").write_text(store.dump_yaml(team), encoding="utf-8")
    statuses = list(Status)
    start = dt.date(2025, 5, 1)
    for i in track(range(papers), description=f"writing {papers} papers"):
        status = rng.choice(statuses)
        readers = rng.sample(handles, 2) if status != Status.proposed else []
        read_by = (
            readers[: rng.randint(0, 2)] if status not in (Status.proposed, Status.assigned) else []
        )
        paper = Paper(
            id=f"synthetic-{i:05d}",
            title=" ".join(rng.choices(WORDS, k=6)).capitalize() + f" {i}",
            authors=[f"Author {rng.randint(1, 900)}", f"저자 {rng.randint(1, 900)}"],
            year=rng.randint(1990, 2025),
            topics=rng.sample(TOPICS, 3),
            status=status,
            readers=readers,
            read_by=read_by,
            url=f"https://example.org/paper/{i}",
            added_on=start + dt.timedelta(days=rng.randint(0, 150)),
            body="## 요약\n\n" + " ".join(rng.choices(WORDS, k=40)) + "\n"
            if rng.random() < 0.4
            else "",
        )
        (root / "papers" / f"{paper.id}.md").write_text(store.render_paper(paper), encoding="utf-8")
    return root


def render_first_time(page: str) -> float:
    """Seconds for one AppTest run of `page` with every Streamlit cache empty."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return page_run_seconds(page)


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--members", type=int, default=50)
    add_run_arguments(
        parser,
        repeat_help="cold renders per page (median kept)",
        out="benchmarks/results/dashboard.json",
    )
    args = parser.parse_args()
    os.environ["TRACKER_TODAY"] = TODAY

    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        warm = write_synthetic_repo(Path(tmp) / "warm", papers=20, members=3, seed=args.seed)
        root = write_synthetic_repo(
            Path(tmp) / "team", papers=args.papers, members=args.members, seed=args.seed
        )
        os.environ[ROOT_ENV] = str(warm)
        for page in ("views/reading_list.py", "views/quota.py"):
            render_first_time(page)  # imports and Streamlit's own start-up, not measured
        os.environ[ROOT_ENV] = str(root)

        began = time.perf_counter()
        catalog_fingerprint(root)
        fingerprint_s = time.perf_counter() - began
        began = time.perf_counter()
        catalog = load_catalog(root)
        load_s = time.perf_counter() - began
        assert len(catalog.papers) == args.papers and not catalog.errors, catalog.errors[:3]

        pages = {}
        for name, page in (("reading_list", "views/reading_list.py"), ("quota", "views/quota.py")):
            times = [render_first_time(page) for _ in range(args.repeat)]
            pages[name] = {
                "first_render_s": round(statistics.median(times), 3),
                "runs_s": [round(t, 3) for t in times],
                "under_goal": statistics.median(times) < GOAL_S,
            }
            print(f"{name}: first render {statistics.median(times):.2f} s (runs {times})")

    report = {
        "schema": 1,
        "benchmark": "dashboard first render",
        "papers": args.papers,
        "members": args.members,
        "seed": args.seed,
        "goal_s": GOAL_S,
        "pages": pages,
        "catalog_fingerprint_s": round(fingerprint_s, 3),
        "load_catalog_s": round(load_s, 3),
        "command": "python benchmarks/bench_dashboard.py " + " ".join(sys.argv[1:]),
        "hardware": hardware(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    report["provenance"] = bench_provenance(vars(args))
    write_report(args.out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
