"""Reading-quota progress per member: assigned, read, summarised, presented, and pace.

Definitions (also in docs/dev/assignment.md):

* assigned: papers whose `readers` list the member;
* read: papers whose `read_by` lists the member, or a paper the member reads alone whose status
  is read or later (a single reader needs no separate `read_by`);
* summarised: papers the member summarised themselves: their own section of the paper file
  (`## 요약 — 김지우 (@jiwoo)`, see tracker/reading.py) holds prose; a shared summary from
  before members had sections credits the readers who read the paper;
* presented: papers the member presents that were presented (status presented, or
  `presented_on` today or earlier);
* pace: the quota spread evenly from `team.start` to `team.deadline`; `expected_by_now` is the
  whole number of papers that should be read by today, and a member is behind when `read` is
  below it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from tracker import reading, store
from tracker.catalog import Catalog
from tracker.models import STATUS_ORDER, Paper, Status, TeamSettings


@dataclass
class MemberProgress:
    handle: str
    name: str
    quota: int
    assigned: int
    read: int
    summarised: int
    presented: int
    expected_by_now: int | None
    behind: bool
    behind_by: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _at_least(paper: Paper, status: Status) -> bool:
    return STATUS_ORDER.index(paper.status) >= STATUS_ORDER.index(status)


def has_read(paper: Paper, handle: str) -> bool:
    return reading.has_read(paper, handle)


def expected_by(team: TeamSettings, today: dt.date) -> int | None:
    """Papers each member should have read by `today` at an even pace; None without dates."""
    if team.deadline is None or team.start is None or team.deadline <= team.start:
        return None
    total = (team.deadline - team.start).days
    elapsed = min(max((today - team.start).days, 0), total)
    return math.floor(team.quota * elapsed / total)


def member_progress(catalog: Catalog, today: dt.date | None = None) -> list[MemberProgress]:
    """One row per active member, in roster order (one pass over the papers)."""
    today = today or store.today(catalog.root)
    team = catalog.team
    expected = expected_by(team, today)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in catalog.papers:
        for handle in set(paper.readers):
            counts[handle]["assigned"] += 1
        # Parsing the body is the costly part: once per paper, and only when it has prose.
        for handle in reading.summarised_by(paper) if paper.body.strip() else ():
            counts[handle]["summarised"] += 1
        for handle in {*paper.read_by, *paper.readers}:
            if has_read(paper, handle):
                counts[handle]["read"] += 1
        if paper.presenter and (
            paper.status == Status.presented
            or (paper.presented_on is not None and paper.presented_on <= today)
        ):
            counts[paper.presenter]["presented"] += 1
    rows: list[MemberProgress] = []
    for member in team.members:
        if not member.active:
            continue
        mine = counts[member.handle]
        behind_by = max(expected - mine["read"], 0) if expected is not None else 0
        rows.append(
            MemberProgress(
                handle=member.handle,
                name=member.name,
                quota=team.quota,
                assigned=mine["assigned"],
                read=mine["read"],
                summarised=mine["summarised"],
                presented=mine["presented"],
                expected_by_now=expected,
                behind=behind_by > 0,
                behind_by=behind_by,
            )
        )
    return rows
