"""Benchmark: generate and strictly build the site for 300 meeting notes and 1,000 papers.

Writes benchmarks/results/site_build.json. Example: python benchmarks/bench_site_build.py
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _report import bench_parser, bench_provenance
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from site_helpers import make_team_repo  # noqa: E402

from tracker import store  # noqa: E402
from tracker.models import Paper  # noqa: E402
from tracker.site import build_site  # noqa: E402


def synthesise(root: Path, papers: int, notes: int) -> None:
    """Add synthetic papers and notes (Korean prose, math, mentions) to a copied team repo."""
    handles = [m.handle for m in store.load_team(root).members]
    for i in tqdm(range(papers), desc="papers", unit="file"):
        paper = Paper(
            id=f"bench-{i:04d}",
            title=f"Synthetic Benchmark Paper Number {i:04d}",
            year=2000 + i % 25,
            aliases=[f"Bench{i:04d}"],
            topics=["benchmark", "벤치마크"],
            readers=[handles[i % len(handles)], handles[(i + 1) % len(handles)]],
            body=f"\n## 요약\n\n합성 논문 {i}번의 요약. 손실은 $L = -\\log p(x_{i})$ 이다.\n",
        )
        store.write_paper(root, paper)
    start = dt.date(2020, 1, 7)
    for i in tqdm(range(notes), desc="notes", unit="file"):
        day = start + dt.timedelta(days=7 * i)
        body = (
            f"\n# {i}번째 모임\n\nBench{i % papers:04d} 와 Bench{(i * 7) % papers:04d} 를 읽었다 "
            f"(토론).\n\n$$\\sum_{{k=1}}^{{{i + 1}}} k$$\n\n- [ ] @{handles[i % len(handles)]} 정리하기\n"
        )
        front = {
            "title": f"{i}번째 모임",
            "date": day,
            "categories": ["Meeting"],
            "tags": ["bench"],
            "authors": [handles[i % len(handles)]],
            "draft": False,
            "slug": f"bench-{i:03d}",
        }
        store.write_doc(
            root,
            f"meetings/posts/{day.isoformat()}-bench-{i:03d}.md",
            store.join_front_matter(front, body),
        )


def main() -> None:
    parser = bench_parser(
        __doc__, epilog="Example: python benchmarks/bench_site_build.py --papers 1000 --notes 300"
    )
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/site_build.json")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        root = make_team_repo(scratch / "team")
        synthesise(root, args.papers, args.notes)
        started = time.perf_counter()
        result = build_site(root, strict=True, today=dt.date(2026, 1, 1))
        total = time.perf_counter() - started
        pages = sum(1 for _ in (root / "site").rglob("index.html"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    record = {
        "schema": 1,
        "papers": args.papers + len(list((REPO / "papers").glob("*.md"))),
        "notes": args.notes,
        "generate_s": round(result.generated.seconds, 2),
        "build_total_s": round(total, 2),
        "html_pages": pages,
        "strict": True,
        "goal_s": 60,
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
        },
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    record["provenance"] = bench_provenance(vars(args))
    store.atomic_write_text(args.out, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(record, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
