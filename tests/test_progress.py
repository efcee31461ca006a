"""Per-member progress: the counting rules and pace against the deadline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tracker.catalog import Catalog
from tracker.models import Member, Paper, TeamSettings
from tracker.progress import member_progress

SUMMARY = "\n## 요약\n\n실제 요약 문장이 있다.\n"


def catalog() -> Catalog:
    team = TeamSettings(
        name="t",
        topic="x",
        quota=10,
        start=dt.date(2025, 1, 1),
        deadline=dt.date(2025, 1, 11),
        members=[Member(handle="ana", name="Ana"), Member(handle="bo", name="Bo")],
    )
    papers = [
        # ana read it (read_by) and it has a summary: assigned, read, summarised
        Paper(id="a", title="A", readers=["ana", "bo"], read_by=["ana"], body=SUMMARY),
        # bo alone on a paper marked read: read without read_by
        Paper(id="b", title="B", readers=["bo"], status="read"),
        # two readers, status read, nobody in read_by: not counted as read for either
        Paper(id="c", title="C", readers=["ana", "bo"], status="read"),
        # presented by ana on a past date
        Paper(id="d", title="D", readers=["ana"], presenter="ana", presented_on="2025-01-03"),
    ]
    return Catalog(root=Path("."), team=team, papers=papers, meetings=[], results=[])


def test_counts_follow_the_documented_rules() -> None:
    rows = {r.handle: r for r in member_progress(catalog(), today=dt.date(2025, 1, 6))}
    assert (rows["ana"].assigned, rows["ana"].read, rows["ana"].summarised) == (3, 1, 1)
    # bo never read A: its shared summary is not bo's (it used to credit every reader).
    assert (rows["bo"].assigned, rows["bo"].read, rows["bo"].summarised) == (3, 1, 0)
    assert rows["ana"].presented == 1 and rows["bo"].presented == 0


def test_pace_marks_members_behind() -> None:
    # 5 of 10 days gone with a quota of 10: 5 papers expected, both have read 1.
    rows = member_progress(catalog(), today=dt.date(2025, 1, 6))
    assert all(r.expected_by_now == 5 and r.behind and r.behind_by == 4 for r in rows)
    early = member_progress(catalog(), today=dt.date(2025, 1, 1))
    assert all(r.expected_by_now == 0 and not r.behind for r in early)
