"""Benchmark: the exact quota assignment for 50 members x 2,000 papers, quota 20, k = 2.

Builds a synthetic team and reading list (bilingual topics drawn with a fixed seed), times the
relevance matrix and the HiGHS solve separately, checks the answer's constraints, and writes
benchmarks/results/assign.json.

Example: python benchmarks/bench_assign.py --members 50 --papers 2000 --repeat 3
"""

from __future__ import annotations

import json
import platform
import random
import time
from pathlib import Path

import numpy as np
import scipy
from _report import add_run_arguments, bench_parser, bench_provenance, write_report

from tracker.assign import assign_reading_quota
from tracker.catalog import Catalog
from tracker.models import Member, Paper, TeamSettings

TOPICS = [
    "pretraining",
    "사전학습",
    "machine translation",
    "기계번역",
    "attention",
    "어텐션",
    "word embeddings",
    "단어 임베딩",
    "LSTM",
    "순환신경망",
    "tagging",
    "품사 태깅",
    "LLM",
    "대규모 언어모델",
    "RLHF",
    "instruction tuning",
    "quantization",
    "양자화",
    "LoRA",
    "knowledge distillation",
    "지식 증류",
    "question answering",
    "질의응답",
    "summarization",
    "retrieval",
    "검색",
    "subword",
    "형태소",
    "scaling laws",
    "prompting",
    "sentiment",
    "CRF",
]
WORDS = ("neural", "network", "corpus", "benchmark", "encoder", "decoder", "training", "dataset")


def synthetic_catalog(n_members: int, n_papers: int, seed: int) -> Catalog:
    rng = random.Random(seed)
    members = [
        Member(handle=f"m{i:03d}", name=f"Member {i}", interests=rng.sample(TOPICS, 4))
        for i in range(n_members)
    ]
    papers = []
    for j in range(n_papers):
        topics = rng.sample(TOPICS, 3)
        title = f"{topics[0]} with {' '.join(rng.sample(WORDS, 3))}"
        papers.append(Paper(id=f"p{j:05d}", title=title, topics=topics))
    team = TeamSettings(name="bench", topic="nlp", quota=20, readers_per_paper=2, members=members)
    return Catalog(root=Path("."), team=team, papers=papers, meetings=[], results=[])


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--papers", type=int, default=2000)
    add_run_arguments(
        parser, repeat_help="timed solves (best is reported)", out="benchmarks/results/assign.json"
    )
    args = parser.parse_args()

    from tqdm import tqdm

    catalog = synthetic_catalog(args.members, args.papers, args.seed)
    solve_times, total_times = [], []
    result = None
    for _ in tqdm(range(args.repeat), desc="assign"):
        started = time.perf_counter()
        result = assign_reading_quota(catalog)
        total_times.append(time.perf_counter() - started)
        solve_times.append(result.solve_seconds)
    assert result is not None
    loads = [m.load for m in result.members]
    per_paper = np.bincount([int(p.paper_id[1:]) for p in result.pairs], minlength=args.papers)
    report = {
        "schema": 1,
        "benchmark": "assign",
        "members": args.members,
        "papers": args.papers,
        "quota": 20,
        "readers_per_paper": 2,
        "variables": args.members * args.papers,
        "feasible": result.feasible,
        "loads_min_max": [min(loads), max(loads)],
        "max_readers_per_paper": int(per_paper.max()),
        "total_relevance": round(result.total_relevance, 6),
        "solve_seconds_best": round(min(solve_times), 3),
        "solve_seconds_all": [round(t, 3) for t in solve_times],
        "end_to_end_seconds_best": round(min(total_times), 3),
        "goal_seconds": 2.0,
        "machine": {
            "python": platform.python_version(),
            "scipy": scipy.__version__,
            "processor": platform.processor() or platform.machine(),
        },
    }
    report["provenance"] = bench_provenance(vars(args))
    write_report(args.out, report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
