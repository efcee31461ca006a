"""The presenter rota for the weeks ahead: who presents which paper at each coming meeting.

Meetings fall weekly on the team's weekday; those on public holidays (the `holidays` package,
country `schedule.holidays`, default KR, substitute days included) and on the team's own
`schedule.skip` dates are skipped and listed as skipped. Each held meeting has `schedule.slots`
presentations (default 2).

The rota is one mixed-integer programme (`scipy.optimize.milp`, HiGHS), solved exactly in three
lexicographic stages, each stage's optimum fixed as a constraint of the next:

1. fill as many slots as the roster, the availabilities and the papers allow;
2. balance: every member's count (presentations already held + fixed by hand + planned) lies
   in a band [level, level + 1]; the total distance outside the band is minimised, so when an
   even rota exists (counts differ by at most one) it is found;
3. maximise  S * (planned slots and pairs kept)  -  (presentations at two meetings in a row)
   + (paper preference) / (T + 1)  + hash tie-breaks, with T the number of open slots and
   S = T + 2: keeping the applied plan outweighs any spacing gain, one meeting in a row avoided
   outweighs every paper preference.

Variables: y[m, t] (member m presents at meeting t), z[m, p] (m presents paper p at some
meeting; sum_p z[m, p] = sum_t y[m, t], each paper at most once), c[m, t] >= y[m, t] +
y[m, t+1] - 1 (two in a row). Papers are then put on dates member by member: a kept
(paper, date) stays, the rest go best paper first. The paper choice does not depend on the date,
so this split loses nothing.

A presentation is a paper the presenter reads (`readers`/`read_by`) or was given by hand
(`presenter` without a date), not yet presented. Slots set by a person (a `presenter` with a
`presented_on` that this tool did not write) are fixed; `force` lets the rota replace them. What
`apply_schedule` wrote is recorded in `papers/.schedule.json`, which is how the next run tells its
own slots from a person's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from tracker import store
from tracker.catalog import Catalog
from tracker.errors import DataError
from tracker.models import (
    STATUS_ORDER,
    Paper,
    Status,
    TeamSettings,
    json_fields,
    parse_date_ranges,
)
from tracker.models import skip_reasons as _skip_reasons

SCHEMA = 1
STATE_FILE = "papers/.schedule.json"
TIE_BREAK = 1e-6
READ_PREFERENCE = 0.5  # a paper the presenter finished reading beats one only assigned


# --------------------------------------------------------------------------------------------
# Calendar


def first_meeting(team: TeamSettings, today: dt.date) -> dt.date:
    """The first meeting day on or after `today` (same rule as the agenda)."""
    return today + dt.timedelta(days=(team.schedule.weekday - today.weekday()) % 7)


def holiday_names(country: str | None, years: list[int]) -> dict[dt.date, str]:
    """Public holidays (Korean names for KR), substitute days included."""
    if not country:
        return {}
    import holidays

    try:
        calendar = holidays.country_holidays(country, years=years, language="ko")
    except NotImplementedError:
        raise DataError(
            f"papers/team.yaml: schedule.holidays {country!r} is not a country the holidays "
            "package knows",
            fix="use a two-letter country code such as KR, or null for none",
        ) from None
    return {day: str(name) for day, name in calendar.items()}


@dataclass
class Skipped:
    date: dt.date
    reason: str
    kind: str  # 'holiday' or 'team'

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "reason": self.reason, "kind": self.kind}


def meeting_dates(
    team: TeamSettings, weeks: int, today: dt.date
) -> tuple[list[dt.date], list[Skipped]]:
    """The held and the skipped meeting days of the next `weeks` weeks."""
    first = first_meeting(team, today)
    days = [first + dt.timedelta(weeks=i) for i in range(max(weeks, 0))]
    if not days:
        return [], []
    names = holiday_names(team.schedule.holidays, sorted({d.year for d in days}))
    ranges = parse_date_ranges(team.schedule.skip, what="schedule.skip")
    reasons = _skip_reasons(team.schedule.skip)
    held: list[dt.date] = []
    skipped: list[Skipped] = []
    for day in days:
        team_skip = next(
            (r or "모임 쉼" for (a, b), r in zip(ranges, reasons, strict=True) if a <= day <= b),
            None,
        )
        if team_skip is not None:
            skipped.append(Skipped(day, str(team_skip), "team"))
        elif day in names:
            skipped.append(Skipped(day, names[day], "holiday"))
        else:
            held.append(day)
    return held, skipped


# --------------------------------------------------------------------------------------------
# The problem (plain arrays, so tests can build one directly)


@dataclass
class RotaProblem:
    """Everything the optimiser sees. Members and papers sorted, dates ascending."""

    members: list[str]
    dates: list[dt.date]
    papers: list[str]
    free: np.ndarray  # (K,) open slots per meeting
    available: np.ndarray  # (M, K) bool: may be given a new slot that day
    busy: np.ndarray  # (M, K) bool: presents that day already (fixed by hand)
    prior: np.ndarray  # (M,) presentations held before + fixed in the horizon
    presented_last: np.ndarray  # (M,) bool: presented at the meeting just before dates[0]
    pair_member: np.ndarray  # (E,) eligible (member, paper) pairs
    pair_paper: np.ndarray  # (E,)
    pair_preference: np.ndarray  # (E,) in [0, 1]
    kept_slots: set[tuple[int, int]] = field(default_factory=set)  # (m, t) of the applied plan
    kept_pairs: set[tuple[int, int]] = field(default_factory=set)  # (m, p) applied or by hand

    @property
    def open_slots(self) -> int:
        return int(self.free.sum())

    def stability_weight(self) -> float:
        return float(self.open_slots + 2)

    def slot_ties(self) -> np.ndarray:
        return np.array(
            [[_tie(f"{m}|{d.isoformat()}") for d in self.dates] for m in self.members]
        ).reshape(len(self.members), len(self.dates))

    def pair_ties(self) -> np.ndarray:
        return np.array(
            [
                _tie(f"{self.members[m]}|{self.papers[p]}")
                for m, p in zip(self.pair_member, self.pair_paper, strict=True)
            ]
        )


def _tie(text: str) -> float:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return TIE_BREAK * (int.from_bytes(digest, "big") >> 11) / float(2**53)


@dataclass
class RotaSolution:
    """The solver's answer: who presents when, with which papers, and each stage's optimum."""

    slots: np.ndarray  # (M, K) bool
    pairs: np.ndarray  # (E,) bool
    filled: int
    imbalance: int
    score: float
    seconds: float


def level3_objective(problem: RotaProblem, slots: np.ndarray, pairs: np.ndarray) -> float:
    """Stage 3's objective of a plan (the brute-force test checks the optimum with it)."""
    weight = problem.stability_weight()
    kept = sum(1 for m, t in problem.kept_slots if slots[m, t])
    kept += sum(
        1
        for e in np.flatnonzero(pairs)
        if (int(problem.pair_member[e]), int(problem.pair_paper[e])) in problem.kept_pairs
    )
    return (
        weight * kept
        - consecutive_count(problem, slots)
        + float(problem.pair_preference[pairs].sum()) / (problem.open_slots + 1)
        + float((problem.slot_ties() * slots).sum())
        + float(problem.pair_ties()[pairs].sum())
    )


def consecutive_count(problem: RotaProblem, slots: np.ndarray) -> int:
    """Presentations at two meetings in a row (the meeting before the horizon included)."""
    on = slots | problem.busy
    count = int((on[:, :-1] & on[:, 1:]).sum()) if on.shape[1] > 1 else 0
    if on.shape[1]:
        count += int((problem.presented_last & on[:, 0]).sum())
    return count


def loads(problem: RotaProblem, slots: np.ndarray) -> np.ndarray:
    return problem.prior + slots.sum(axis=1)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """HiGHS sometimes prints a line to the C-level stdout even when silent; `--json` output
    must stay pure JSON, so stdout points at stderr while it runs."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real file descriptor (some embedded runners)
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def solve_rota(problem: RotaProblem) -> RotaSolution:
    """The exact three-stage optimum (see the module docstring)."""
    started = time.perf_counter()
    n_members, n_dates = problem.available.shape
    slot_index = np.full((n_members, n_dates), -1)
    slot_m, slot_t = np.nonzero(problem.available & ~problem.busy & (problem.free[None, :] > 0))
    n_y = len(slot_m)
    slot_index[slot_m, slot_t] = np.arange(n_y)
    n_z = len(problem.pair_member)
    # Consecutive-pair penalties: one per member and pair of neighbouring meetings where a
    # variable is involved, plus the pair (meeting before the horizon, first meeting).
    cons: list[tuple[int, int, int]] = []  # (m, t, t+1) with t = -1 for the boundary
    for m in range(n_members):
        if problem.presented_last[m] and n_dates and slot_index[m, 0] >= 0:
            cons.append((m, -1, 0))
        for t in range(n_dates - 1):
            a, b = slot_index[m, t], slot_index[m, t + 1]
            both = (a >= 0 or problem.busy[m, t]) and (b >= 0 or problem.busy[m, t + 1])
            if both and (a >= 0 or b >= 0):
                cons.append((m, t, t + 1))
    n_c = len(cons)
    # Variable layout: y | z | c | level | short (M) | excess (M)
    o_z, o_c = n_y, n_y + n_z
    o_level = o_c + n_c
    o_short = o_level + 1
    o_excess = o_short + n_members
    n = o_excess + n_members

    rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []  # (cols, vals, lo, hi)

    def row(cols: list[int] | np.ndarray, vals: list[float] | np.ndarray, lo: float, hi: float):
        rows.append((np.asarray(cols, dtype=int), np.asarray(vals, dtype=float), lo, hi))

    for t in range(n_dates):
        cols = slot_index[:, t][slot_index[:, t] >= 0]
        if len(cols):
            row(cols, np.ones(len(cols)), 0, float(problem.free[t]))
    member_slots = [slot_index[m][slot_index[m] >= 0] for m in range(n_members)]
    for m in range(n_members):
        mine_z = o_z + np.flatnonzero(problem.pair_member == m)
        cols = np.concatenate([member_slots[m], mine_z])
        vals = np.concatenate([np.ones(len(member_slots[m])), -np.ones(len(mine_z))])
        if len(cols):
            row(cols, vals, 0, 0)
    for p in np.unique(problem.pair_paper):
        cols = o_z + np.flatnonzero(problem.pair_paper == p)
        if len(cols) > 1:
            row(cols, np.ones(len(cols)), 0, 1)
    for i, (m, t, u) in enumerate(cons):
        cols, vals, const = [o_c + i], [1.0], 0.0
        for when in (t, u):
            if when < 0 or problem.busy[m, when]:
                const += 1.0
            else:
                cols.append(int(slot_index[m, when]))
                vals.append(-1.0)
        # c - y_t - y_u >= const - 1
        row(cols, vals, const - 1.0, np.inf)
    for m in range(n_members):
        cols = [*member_slots[m], o_level]
        base = [1.0] * len(member_slots[m]) + [-1.0]
        prior = float(problem.prior[m])
        # prior + slots - level - excess <= 1 ; prior + slots - level + short >= 0
        row([*cols, o_excess + m], [*base, -1.0], -np.inf, 1.0 - prior)
        row([*cols, o_short + m], [*base, 1.0], -prior, np.inf)

    def matrix(extra: list[tuple[np.ndarray, np.ndarray, float, float]]) -> LinearConstraint:
        everything = rows + extra
        data = np.concatenate([r[1] for r in everything]) if everything else np.zeros(0)
        cols = np.concatenate([r[0] for r in everything]) if everything else np.zeros(0, int)
        indices = np.repeat(np.arange(len(everything)), [len(r[0]) for r in everything])
        a = sparse.csr_matrix((data, (indices, cols)), shape=(len(everything), n))
        return LinearConstraint(
            a, np.array([r[2] for r in everything]), np.array([r[3] for r in everything])
        )

    integrality = np.zeros(n)
    integrality[: o_z + n_z] = 1
    integrality[o_level] = 1
    upper = np.ones(n)
    upper[o_c : o_c + n_c] = np.inf
    upper[o_level:] = np.inf
    bounds = Bounds(np.zeros(n), upper)
    # Presolve costs more than it saves on these network-like programmes (as in assign).
    options = {"mip_rel_gap": 0.0, "presolve": False}

    def run(cost: np.ndarray, extra: list, bounds: Bounds = bounds) -> np.ndarray | None:
        with _stdout_to_stderr():
            result = milp(
                c=cost,
                constraints=matrix(extra),
                integrality=integrality,
                bounds=bounds,
                options=options,
            )
        if result.status == 2:
            return None
        if result.status != 0 or result.x is None:  # pragma: no cover - time/iteration limits
            raise DataError(f"the rota solver failed: {result.message}")
        return result.x

    ys = np.arange(n_y)
    # Stage 1: most slots filled.
    cost = np.zeros(n)
    cost[:n_y] = -1.0
    x = run(cost, [])
    assert x is not None, "an empty rota is always feasible"
    filled = int(round(x[:n_y].sum()))
    fill_row = (ys, np.ones(n_y), float(filled), np.inf)
    # Stage 3's objective: keep the plan, avoid meetings in a row, prefer the best papers.
    weight = problem.stability_weight()
    gain = np.zeros(n)
    ties = problem.slot_ties()
    gain[:n_y] = ties[slot_m, slot_t]
    for m, t in problem.kept_slots:
        if slot_index[m, t] >= 0:
            gain[slot_index[m, t]] += weight
    gain[o_z : o_z + n_z] = problem.pair_preference / (problem.open_slots + 1) + problem.pair_ties()
    for e in range(n_z):
        if (int(problem.pair_member[e]), int(problem.pair_paper[e])) in problem.kept_pairs:
            gain[o_z + e] += weight
    gain[o_c : o_c + n_c] = -1.0
    # Stage 2, first the common case: an even rota exists. With every count in [q, q + 1]
    # and their sum fixed by stage 1, q = floor(sum / members) is the only possible level, so
    # fixing it (and no slack) is exact, and far easier for the solver than a free level.
    x = None
    imbalance = 0
    if n_members:
        level = (int(problem.prior.sum()) + filled) // n_members
        even_lo, even_hi = bounds.lb.copy(), bounds.ub.copy()
        even_lo[o_level] = even_hi[o_level] = level
        even_hi[o_short:] = 0.0
        x = run(-gain, [fill_row], Bounds(even_lo, even_hi))
    if x is None:
        # No even rota: least total distance outside a band, then stage 3 under it.
        cost = np.zeros(n)
        cost[o_short:] = 1.0
        x = run(cost, [fill_row])
        assert x is not None
        imbalance = int(round(x[o_short:].sum()))
        balance_row = (np.arange(o_short, n), np.ones(2 * n_members), -np.inf, imbalance + 0.5)
        x = run(-gain, [fill_row, balance_row])
        assert x is not None
    chosen = np.round(x[:n_y]).astype(bool)
    slots = np.zeros((n_members, n_dates), dtype=bool)
    slots[slot_m[chosen], slot_t[chosen]] = True
    pairs = np.round(x[o_z : o_z + n_z]).astype(bool)
    return RotaSolution(
        slots=slots,
        pairs=pairs,
        filled=filled,
        imbalance=imbalance,
        score=level3_objective(problem, slots, pairs),
        seconds=time.perf_counter() - started,
    )


# --------------------------------------------------------------------------------------------
# From the catalog


@dataclass
class Talk:
    date: dt.date
    presenter: str
    paper: str
    title: str
    origin: str  # 'fixed' (set by a person), 'kept' (this tool's applied plan), 'new'
    why: list[str] = field(default_factory=list)
    slides: str | None = None

    def to_json(self) -> dict[str, Any]:
        return json_fields(self, "presenter", "paper", "title", "origin", "slides", "why")


@dataclass
class PlannedMeeting:
    date: dt.date
    talks: list[Talk]
    open_slots: int = 0  # slots nobody could fill

    def to_json(self, team: TeamSettings) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "time": team.schedule.time.strftime("%H:%M"),
            "timezone": team.schedule.timezone,
            "presentations": [t.to_json() for t in self.talks],
            "unfilled": self.open_slots,
        }


@dataclass
class Move:
    presenter: str
    paper: str
    old_date: dt.date
    new_date: dt.date | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "presenter": self.presenter,
            "paper": self.paper,
            "from": self.old_date.isoformat(),
            "to": self.new_date.isoformat() if self.new_date else None,
            "reason": self.reason,
        }


@dataclass
class MemberLoad:
    handle: str
    held: int
    fixed: int
    planned: int
    away: list[str]

    @property
    def total(self) -> int:
        return self.held + self.fixed + self.planned

    def to_json(self) -> dict[str, Any]:
        return json_fields(self, "handle", "held", "fixed", "planned", "total", "away")


@dataclass
class SchedulePlan:
    team: TeamSettings
    weeks: int
    meetings: list[PlannedMeeting]
    skipped: list[Skipped]
    loads: list[MemberLoad]
    moves: list[Move]
    notes: list[str]
    balanced: bool
    consecutive: int
    seconds: float = 0.0

    def talks(self) -> list[Talk]:
        return [t for m in self.meetings for t in m.talks]

    def meeting(self, date: dt.date) -> PlannedMeeting | None:
        return next((m for m in self.meetings if m.date == date), None)

    def skipped_on(self, date: dt.date) -> Skipped | None:
        return next((s for s in self.skipped if s.date == date), None)

    def to_json(self) -> dict[str, Any]:
        # No timings here: the same input must give byte-identical JSON.
        return {
            "schema": SCHEMA,
            "team": self.team.name,
            "weeks": self.weeks,
            "slots": self.team.schedule.slots,
            "meetings": [m.to_json(self.team) for m in self.meetings],
            "skipped": [s.to_json() for s in self.skipped],
            "loads": [load.to_json() for load in self.loads],
            "balanced": self.balanced,
            "consecutive": self.consecutive,
            "moved": [m.to_json() for m in self.moves],
            "notes": self.notes,
        }


def read_state(root: Path) -> list[dict[str, Any]]:
    """The slots `apply_schedule` wrote last time (an unreadable file counts as none)."""
    path = Path(root) / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return []
    entries = data.get("applied") if isinstance(data, dict) else None
    return [e for e in entries or [] if isinstance(e, dict)]


def _is_ours(paper: Paper, state: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not paper.presenter or paper.presented_on is None:
        return None
    for entry in state:
        if (
            entry.get("paper") == paper.id
            and entry.get("presenter") == paper.presenter
            and entry.get("date") == paper.presented_on.isoformat()
        ):
            return entry
    return None


def _has_read(paper: Paper, handle: str) -> bool:
    if handle in paper.read_by:
        return True
    at_least_read = STATUS_ORDER.index(paper.status) >= STATUS_ORDER.index(Status.read)
    return paper.readers == [handle] and at_least_read


@dataclass
class _Built:
    problem: RotaProblem
    held: dict[str, int]
    fixed_talks: list[Talk]
    kept_triples: dict[tuple[int, int], int]  # (m, p) -> t of the applied plan
    previous: list[tuple[str, str, dt.date]]  # our earlier slots in the horizon (or skipped)
    notes: list[str]
    relevance: Any  # tracker.relevance.RelevanceMatrix: keywords of the chosen pairs
    read: set[tuple[int, int]]
    state: list[dict[str, Any]]


def build_rota_problem(
    catalog: Catalog,
    *,
    weeks: int,
    today: dt.date,
    force: bool = False,
    state: list[dict[str, Any]] | None = None,
) -> tuple[_Built, list[Skipped]]:
    """Turn the catalog into the optimiser's arrays; also what explanations need."""
    from tracker.relevance import relevance_matrix

    team = catalog.team
    state = read_state(catalog.root) if state is None else state
    dates, skipped = meeting_dates(team, weeks, today)
    first = first_meeting(team, today)
    horizon_end = first + dt.timedelta(weeks=max(weeks, 0))
    skipped_days = {s.date for s in skipped}
    members = sorted((m for m in team.members if m.active), key=lambda m: m.handle)
    handles = [m.handle for m in members]
    m_index = {h: i for i, h in enumerate(handles)}
    t_index = {d: i for i, d in enumerate(dates)}
    papers = sorted(catalog.papers, key=lambda p: p.id)
    n_members, n_dates = len(members), len(dates)
    available = np.array(
        [[not member.is_away(day) for day in dates] for member in members], dtype=bool
    ).reshape(n_members, n_dates)
    busy = np.zeros((n_members, n_dates), dtype=bool)
    free = np.full(n_dates, team.schedule.slots, dtype=int)
    held = dict.fromkeys(handles, 0)
    fixed = np.zeros(n_members, dtype=int)
    notes: list[str] = []
    fixed_talks: list[Talk] = []
    previous: list[tuple[str, str, dt.date]] = []
    last_day = max(
        (
            p.presented_on
            for p in papers
            if p.presenter and p.presented_on is not None and p.presented_on < first
        ),
        default=None,
    )
    presented_last = np.zeros(n_members, dtype=bool)
    eligible: dict[int, dict[int, float]] = {}  # paper index -> member -> preference
    reserved_for: dict[int, int] = {}
    kept_slots: set[tuple[int, int]] = set()
    kept_pairs: set[tuple[int, int]] = set()
    kept_triples: dict[tuple[int, int], int] = {}
    read: set[tuple[int, int]] = set()
    paper_ids = [p.id for p in papers]

    relevance = relevance_matrix(members, papers)

    def preference(m: int, p: int, paper: Paper) -> float:
        done = _has_read(paper, handles[m])
        if done:
            read.add((m, p))
        return READ_PREFERENCE * done + (1 - READ_PREFERENCE) * float(relevance.scores[m, p])

    for p, paper in enumerate(papers):
        presenter = paper.presenter
        if presenter:
            day = paper.presented_on
            if paper.status == Status.presented or (day is not None and day < first):
                if presenter in held:
                    held[presenter] += 1
                    if day is not None and day == last_day:
                        presented_last[m_index[presenter]] = True
                continue
            ours = _is_ours(paper, state)
            m = m_index.get(presenter)
            if day is not None and (ours is not None or force):
                if day < horizon_end:
                    previous.append((presenter, paper.id, day))
                if day >= horizon_end:
                    reserved_for[p] = -1  # planned beyond the horizon: left as it is
                    continue
                if m is not None:
                    # Kept where possible; on a day that is no longer a meeting, still theirs.
                    kept_pairs.add((m, p))
                    eligible.setdefault(p, {})[m] = preference(m, p, paper)
                    if day in t_index:
                        kept_slots.add((m, t_index[day]))
                        kept_triples[(m, p)] = t_index[day]
                if ours is not None and ours.get("presenter_by_hand"):
                    # A person chose this presenter (we only set the date): theirs to present.
                    reserved_for[p] = m if m is not None else -1
                    continue
                # Other readers may take the paper over when the slot has to move.
                for reader in sorted({*paper.readers, *paper.read_by}):
                    if reader in m_index and reader != presenter:
                        eligible.setdefault(p, {})[m_index[reader]] = preference(
                            m_index[reader], p, paper
                        )
                continue
            if day is not None:  # set by a person: fixed
                reserved_for[p] = -1
                if day >= horizon_end:
                    continue
                if day in skipped_days:
                    reason = next(s.reason for s in skipped if s.date == day)
                    notes.append(
                        f"{paper.id}: {presenter} is down to present on {day} ({reason}, no "
                        "meeting): move it by hand or rerun with --force"
                    )
                    continue
                if day not in t_index:
                    notes.append(
                        f"{paper.id}: presented_on {day} is not a meeting day; left as it is"
                    )
                    continue
                t = t_index[day]
                if free[t] == 0:
                    notes.append(f"{day}: more presentations set by hand than slots")
                free[t] = max(free[t] - 1, 0)
                if m is not None:
                    busy[m, t] = True
                    fixed[m] += 1
                    if members[m].is_away(day):
                        notes.append(f"{paper.id}: {presenter} is away on {day} but set to present")
                fixed_talks.append(
                    Talk(
                        day,
                        presenter,
                        paper.id,
                        paper.title,
                        "fixed",
                        ["set by hand in the paper file / sheet (--force lets the rota move it)"],
                        paper.slides,
                    )
                )
                continue
            # A presenter chosen by hand without a date: the paper is theirs to present, at the
            # next meeting as the agenda already says, unless they cannot come.
            if m is not None:
                eligible.setdefault(p, {})[m] = preference(m, p, paper)
                kept_pairs.add((m, p))
                reserved_for[p] = m
                if n_dates and (m, 0) not in kept_slots:
                    kept_slots.add((m, 0))
                    kept_triples[(m, p)] = 0
            else:
                reserved_for[p] = -1
            continue
        if paper.status == Status.presented:
            continue
        for reader in sorted({*paper.readers, *paper.read_by}):
            if reader in m_index:
                eligible.setdefault(p, {})[m_index[reader]] = preference(m_index[reader], p, paper)

    pair_member, pair_paper, pair_pref = [], [], []
    for p in sorted(eligible):
        for m in sorted(eligible[p]):
            if reserved_for.get(p, m) != m:
                continue
            pair_member.append(m)
            pair_paper.append(p)
            pair_pref.append(round(eligible[p][m], 6))
    prior = np.array([held[h] for h in handles], dtype=int) + fixed
    problem = RotaProblem(
        members=handles,
        dates=dates,
        papers=paper_ids,
        free=free,
        available=available,
        busy=busy,
        prior=prior,
        presented_last=presented_last,
        pair_member=np.array(pair_member, dtype=int),
        pair_paper=np.array(pair_paper, dtype=int),
        pair_preference=np.array(pair_pref, dtype=float),
        kept_slots=kept_slots,
        kept_pairs=kept_pairs,
    )
    return (
        _Built(
            problem=problem,
            held=held,
            fixed_talks=fixed_talks,
            kept_triples=kept_triples,
            previous=previous,
            notes=notes,
            relevance=relevance,
            read=read,
            state=state,
        ),
        skipped,
    )


def place_papers(
    problem: RotaProblem, solution: RotaSolution, kept_triples: dict[tuple[int, int], int]
) -> list[tuple[int, int, int]]:
    """(member, paper, meeting) triples: kept (paper, date) pairs stay, then best paper first."""
    triples: list[tuple[int, int, int]] = []
    for m in range(len(problem.members)):
        dates = [int(t) for t in np.flatnonzero(solution.slots[m])]
        chosen = [e for e in np.flatnonzero(solution.pairs) if int(problem.pair_member[e]) == m]
        papers = {int(problem.pair_paper[e]): float(problem.pair_preference[e]) for e in chosen}
        for p in sorted(papers):
            t = kept_triples.get((m, p))
            if t is not None and t in dates:
                triples.append((m, p, t))
                dates.remove(t)
                del papers[p]
        # Hand-chosen papers (kept pairs without a date) first, then the best-liked papers.
        order = sorted(
            papers,
            key=lambda p: (
                (m, p) not in problem.kept_pairs,
                -papers[p],
                problem.papers[p],
            ),
        )
        for p, t in zip(order, sorted(dates), strict=True):
            triples.append((m, p, t))
    return triples


def plan_schedule(
    catalog: Catalog,
    *,
    weeks: int = 8,
    today: dt.date | None = None,
    force: bool = False,
    state: list[dict[str, Any]] | None = None,
) -> SchedulePlan:
    """The exact rota for the next `weeks` weeks, with explanations and what moved."""
    if weeks < 0:
        raise DataError(f"--weeks {weeks}: give a number of weeks >= 0")
    today = today or store.today(catalog.root)
    team = catalog.team
    built, skipped = build_rota_problem(catalog, weeks=weeks, today=today, force=force, state=state)
    problem = built.problem
    solution = solve_rota(problem)
    triples = place_papers(problem, solution, built.kept_triples)
    papers = {p.id: p for p in catalog.papers}
    totals = loads(problem, solution.slots)
    held = built.held
    band = (int(totals.min()), int(totals.max())) if len(totals) else (0, 0)

    by_date: dict[dt.date, list[Talk]] = {d: [] for d in problem.dates}
    for talk in built.fixed_talks:
        if talk.date in by_date:
            by_date[talk.date].append(talk)
    on = solution.slots | problem.busy
    for m, p, t in triples:
        handle, paper_id, day = problem.members[m], problem.papers[p], problem.dates[t]
        paper = papers[paper_id]
        kept = built.kept_triples.get((m, p)) == t
        why = [
            f"{handle}: {int(totals[m])} presentation(s) counting this horizon "
            f"({held[handle]} held before); team range {band[0]}-{band[1]}"
        ]
        away = sorted(
            h for i, h in enumerate(problem.members) if not problem.available[i, t] and i != m
        )
        if away:
            why.append(f"free that day (away: {', '.join(away)})")
        before = t > 0 and on[m, t - 1] or (t == 0 and problem.presented_last[m])
        after = t + 1 < len(problem.dates) and on[m, t + 1]
        if before or after:
            why.append("presents at a neighbouring meeting too: the roster left no other way")
        else:
            why.append("not presenting at the meetings just before or after")
        reading = "has read it" if (m, p) in built.read else "is an assigned reader"
        if paper.presenter == handle and paper.presented_on is None:
            reading = "chose it (presenter set by hand)"
        words = built.relevance.keywords(m, p)
        why.append(
            f"paper {paper_id}: {handle} {reading}"
            + (f"; matches interests {', '.join(words)}" if words else "")
        )
        if kept:
            why.insert(0, "kept from the applied plan")
        by_date[day].append(
            Talk(day, handle, paper_id, paper.title, "kept" if kept else "new", why, paper.slides)
        )
    meetings = []
    for t, day in enumerate(problem.dates):
        talks = sorted(by_date[day], key=lambda talk: (talk.presenter, talk.paper))
        used = len([x for x in talks if x.origin != "fixed"])
        open_slots = int(problem.free[t]) - used
        meetings.append(PlannedMeeting(day, talks, max(open_slots, 0)))

    notes = list(built.notes)
    unfilled = [m for m in meetings if m.open_slots]
    if unfilled:
        notes.append(
            "unfilled slots: "
            + ", ".join(f"{m.date} ({m.open_slots})" for m in unfilled)
            + " — not enough members free with an unpresented paper they read; assign more "
            "papers (`tracker assign --apply`) or add papers (`tracker suggest`)"
        )
    if solution.imbalance:
        notes.append(
            f"counts cannot all lie within one of each other (distance {solution.imbalance}): "
            "presentations already held, away dates or too few papers read decide it"
        )
    moves = _moves(built, problem, triples)
    load_rows = []
    for m, handle in enumerate(problem.members):
        load_rows.append(
            MemberLoad(
                handle=handle,
                held=held[handle],
                fixed=int(problem.prior[m]) - held[handle],
                planned=int(solution.slots[m].sum()),
                away=[
                    day.isoformat()
                    for t, day in enumerate(problem.dates)
                    if not problem.available[m, t]
                ],
            )
        )
    return SchedulePlan(
        team=team,
        weeks=weeks,
        meetings=meetings,
        skipped=skipped,
        loads=load_rows,
        moves=moves,
        notes=notes,
        balanced=solution.imbalance == 0,
        consecutive=consecutive_count(problem, solution.slots),
        seconds=solution.seconds,
    )


def _moves(built: _Built, problem: RotaProblem, triples: list) -> list[Move]:
    """Our earlier slots in the horizon that the new plan changes, and why."""
    placed = {(problem.members[m], problem.papers[p]): problem.dates[t] for m, p, t in triples}
    by_paper = {problem.papers[p]: problem.members[m] for m, p, _ in triples}
    t_index = {d: i for i, d in enumerate(problem.dates)}
    moves = []
    for presenter, paper_id, day in sorted(built.previous):
        new_day = placed.get((presenter, paper_id))
        if new_day == day:
            continue
        if presenter not in problem.members:
            reason = f"{presenter} is no longer an active member"
        elif day not in t_index:
            reason = f"{day} has no meeting (holiday or skip date)"
        elif not problem.available[problem.members.index(presenter), t_index[day]]:
            reason = f"{presenter} is away on {day}"
        elif paper_id in by_paper and by_paper[paper_id] != presenter:
            reason = f"{by_paper[paper_id]} presents it instead (keeps counts even)"
        else:
            reason = "rebalanced: counts, availability or spacing changed"
        moves.append(Move(presenter, paper_id, day, new_day, reason))
    return moves


# --------------------------------------------------------------------------------------------
# Writing the plan


@dataclass
class ApplyReport:
    written: list[str]
    refused: list[str]
    cleared: list[str]


def apply_schedule(root: Path, plan: SchedulePlan, *, force: bool = False) -> ApplyReport:
    """Write presenter and presented_on for the plan's slots into papers/*.md via the store.

    A slot a person set (a presenter/presented_on this tool did not write) is never replaced
    unless `force`; our own earlier slots that the plan dropped are cleared. The record of what
    was written (`papers/.schedule.json`) is written last.
    """
    root = Path(root)
    state = read_state(root)
    papers = {p.id: p for p in store.load_papers_strict(root)}
    written: list[str] = []
    refused: list[str] = []
    cleared: list[str] = []
    entries: list[dict[str, Any]] = []
    planned_papers = set()
    horizon = {m.date for m in plan.meetings} | {s.date for s in plan.skipped}
    first, last = (min(horizon), max(horizon)) if horizon else (None, None)
    for talk in plan.talks():
        if talk.origin == "fixed":
            continue
        paper = papers[talk.paper]
        planned_papers.add(talk.paper)
        ours = _is_ours(paper, state)
        by_hand = bool(paper.presenter) and ours is None
        if by_hand and paper.presented_on is not None and not force:
            refused.append(f"{paper.id}: {paper.presenter} on {paper.presented_on} (set by hand)")
            continue
        chosen_by_hand = (ours is not None and ours.get("presenter_by_hand")) or (
            by_hand and paper.presented_on is None
        )
        if chosen_by_hand and paper.presenter != talk.presenter and not force:
            refused.append(f"{paper.id}: presenter {paper.presenter} (chosen by hand)")
            continue
        hand_presenter = (
            bool(ours.get("presenter_by_hand"))
            if ours is not None
            else (paper.presenter == talk.presenter and paper.presented_on is None)
        )
        entries.append(
            {
                "paper": paper.id,
                "presenter": talk.presenter,
                "date": talk.date.isoformat(),
                "presenter_by_hand": hand_presenter,
            }
        )
        if paper.presenter == talk.presenter and paper.presented_on == talk.date:
            continue
        changed = paper.model_copy(update={"presenter": talk.presenter, "presented_on": talk.date})
        if store.write_paper(root, changed):
            written.append(f"papers/{paper.id}.md")
    for entry in state:
        paper = papers.get(str(entry.get("paper")))
        if paper is None or _is_ours(paper, [entry]) is None:
            continue  # gone, or a person changed it since: theirs now
        day = paper.presented_on
        inside = first is not None and day is not None and first <= day <= last  # type: ignore[operator]
        if paper.id in planned_papers:
            continue
        if not inside:
            entries.append(entry)  # beyond this horizon: still ours, untouched
            continue
        update: dict[str, Any] = {"presented_on": None}
        if not entry.get("presenter_by_hand"):
            update["presenter"] = None
        if store.write_paper(root, paper.model_copy(update=update)):
            cleared.append(f"papers/{paper.id}.md")
    entries.sort(key=lambda e: (e["date"], e["paper"]))
    text = json.dumps({"schema": SCHEMA, "applied": entries}, ensure_ascii=False, indent=2)
    store.write_if_changed(root / STATE_FILE, text + "\n")
    return ApplyReport(written=written, refused=refused, cleared=cleared)


def shuffled_catalog(catalog: Catalog, seed: int) -> Catalog:
    """The same catalog with papers and members in another order (for determinism checks)."""
    import random

    rng = random.Random(seed)
    papers = list(catalog.papers)
    rng.shuffle(papers)
    members = list(catalog.team.members)
    rng.shuffle(members)
    team = catalog.team.model_copy(update={"members": members})
    return dataclasses.replace(catalog, papers=papers, team=team)


def upcoming_rota(catalog: Catalog, *, weeks: int = 4, today: dt.date | None = None) -> list[dict]:
    """The plan as rows for the agenda, the calendar, the site and the dashboard: one per
    meeting day (skipped ones say why), each talk with its origin ('new' ones are proposals
    until `tracker schedule --apply`). Empty when the plan cannot be made (broken settings)."""
    from tracker.errors import TrackerError

    try:
        plan = plan_schedule(catalog, weeks=weeks, today=today)
    except TrackerError:
        return []
    rows: list[dict[str, Any]] = [
        {
            "date": m.date,
            "skipped": None,
            "talks": [t.to_json() for t in m.talks],
            "open_slots": m.open_slots,
        }
        for m in plan.meetings
    ]
    rows += [
        {"date": s.date, "skipped": s.reason, "talks": [], "open_slots": 0} for s in plan.skipped
    ]
    rows.sort(key=lambda r: r["date"])
    return rows
