"""The presenter rota: holidays and skip dates, away dates, even counts, no two in a row, papers
the presenter reads, determinism, stability with moves reported, --apply that never overwrites a
slot a person set, and the plan shown in the agenda, calendar and site page. Property tests check
every constraint on random teams and compare the optimum with a brute-force search."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from typer.testing import CliRunner

from tracker import store
from tracker.catalog import Catalog, load_catalog
from tracker.cli.main import app
from tracker.ics import build_calendar
from tracker.models import Member, Paper, Schedule, Status, TeamSettings
from tracker.schedule import (
    RotaProblem,
    meeting_dates,
    plan_schedule,
    shuffled_catalog,
    solve_rota,
)

REPO = Path(__file__).resolve().parents[1]
CHUSEOK_WEEK = dt.date(2025, 9, 27)  # a Saturday: the next Tuesday is 09-30, then 10-07 (추석)
runner = CliRunner()


def team_repo(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    shutil.copytree(REPO / "papers", root / "papers")
    return root


def edit_team(root: Path, change) -> None:  # noqa: ANN001
    path = root / "papers" / "team.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def schedule_json(root: Path, *args: str) -> dict:
    result = runner.invoke(app, ["schedule", "--root", str(root), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def front(root: Path, paper_id: str) -> dict:
    text = (root / "papers" / f"{paper_id}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


# --------------------------------------------------------------------------------------------
# The calendar


def test_chuseok_2025_is_skipped_with_its_korean_name() -> None:
    team = TeamSettings(name="t", topic="x", schedule={"weekday": "tuesday"})
    held, skipped = meeting_dates(team, 3, CHUSEOK_WEEK)
    assert held == [dt.date(2025, 9, 30), dt.date(2025, 10, 14)]
    assert [(s.date, s.kind) for s in skipped] == [(dt.date(2025, 10, 7), "holiday")]
    assert "추석" in skipped[0].reason


def test_substitute_holidays_and_team_skip_dates_are_skipped() -> None:
    # 2025-03-03 (Mon) is the substitute day for 삼일절 on a Saturday.
    team = TeamSettings(
        name="t",
        topic="x",
        schedule={
            "weekday": "monday",
            "skip": ["2025-03-10..2025-03-17", {"from": "2025-03-24", "reason": "MT"}],
        },
    )
    held, skipped = meeting_dates(team, 5, dt.date(2025, 3, 1))
    assert held == [dt.date(2025, 3, 31)]
    assert [(s.date.isoformat(), s.kind, s.reason) for s in skipped] == [
        ("2025-03-03", "holiday", skipped[0].reason),
        ("2025-03-10", "team", "모임 쉼"),
        ("2025-03-17", "team", "모임 쉼"),
        ("2025-03-24", "team", "MT"),
    ]
    assert "대체" in skipped[0].reason
    none = TeamSettings(name="t", topic="x", schedule={"weekday": "monday", "holidays": None})
    assert meeting_dates(none, 1, dt.date(2025, 3, 1))[0] == [dt.date(2025, 3, 3)]


def test_a_bad_away_entry_is_one_line_naming_team_yaml(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    edit_team(root, lambda d: d["members"][0].update(away=["next week"]))
    result = runner.invoke(app, ["schedule", "--root", str(root)])
    assert result.exit_code == 1
    assert "papers/team.yaml" in result.output and "'next week'" in result.output
    assert "2025-10-01..2025-10-14" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------------------------
# The plan on the sample team


def test_json_follows_the_stable_api_and_honours_every_rule(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", CHUSEOK_WEEK.isoformat())
    edit_team(root, lambda d: d["members"][0].update(away=["2025-10-14..2025-10-21"]))
    data = schedule_json(root, "--weeks", "6")
    dates = [m["date"] for m in data["meetings"]]
    assert dates == ["2025-09-30", "2025-10-14", "2025-10-21", "2025-10-28", "2025-11-04"]
    assert [s["date"] for s in data["skipped"]] == ["2025-10-07"]
    catalog = load_catalog(root)
    papers = {p.id: p for p in catalog.papers}
    away = catalog.team.members[0].handle
    seen = set()
    counts = {m.handle: 0 for m in catalog.team.members}
    for meeting in data["meetings"]:
        assert len(meeting["presentations"]) == 2
        for talk in meeting["presentations"]:
            assert set(talk) >= {"presenter", "paper"}
            paper = papers[talk["paper"]]
            assert talk["presenter"] in {*paper.readers, *paper.read_by, paper.presenter}
            assert paper.status != Status.presented and talk["paper"] not in seen
            seen.add(talk["paper"])
            counts[talk["presenter"]] += 1
        if meeting["date"] in ("2025-10-14", "2025-10-21"):
            assert away not in {t["presenter"] for t in meeting["presentations"]}
    held = {m.handle: 0 for m in catalog.team.members}
    for paper in catalog.papers:
        past = paper.presented_on is not None and paper.presented_on < CHUSEOK_WEEK
        if paper.presenter and (paper.status == Status.presented or past):
            held[paper.presenter] += 1
    totals = [held[h] + counts[h] for h in counts]
    assert max(totals) - min(totals) <= 1 and data["balanced"] is True
    by_member: dict[str, list[int]] = {}
    for i, meeting in enumerate(data["meetings"]):
        for talk in meeting["presentations"]:
            by_member.setdefault(talk["presenter"], []).append(i)
    assert all(b - a > 1 for runs in by_member.values() for a, b in itertools.pairwise(runs))
    # Explanations say why: the count and the reading.
    first = data["meetings"][0]["presentations"][0]
    assert any("presentation(s)" in w for w in first["why"])
    assert any(f"paper {first['paper']}" in w for w in first["why"])


def test_same_data_in_any_order_gives_the_same_json(tmp_path: Path) -> None:
    catalog = load_catalog(team_repo(tmp_path))
    plans = {
        json.dumps(plan_schedule(c, weeks=10, today=CHUSEOK_WEEK).to_json(), sort_keys=True)
        for c in [catalog, *(shuffled_catalog(catalog, seed) for seed in range(3))]
    }
    assert len(plans) == 1


def test_apply_writes_slots_then_a_replan_keeps_them_and_reports_moves(
    tmp_path: Path, monkeypatch
) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", CHUSEOK_WEEK.isoformat())
    plan = schedule_json(root, "--weeks", "6")
    applied = runner.invoke(app, ["schedule", "--root", str(root), "--weeks", "6", "--apply"])
    assert applied.exit_code == 0, applied.output
    for meeting in plan["meetings"]:
        for talk in meeting["presentations"]:
            data = front(root, talk["paper"])
            assert data["presenter"] == talk["presenter"]
            assert data["presented_on"] == dt.date.fromisoformat(meeting["date"])
    again = schedule_json(root, "--weeks", "6")
    assert [
        [(t["presenter"], t["paper"]) for t in m["presentations"]] for m in again["meetings"]
    ] == [[(t["presenter"], t["paper"]) for t in m["presentations"]] for m in plan["meetings"]]
    assert {t["origin"] for m in again["meetings"] for t in m["presentations"]} == {"kept"}
    assert again["moved"] == []
    # One presenter becomes unavailable on their day: that slot moves, the others stay.
    victim_meeting = plan["meetings"][2]
    victim = victim_meeting["presentations"][0]
    edit_team(
        root,
        lambda d: next(m for m in d["members"] if m["handle"] == victim["presenter"]).update(
            away=[victim_meeting["date"]]
        ),
    )
    replanned = schedule_json(root, "--weeks", "6")
    old = {
        (t["presenter"], t["paper"], m["date"])
        for m in plan["meetings"]
        for t in m["presentations"]
    }
    new = {
        (t["presenter"], t["paper"], m["date"])
        for m in replanned["meetings"]
        for t in m["presentations"]
    }
    moved = {(m["presenter"], m["paper"], m["from"]) for m in replanned["moved"]}
    assert (victim["presenter"], victim["paper"], victim_meeting["date"]) in moved
    assert old - new == moved and len(moved) <= 3
    reasons = {m["paper"]: m["reason"] for m in replanned["moved"]}
    assert "away" in reasons[victim["paper"]]
    # Applying the re-plan moves the files along; a slot the plan dropped is cleared.
    assert (
        runner.invoke(app, ["schedule", "--root", str(root), "--weeks", "6", "--apply"]).exit_code
        == 0
    )
    planned = {
        t["paper"]: (t["presenter"], m["date"])
        for m in replanned["meetings"]
        for t in m["presentations"]
    }
    for _presenter, paper_id, _day in old:
        data = front(root, paper_id)
        if paper_id in planned:
            who, when = planned[paper_id]
            assert (data.get("presenter"), str(data.get("presented_on"))) == (who, when)
        else:
            assert data.get("presented_on") is None
    state = json.loads((root / "papers" / ".schedule.json").read_text(encoding="utf-8"))
    assert {(e["paper"], e["presenter"], e["date"]) for e in state["applied"]} == {
        (p, who, when) for p, (who, when) in planned.items()
    }


def test_apply_never_overwrites_a_slot_set_by_hand_unless_forced(
    tmp_path: Path, monkeypatch
) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", CHUSEOK_WEEK.isoformat())
    # A person puts minseo down for 1409.3215-like paper on 10-14 by hand: pick one minseo reads.
    catalog = load_catalog(root)
    paper = next(
        p
        for p in sorted(catalog.papers, key=lambda p: p.id)
        if "minseo" in p.readers and not p.presenter and p.status != Status.presented
    )
    store.write_paper(
        root,
        paper.model_copy(update={"presenter": "minseo", "presented_on": dt.date(2025, 10, 14)}),
    )
    before = (root / "papers" / f"{paper.id}.md").read_bytes()
    data = schedule_json(root, "--weeks", "6")
    day = next(m for m in data["meetings"] if m["date"] == "2025-10-14")
    mine = [t for t in day["presentations"] if t["paper"] == paper.id]
    assert mine and mine[0]["origin"] == "fixed" and mine[0]["presenter"] == "minseo"
    assert len(day["presentations"]) == 2
    assert (
        runner.invoke(app, ["schedule", "--root", str(root), "--weeks", "6", "--apply"]).exit_code
        == 0
    )
    assert (root / "papers" / f"{paper.id}.md").read_bytes() == before
    # --force lets the rota treat it like its own slot (it may keep it: it is a fine slot).
    forced = schedule_json(root, "--weeks", "6", "--force")
    origins = {
        t["origin"]
        for m in forced["meetings"]
        for t in m["presentations"]
        if t["paper"] == paper.id
    }
    assert "fixed" not in origins


def test_agenda_calendar_and_site_page_show_the_plan(tmp_path: Path) -> None:
    from tracker.agenda import build_agenda
    from tracker.site import agenda_page

    catalog = load_catalog(team_repo(tmp_path))
    plan = plan_schedule(catalog, weeks=4, today=CHUSEOK_WEEK)
    agenda = build_agenda(catalog, today=CHUSEOK_WEEK)
    text = agenda.to_markdown()
    assert "## 앞으로의 발표 일정" in text and "2025-10-07 (화): 쉼 — 추석 다음날" in text
    for talk in plan.talks():
        assert f"@{talk.presenter} {talk.title} ({talk.paper})" in text
    on_the_holiday = build_agenda(catalog, date=dt.date(2025, 10, 7), today=dt.date(2025, 10, 4))
    assert "> 이 날은 모임이 없습니다 (추석 다음날). 다음 모임은 2025-10-14입니다." in (
        on_the_holiday.to_markdown()
    )
    assert "이 날은 모임이 없습니다" not in text
    page = agenda_page(catalog, CHUSEOK_WEEK)
    assert "쉼 — 추석 다음날" in page
    assert all(f"papers/{t.paper}.md" in page for t in plan.talks())
    calendar = Calendar.from_ical(build_calendar(catalog, weeks=4, today=CHUSEOK_WEEK))
    events = {e.decoded("dtstart").date(): e for e in calendar.walk("VEVENT")}
    assert str(events[dt.date(2025, 10, 7)]["status"]) == "CANCELLED"
    later = plan.meeting(dt.date(2025, 10, 14))
    assert later is not None and later.talks
    description = str(events[dt.date(2025, 10, 14)]["description"])
    # People by name, the handle beside it: "김지우 (@jiwoo): title (id)".
    assert all(f"(@{t.presenter}): {t.title} ({t.paper})" in description for t in later.talks)
    assert "발표 미정" not in description


# --------------------------------------------------------------------------------------------
# Properties on random teams


@st.composite
def rota_problems(draw, max_members: int = 3, max_dates: int = 4, max_papers: int = 4):  # noqa: ANN001, ANN201
    n_members = draw(st.integers(1, max_members))
    n_dates = draw(st.integers(1, max_dates))
    slots = draw(st.integers(1, 2))
    n_papers = draw(st.integers(0, max_papers))
    available = np.array(
        draw(
            st.lists(
                st.sampled_from([True, True, True, False]),
                min_size=n_members * n_dates,
                max_size=n_members * n_dates,
            )
        ),
        dtype=bool,
    ).reshape(n_members, n_dates)
    busy = np.zeros_like(available)
    pairs = sorted(
        {
            (m, j)
            for j in range(n_papers)
            for m in draw(
                st.lists(st.integers(0, n_members - 1), min_size=1, max_size=2, unique=True)
            )
        },
        key=lambda e: (e[1], e[0]),
    )
    prefs = draw(
        st.lists(st.sampled_from([0.0, 0.3, 0.5, 1.0]), min_size=len(pairs), max_size=len(pairs))
    )
    prior = np.array(
        draw(st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=n_members, max_size=n_members))
    )
    last = np.array(draw(st.lists(st.booleans(), min_size=n_members, max_size=n_members)))
    # Kept slots and pairs are rare, so that most cases turn on spacing and preferences.
    kept_slots = {
        (m, t) for m in range(n_members) for t in range(n_dates) if draw(st.integers(0, 5)) == 0
    }
    kept_pairs = {pair for pair in pairs if draw(st.integers(0, 5)) == 0}
    return RotaProblem(
        members=[f"m{i}" for i in range(n_members)],
        dates=[dt.date(2025, 1, 7) + dt.timedelta(weeks=i) for i in range(n_dates)],
        papers=[f"p{j}" for j in range(n_papers)],
        free=np.full(n_dates, slots),
        available=available,
        busy=busy,
        prior=prior,
        presented_last=last,
        pair_member=np.array([m for m, _ in pairs], dtype=int),
        pair_paper=np.array([p for _, p in pairs], dtype=int),
        pair_preference=np.array(prefs, dtype=float),
        kept_slots=kept_slots,
        kept_pairs=kept_pairs,
    )


def _band_distance(totals: list[int]) -> int:
    return min(
        sum(max(level - x, 0) + max(x - level - 1, 0) for x in totals)
        for level in range(min(totals), max(totals) + 1)
    )


@functools.cache
def _tie(text: str) -> float:

    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return 1e-6 * (int.from_bytes(digest, "big") >> 11) / float(2**53)


def _score(problem: RotaProblem, slots: set[tuple[int, int]], pairs: set[int]) -> float:
    """Stage 3's objective, written out again from the module docstring."""
    weight = sum(problem.free) + 2
    kept = len(slots & problem.kept_slots) + sum(
        1
        for e in pairs
        if (int(problem.pair_member[e]), int(problem.pair_paper[e])) in problem.kept_pairs
    )
    in_a_row = sum(1 for m, t in slots if (m, t + 1) in slots) + sum(
        1 for m, t in slots if t == 0 and problem.presented_last[m]
    )
    preference = sum(problem.pair_preference[e] for e in pairs) / (sum(problem.free) + 1)
    ties = sum(_tie(f"{problem.members[m]}|{problem.dates[t].isoformat()}") for m, t in slots)
    ties += sum(
        _tie(f"{problem.members[problem.pair_member[e]]}|{problem.papers[problem.pair_paper[e]]}")
        for e in pairs
    )
    return weight * kept - in_a_row + preference + ties


def brute_force(problem: RotaProblem) -> tuple[int, int, float]:
    """(most slots filled, least band distance, best stage-3 score) by enumeration."""
    n_members, n_dates = problem.available.shape
    cells = [(m, t) for m in range(n_members) for t in range(n_dates) if problem.available[m, t]]
    best_pairs: dict[tuple[int, ...], float] = {}
    for size in range(len(problem.pair_member) + 1):
        for chosen in itertools.combinations(range(len(problem.pair_member)), size):
            papers = [int(problem.pair_paper[e]) for e in chosen]
            if len(set(papers)) < len(papers):
                continue
            counts = tuple(
                sum(1 for e in chosen if problem.pair_member[e] == m) for m in range(n_members)
            )
            value = _score(problem, set(), set(chosen))
            if value > best_pairs.get(counts, -np.inf):
                best_pairs[counts] = value
    best: tuple[int, int, float] | None = None
    for size in range(len(cells) + 1):
        for chosen in itertools.combinations(cells, size):
            per_date = [sum(1 for _, t in chosen if t == d) for d in range(n_dates)]
            if any(c > f for c, f in zip(per_date, problem.free, strict=True)):
                continue
            counts = tuple(sum(1 for m, _ in chosen if m == i) for i in range(n_members))
            if counts not in best_pairs:
                continue
            totals = [int(problem.prior[m]) + counts[m] for m in range(n_members)]
            key = (
                size,
                -_band_distance(totals),
                _score(problem, set(chosen), set()) + best_pairs[counts],
            )
            if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and key[2] > best[2]):
                best = key
    assert best is not None
    return best[0], -best[1], best[2]


def _check_constraints(problem: RotaProblem, solution) -> None:  # noqa: ANN001
    slots, pairs = solution.slots, solution.pairs
    assert not (slots & ~problem.available).any(), "someone presents on a day they are away"
    assert (slots.sum(axis=0) <= problem.free).all(), "more talks than slots"
    chosen_papers = problem.pair_paper[pairs]
    assert len(set(chosen_papers.tolist())) == len(chosen_papers), "a paper presented twice"
    for m in range(len(problem.members)):
        assert slots[m].sum() == (problem.pair_member[pairs] == m).sum(), "a talk without a paper"


def _two_members_four_meetings(names: tuple[str, str] = ("a", "b")) -> RotaProblem:
    """Each presents twice at four one-slot meetings: only alternating avoids two in a row."""
    return RotaProblem(
        members=list(names),
        dates=[dt.date(2025, 1, 7) + dt.timedelta(weeks=i) for i in range(4)],
        papers=["p0", "p1", "p2", "p3"],
        free=np.array([1, 1, 1, 1]),
        available=np.ones((2, 4), dtype=bool),
        busy=np.zeros((2, 4), dtype=bool),
        prior=np.array([0, 0]),
        presented_last=np.array([False, True]),
        pair_member=np.array([0, 0, 1, 1]),
        pair_paper=np.array([0, 1, 2, 3]),
        pair_preference=np.array([0.5, 0.5, 0.5, 0.5]),
    )


def test_nobody_presents_twice_in_a_row_when_alternating_is_possible() -> None:
    # Other names give other tie-breaks: the spacing must win under every one of them.
    for i in range(8):
        solution = solve_rota(_two_members_four_meetings((f"a{i}", f"b{i}")))
        # The second presented at the meeting before the horizon, so the first opens.
        assert solution.slots.tolist() == [[True, False, True, False], [False, True, False, True]]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rota_problems())
@example(_two_members_four_meetings())
def test_the_milp_finds_the_brute_force_optimum_and_keeps_every_constraint(
    problem: RotaProblem,
) -> None:
    solution = solve_rota(problem)
    _check_constraints(problem, solution)
    filled, distance, score = brute_force(problem)
    assert solution.filled == filled == int(solution.slots.sum())
    assert solution.imbalance == distance
    totals = (problem.prior + solution.slots.sum(axis=1)).tolist()
    assert _band_distance(totals) == distance
    if distance == 0:
        assert max(totals) - min(totals) <= 1
    chosen_slots = {(int(m), int(t)) for m, t in zip(*np.nonzero(solution.slots), strict=True)}
    ours = _score(problem, chosen_slots, set(np.flatnonzero(solution.pairs).tolist()))
    assert ours == pytest.approx(score, abs=1e-5)


TOPICS = ["attention", "translation", "pretraining", "tagging", "embeddings", "rnn"]


@st.composite
def teams(draw):  # noqa: ANN001, ANN201
    n_members = draw(st.integers(2, 6))
    slots = draw(st.integers(1, 2))
    start = dt.date(2025, 9, 1)
    members = []
    for i in range(n_members):
        away = draw(
            st.lists(
                st.integers(0, 70).map(lambda d: (start + dt.timedelta(days=d)).isoformat()),
                max_size=2,
            )
        )
        members.append(
            Member(
                handle=f"u{i}",
                name=f"사람 {i}",
                interests=draw(st.lists(st.sampled_from(TOPICS), max_size=2)),
                away=away,
            )
        )
    handles = [m.handle for m in members]
    papers = []
    for j in range(draw(st.integers(n_members, 3 * n_members))):
        readers = draw(st.lists(st.sampled_from(handles), min_size=1, max_size=2, unique=True))
        presented = draw(st.integers(0, 5)) == 0
        papers.append(
            Paper(
                id=f"x{j:02d}",
                title=f"{draw(st.sampled_from(TOPICS))} paper {j}",
                topics=draw(st.lists(st.sampled_from(TOPICS), max_size=2)),
                readers=readers,
                read_by=readers[:1] if draw(st.booleans()) else [],
                status=Status.presented if presented else Status.assigned,
                presenter=readers[0] if presented else None,
                presented_on=start - dt.timedelta(weeks=1 + j % 3) if presented else None,
            )
        )
    skip = draw(
        st.lists(
            st.integers(0, 9).map(lambda w: (start + dt.timedelta(days=1 + 7 * w)).isoformat()),
            max_size=2,
        )
    )
    team = TeamSettings(
        name="random",
        topic="nlp",
        members=members,
        schedule=Schedule(weekday="tuesday", slots=slots, skip=skip),
    )
    return Catalog(
        root=Path("/nonexistent"), team=team, papers=papers, meetings=[], results=[]
    ), draw(st.integers(0, 99))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_random_teams_get_a_valid_plan_independent_of_input_order(case) -> None:  # noqa: ANN001
    catalog, seed = case
    today = dt.date(2025, 9, 1)
    plan = plan_schedule(catalog, weeks=10, today=today)
    again = plan_schedule(shuffled_catalog(catalog, seed), weeks=10, today=today)
    assert json.dumps(plan.to_json(), sort_keys=True) == json.dumps(again.to_json(), sort_keys=True)
    members = {m.handle: m for m in catalog.team.members}
    papers = {p.id: p for p in catalog.papers}
    skipped = {s.date for s in plan.skipped}
    used = []
    for meeting in plan.meetings:
        assert meeting.date not in skipped
        assert len(meeting.talks) + meeting.open_slots == catalog.team.schedule.slots
        presenters = [t.presenter for t in meeting.talks]
        assert len(set(presenters)) == len(presenters)
        for talk in meeting.talks:
            assert not members[talk.presenter].is_away(meeting.date)
            paper = papers[talk.paper]
            assert talk.presenter in {*paper.readers, *paper.read_by}
            assert paper.status != Status.presented
            used.append(talk.paper)
    assert len(set(used)) == len(used)
    totals = [load.total for load in plan.loads]
    assert plan.balanced == (_band_distance(totals) == 0)
    if plan.balanced:
        assert max(totals) - min(totals) <= 1
    # Skipped days are the team's skip dates and the Korean holidays, nothing else.
    for day in skipped:
        assert day.isoformat() in catalog.team.schedule.skip or any(
            s.kind == "holiday" for s in plan.skipped if s.date == day
        )


def test_readme_rota_benchmark_row_is_the_results_json() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("summary", REPO / "benchmarks" / "summary.py")
    assert spec is not None and spec.loader is not None
    summary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(summary)
    data = json.loads((REPO / "benchmarks" / "results" / "schedule.json").read_text("utf-8"))
    assert data["provenance"]["git_dirty"] is False and data["provenance"]["git_commit"]
    assert (data["members"], data["weeks"], data["slots"], data["papers"]) == (30, 40, 3, 1000)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = "| " + " | ".join(summary.row("schedule", data)[:-1])
    assert row in readme


def test_the_dashboard_shows_the_rota_with_the_holiday(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_helpers import APP, copy_sample_repo

    root = copy_sample_repo(tmp_path / "sample")
    monkeypatch.setenv("TRACKER_ROOT", str(root))
    monkeypatch.setenv("TRACKER_TODAY", CHUSEOK_WEEK.isoformat())
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    rota = next(d.value for d in app.dataframe if "status" in d.value.columns)
    plan = plan_schedule(load_catalog(root), weeks=4, today=CHUSEOK_WEEK)
    shown = {
        (str(r["date"]), r["presenter"]) for _, r in rota.iterrows() if r["status"] != "skipped"
    }
    assert shown == {(t.date.isoformat(), t.presenter) for t in plan.talks()}
    holiday = rota[rota["status"] == "skipped"]
    assert [str(d) for d in holiday["date"]] == ["2025-10-07"]
    assert "추석" in holiday["paper"].iloc[0]


def test_a_presenter_chosen_by_hand_keeps_the_paper_even_when_away(
    tmp_path: Path, monkeypatch
) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", CHUSEOK_WEEK.isoformat())
    # In the sample, jiwoo was given BERT by hand without a date (yuna reads it too).
    assert front(root, "1810.04805").get("presented_on") is None
    assert "yuna" in front(root, "1810.04805")["readers"]
    applied = runner.invoke(app, ["schedule", "--root", str(root), "--weeks", "6", "--apply"])
    assert applied.exit_code == 0
    assert front(root, "1810.04805")["presenter"] == "jiwoo"
    assert front(root, "1810.04805")["presented_on"] == dt.date(2025, 9, 30)
    # jiwoo is away for the whole horizon: the date goes, the paper stays jiwoo's.
    edit_team(
        root,
        lambda d: next(m for m in d["members"] if m["handle"] == "jiwoo").update(
            away=["2025-09-28..2025-12-31"]
        ),
    )
    data = schedule_json(root, "--weeks", "6")
    assert not [
        t for m in data["meetings"] for t in m["presentations"] if t["paper"] == "1810.04805"
    ]
    moved = next(m for m in data["moved"] if m["paper"] == "1810.04805")
    assert moved["to"] is None and "away" in moved["reason"]
    assert (
        runner.invoke(app, ["schedule", "--root", str(root), "--weeks", "6", "--apply"]).exit_code
        == 0
    )
    after = front(root, "1810.04805")
    assert after["presenter"] == "jiwoo" and after.get("presented_on") is None
