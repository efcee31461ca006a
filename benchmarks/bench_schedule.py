"""Benchmark: the exact presenter rota for 30 members, 40 weeks, 3 slots, 1,000 papers.

A synthetic team (fixed seed): every paper has two readers, a third of the readings finished,
a few dozen presentations already held with uneven counts, each member away for a random week
or range, Korean public holidays from the `holidays` package plus two team skip dates. Times
`plan_schedule` end to end (problem building, relevance, the three HiGHS stages, explanations)
and the solver alone, checks the plan's constraints in code, and writes
benchmarks/results/schedule.json with provenance (commit, dirty flag, timestamp).

Example: python benchmarks/bench_schedule.py --members 30 --weeks 40 --slots 3 --papers 1000
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import Counter
from pathlib import Path

from _report import add_run_arguments, bench_parser, write_report

from tracker.catalog import Catalog
from tracker.models import Member, Paper, Schedule, Status, TeamSettings
from tracker.schedule import plan_schedule

TOPICS = [
    "pretraining",
    "machine translation",
    "attention",
    "word embeddings",
    "LSTM",
    "tagging",
    "LLM",
    "RLHF",
    "quantization",
    "LoRA",
    "question answering",
    "summarization",
    "retrieval",
    "subword",
    "scaling laws",
    "prompting",
]
START = dt.date(2025, 9, 1)  # Monday; the horizon runs through 추석 and 설날


def synthetic_catalog(n_members: int, n_papers: int, slots: int, seed: int) -> Catalog:
    rng = random.Random(seed)
    members = []
    for i in range(n_members):
        away_start = START + dt.timedelta(days=rng.randrange(0, 280))
        away = [away_start.isoformat()]
        if rng.random() < 0.5:
            away = [f"{away_start}..{away_start + dt.timedelta(days=rng.randrange(7, 21))}"]
        members.append(
            Member(
                handle=f"m{i:02d}",
                name=f"Member {i}",
                interests=rng.sample(TOPICS, 3),
                away=away,
            )
        )
    handles = [m.handle for m in members]
    papers = []
    history_days = [START - dt.timedelta(weeks=w) for w in range(1, 9)]
    for j in range(n_papers):
        readers = rng.sample(handles, 2)
        read_by = [r for r in readers if rng.random() < 0.33]
        topics = rng.sample(TOPICS, 2)
        fields: dict = {
            "id": f"p{j:04d}",
            "title": f"{topics[0]} and {topics[1]} study {j}",
            "topics": topics,
            "readers": readers,
            "read_by": read_by,
            "status": Status.read if read_by else Status.assigned,
        }
        if j < 8 * slots:  # the presentations already held, uneven across members
            fields.update(
                presenter=readers[0],
                presented_on=history_days[j % len(history_days)],
                status=Status.presented,
            )
        papers.append(Paper(**fields))
    team = TeamSettings(
        name="bench",
        topic="nlp",
        members=members,
        schedule=Schedule(
            weekday="tuesday",
            slots=slots,
            skip=["2025-12-30", {"from": "2026-02-10", "to": "2026-02-10", "reason": "방학"}],
        ),
    )
    return Catalog(root=Path("/nonexistent"), team=team, papers=papers, meetings=[], results=[])


def check(plan, catalog: Catalog) -> dict:  # noqa: ANN001
    """The plan's constraints, computed again from the catalog."""
    papers = {p.id: p for p in catalog.papers}
    members = {m.handle: m for m in catalog.team.members}
    seen: Counter[str] = Counter()
    for meeting in plan.meetings:
        assert len(meeting.talks) + meeting.open_slots == catalog.team.schedule.slots
        for talk in meeting.talks:
            paper = papers[talk.paper]
            assert talk.presenter in {*paper.readers, *paper.read_by}
            assert paper.status != Status.presented
            assert not members[talk.presenter].is_away(meeting.date)
            seen[talk.paper] += 1
    assert max(seen.values()) == 1, "a paper presented twice"
    totals = [load.total for load in plan.loads]
    return {"loads_min_max": [min(totals), max(totals)], "papers_presented": len(seen)}


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--weeks", type=int, default=40)
    parser.add_argument("--slots", type=int, default=3)
    parser.add_argument("--papers", type=int, default=1000)
    add_run_arguments(
        parser, repeat_help="timed runs (best is reported)", out="benchmarks/results/schedule.json"
    )
    args = parser.parse_args()

    from tqdm import tqdm

    from reproductions.common.results import provenance

    started_at = time.time()
    catalog = synthetic_catalog(args.members, args.papers, args.slots, args.seed)
    total_times, solve_times = [], []
    plan = None
    for _ in tqdm(range(args.repeat), desc="schedule"):
        started = time.perf_counter()
        plan = plan_schedule(catalog, weeks=args.weeks, today=START)
        total_times.append(time.perf_counter() - started)
        solve_times.append(plan.seconds)
    assert plan is not None
    checks = check(plan, catalog)
    report = {
        "schema": 1,
        "benchmark": "schedule",
        "members": args.members,
        "weeks": args.weeks,
        "slots": args.slots,
        "papers": args.papers,
        "meetings_held": len(plan.meetings),
        "meetings_skipped": [s.to_json() for s in plan.skipped],
        "balanced": plan.balanced,
        "consecutive": plan.consecutive,
        **checks,
        "end_to_end_seconds_best": round(min(total_times), 3),
        "end_to_end_seconds_all": [round(t, 3) for t in total_times],
        "solve_seconds_best": round(min(solve_times), 3),
        "goal_seconds": 2.0,
        "meets_goal": min(total_times) < 2.0,
        "provenance": provenance(
            config=vars(args) | {"out": str(args.out)},
            seed=args.seed,
            data=None,
            started_at=started_at,
            command="python benchmarks/bench_schedule.py "
            f"--members {args.members} --weeks {args.weeks} --slots {args.slots} "
            f"--papers {args.papers} --repeat {args.repeat}",
        ),
    }
    write_report(args.out, report)
    print(json.dumps({k: v for k, v in report.items() if k != "provenance"}, indent=2))


if __name__ == "__main__":
    main()
