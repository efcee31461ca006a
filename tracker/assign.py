"""Reading-quota assignment: who reads which paper, solved exactly as a transportation problem.

Every (member, paper) pair the member may take is a 0/1 variable; each member takes exactly the
quota, each paper has at most k readers (readers already listed count), and the objective is the
total relevance (see `tracker.relevance`). The constraint matrix is a bipartite incidence matrix,
so the linear relaxation already has an integral optimum; `scipy.optimize.milp` (HiGHS) finds it.

Three refinements make the answer one a team can live with:

* determinism: members and papers are sorted and every pair gets a tiny tie-break from a hash of
  (member, paper id), so the same data in any order gives the same assignment;
* stability: pairs in the current `readers` earn a bonus, so a re-run after papers were added
  keeps them unless moving is better by more than the bonus; the churn is reported;
* honesty when the quota cannot be met: the reasons are spelled out (too few reading slots, too
  many papers already read by someone) and the best assignment with loads differing by at most
  one is returned instead.

docs/dev/assignment.md explains the model in plain words.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import maximum_flow

from tracker import store
from tracker.catalog import Catalog
from tracker.errors import DataError, UsageError
from tracker.i18n import Translator, translator
from tracker.models import STATUS_ORDER, Member, Paper, Status, TeamSettings, json_fields
from tracker.relevance import RelevanceMatrix, relevance_matrix

SCHEMA = 1
STABILITY_BONUS = 0.15
TIE_BREAK = 1e-6


@dataclass
class Pair:
    """One member reading one paper, with why: score, shared keywords, rank in their list."""

    member: str
    paper_id: str
    score: float
    keywords: list[str]
    rank: int
    origin: str = "new"  # 'locked' (already being read), 'kept' (current reader), 'new'
    title: str = ""

    @property
    def filler(self) -> bool:
        """Nothing in common with the member's interests: the paper only fills the quota."""
        return self.score <= 0.0 or not self.keywords

    def to_json(self) -> dict[str, Any]:
        names = ("member", "paper_id", "title", "score", "keywords", "rank", "origin", "filler")
        return json_fields(self, *names) | {"score": round(self.score, 4)}


@dataclass
class Move:
    """A current reader taken off a paper, who (if anyone) took it, and the scores behind it."""

    paper_id: str
    title: str
    lost_by: str
    lost_score: float
    taken_by: str | None = None
    taken_score: float | None = None
    instead: list[tuple[str, str, float]] = field(default_factory=list)  # (id, title, score)

    def to_json(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "lost_by": self.lost_by,
            "lost_score": round(self.lost_score, 4),
            "taken_by": self.taken_by,
            "taken_score": None if self.taken_score is None else round(self.taken_score, 4),
            "instead": [
                {"paper_id": i, "title": t, "score": round(v, 4)} for i, t, v in self.instead
            ],
        }

    def describe(self, team: TeamSettings | None = None, _: Translator | None = None) -> str:
        """ "LLaMA (2302.13971): 김지우 (jiwoo) → 정유나 (yuna), because ..." """
        _ = _ or translator("en")

        def who(handle: str) -> str:
            member = team.member(handle) if team else None
            return f"{member.name} ({handle})" if member else handle

        paper = f"{self.title} ({self.paper_id})" if self.title else self.paper_id
        if self.taken_by is not None and self.taken_score is not None:
            values = {
                "paper": paper,
                "lost": who(self.lost_by),
                "taken": who(self.taken_by),
                "taken_score": self.taken_score,
                "lost_score": self.lost_score,
            }
            if self.taken_score > self.lost_score:
                text = _(
                    "{paper}: {lost} → {taken}, who matches it better ({taken_score:.3f} "
                    "against {lost_score:.3f})",
                    **values,
                )
            else:
                text = _(
                    "{paper}: {lost} → {taken}, who needs it to fill their quota "
                    "({taken_score:.3f} against {lost_score:.3f})",
                    **values,
                )
        else:
            text = _(
                "{paper}: {lost} no longer reads it (score {lost_score:.3f}); nobody else needs it",
                paper=paper,
                lost=who(self.lost_by),
                lost_score=self.lost_score,
            )
        if self.instead:
            better = ", ".join(f"{t or i} ({v:.3f})" for i, t, v in self.instead)
            text += "; " + _("the freed slot goes to {papers}", papers=better)
        return text


@dataclass
class MemberSummary:
    """A member's load and how close their set is to the best they could have had alone."""

    handle: str
    load: int
    total_relevance: float
    best_possible: float
    regret: float

    def to_json(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "load": self.load,
            "total_relevance": round(self.total_relevance, 4),
            "best_possible": round(self.best_possible, 4),
            "regret": round(self.regret, 4),
        }


@dataclass
class AssignmentResult:
    """The proposal: pairs, per-member summaries, feasibility with reasons, and churn."""

    pairs: list[Pair]
    members: list[MemberSummary]
    feasible: bool
    reasons: list[str]
    churn: dict[str, Any]
    quota: int
    readers_per_paper: int
    removed: list[tuple[str, str]] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    solve_seconds: float = 0.0
    moves: list[Move] = field(default_factory=list)

    @property
    def total_relevance(self) -> float:
        return float(sum(p.score for p in self.pairs))

    def pairs_for(self, member: str) -> list[Pair]:
        return sorted((p for p in self.pairs if p.member == member), key=lambda p: p.rank)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "quota": self.quota,
            "readers_per_paper": self.readers_per_paper,
            "feasible": self.feasible,
            "reasons": self.reasons,
            "total_relevance": round(self.total_relevance, 4),
            "members": [m.to_json() for m in self.members],
            "pairs": [p.to_json() for p in self.pairs],
            "churn": self.churn,
            "moves": [m.to_json() for m in self.moves],
            "uncovered": self.uncovered,
        }

    def explain(
        self,
        member: str,
        *,
        team: TeamSettings | None = None,
        width: int | None = None,
        _: Translator | None = None,
    ) -> list[str]:
        """Readable lines: the member's summary, then each paper with its title (cut to `width`
        terminal cells), score, rank and keywords; papers sharing nothing are marked as filler."""
        from rich.cells import cell_len, set_cell_size

        _ = _ or translator("en")
        summary = next((m for m in self.members if m.handle == member), None)
        if summary is None:
            known = ", ".join(m.handle for m in self.members)
            raise UsageError(f"no member {member!r} in this assignment", fix=f"use one of {known}")
        found = team.member(member) if team else None
        name = f"{found.name} ({member})" if found else member
        lines = [
            _(
                "{member}: {load} paper(s), total relevance {total:.3f}, best possible alone "
                "{best:.3f}, regret {regret:.3f}",
                member=name,
                load=summary.load,
                total=summary.total_relevance,
                best=summary.best_possible,
                regret=summary.regret,
            )
        ]
        origins = {"locked": _("reading"), "kept": _("kept"), "new": _("new")}
        pairs = self.pairs_for(member)
        id_width = max((len(p.paper_id) for p in pairs), default=0)
        for pair in pairs:
            if pair.filler:
                tag = _("filler")
                why = _("no shared keywords: fills the quota")
            else:
                tag = origins.get(pair.origin, pair.origin)
                why = _("because: {keywords}", keywords=", ".join(pair.keywords))
            head = f"  #{pair.rank:<3} {pair.paper_id:<{id_width}}  {pair.score:.3f} [{tag}]  "
            title = pair.title or ""
            if width:
                # The title gets the rest of the line (and at least a readable stub).
                room = max(width - cell_len(head), 16)
                if cell_len(title) > room:
                    title = set_cell_size(title, room - 1).rstrip() + "…"
            lines.append(f"{head}{title}".rstrip())
            lines.append(" " * 7 + why)
        return lines


# --------------------------------------------------------------------------------------------
# The problem


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads combined hashes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def tie_breaks(members: list[str], papers: list[str]) -> np.ndarray:
    """A tiny (member, paper) preference that depends only on the two ids, never on order."""
    with np.errstate(over="ignore"):
        hm = np.array([_hash64(m) for m in members], dtype=np.uint64)
        hp = np.array([_hash64(p) for p in papers], dtype=np.uint64)
        mixed = _mix64(hm[:, None] ^ _mix64(hp[None, :] + np.uint64(0x9E3779B97F4A7C15)))
    return TIE_BREAK * (mixed >> np.uint64(11)).astype(float) / float(2**53)


def tie_break(member: str, paper_id: str) -> float:
    """The tie-break of one pair (see `tie_breaks`)."""
    return float(tie_breaks([member], [paper_id])[0, 0])


def _status_at_least(paper: Paper, status: Status) -> bool:
    return STATUS_ORDER.index(paper.status) >= STATUS_ORDER.index(status)


def has_started(paper: Paper, handle: str) -> bool:
    """A reader who read, presents, or alone carries a read/summarised paper keeps it: locked."""
    if handle in paper.read_by or paper.presenter == handle:
        return True
    return paper.readers == [handle] and _status_at_least(paper, Status.read)


def is_excluded(paper: Paper, handle: str) -> bool:
    """A paper the member already read, summarised or presented is never assigned anew."""
    return handle in paper.read_by or paper.presenter == handle


@dataclass
class _Problem:
    members: list[Member]
    papers: list[Paper]
    relevance: RelevanceMatrix
    quota: int
    k: int
    cover: bool
    bonus: float
    # Variables: the pairs a solver may choose.
    var_member: np.ndarray
    var_paper: np.ndarray
    var_current: np.ndarray  # bool: pair is in today's readers (stability bonus)
    locked: list[tuple[int, int]]
    locked_per_member: np.ndarray
    capacity: np.ndarray  # free reader slots per paper
    excluded_per_member: dict[str, list[str]]
    full_papers: list[str]

    @property
    def n_vars(self) -> int:
        return len(self.var_member)

    def objective(self) -> np.ndarray:
        scores = self.relevance.scores[self.var_member, self.var_paper]
        ties = tie_breaks([m.handle for m in self.members], [p.id for p in self.papers])
        ties = ties[self.var_member, self.var_paper]
        return scores + self.bonus * self.var_current + ties

    def member_rows(self) -> sparse.csr_matrix:
        ones = np.ones(self.n_vars)
        return sparse.csr_matrix(
            (ones, (self.var_member, np.arange(self.n_vars))),
            shape=(len(self.members), self.n_vars),
        )

    def paper_rows(self) -> sparse.csr_matrix:
        ones = np.ones(self.n_vars)
        return sparse.csr_matrix(
            (ones, (self.var_paper, np.arange(self.n_vars))),
            shape=(len(self.papers), self.n_vars),
        )


def build_problem(
    team: TeamSettings,
    papers: list[Paper],
    *,
    quota: int,
    k: int,
    cover: bool,
    bonus: float = STABILITY_BONUS,
) -> _Problem:
    members = sorted((m for m in team.members if m.active), key=lambda m: m.handle)
    papers = sorted(papers, key=lambda p: p.id)
    handles = {m.handle for m in members}
    relevance = relevance_matrix(members, papers)
    var_member: list[int] = []
    var_paper: list[int] = []
    var_current: list[bool] = []
    locked: list[tuple[int, int]] = []
    capacity = np.zeros(len(papers), dtype=int)
    excluded: dict[str, list[str]] = {m.handle: [] for m in members}
    full: list[str] = []
    for p_index, paper in enumerate(papers):
        locked_here = [h for h in paper.readers if h in handles and has_started(paper, h)]
        # Readers who left the team still hold their slot: their reading happened.
        outsiders = [h for h in paper.readers if h not in handles]
        capacity[p_index] = max(0, k - len(locked_here) - len(outsiders))
        if capacity[p_index] == 0:
            full.append(paper.id)
        for m_index, member in enumerate(members):
            if member.handle in locked_here:
                locked.append((m_index, p_index))
                continue
            if is_excluded(paper, member.handle):
                excluded[member.handle].append(paper.id)
                continue
            if capacity[p_index] == 0:
                continue
            var_member.append(m_index)
            var_paper.append(p_index)
            var_current.append(member.handle in paper.readers)
    locked_per_member = np.zeros(len(members), dtype=int)
    for m_index, _ in locked:
        locked_per_member[m_index] += 1
    return _Problem(
        members=members,
        papers=papers,
        relevance=relevance,
        quota=quota,
        k=k,
        cover=cover,
        bonus=bonus,
        var_member=np.array(var_member, dtype=int),
        var_paper=np.array(var_paper, dtype=int),
        var_current=np.array(var_current, dtype=bool),
        locked=locked,
        locked_per_member=locked_per_member,
        capacity=capacity,
        excluded_per_member=excluded,
        full_papers=full,
    )


def _solve(
    problem: _Problem,
    member_lo: np.ndarray,
    member_hi: np.ndarray,
    *,
    objective: np.ndarray | None,
    min_total: int | None = None,
) -> np.ndarray | None:
    """Maximise `objective` (or the number of pairs) under the bounds; None when infeasible."""
    n = problem.n_vars
    if n == 0:
        ok = np.all(member_lo <= 0) and (min_total is None or min_total <= 0)
        return np.zeros(0, dtype=bool) if ok else None
    constraints = [
        LinearConstraint(problem.member_rows(), member_lo, member_hi),
    ]
    paper_lo = np.zeros(len(problem.papers))
    if problem.cover:
        already = np.zeros(len(problem.papers))
        for _, p_index in problem.locked:
            already[p_index] += 1
        paper_lo = np.where((already == 0) & (problem.capacity > 0), 1.0, 0.0)
    constraints.append(LinearConstraint(problem.paper_rows(), paper_lo, problem.capacity))
    if min_total is not None:
        constraints.append(LinearConstraint(np.ones((1, n)), min_total, np.inf))
    weights = objective if objective is not None else np.ones(n)
    result = milp(
        c=-weights,
        constraints=constraints,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        # Presolve buys nothing on a transportation problem and costs a second at 100k variables.
        options={"mip_rel_gap": 0.0, "presolve": False},
    )
    if result.status != 0 or result.x is None:
        return None
    return np.round(result.x).astype(bool)


# Below this many variables the full problem is solved directly.
PRICING_MIN_VARS = 20_000
PRICING_ROUNDS = 20


def _restricted(problem: _Problem, index: np.ndarray) -> _Problem:
    return dataclasses.replace(
        problem,
        var_member=problem.var_member[index],
        var_paper=problem.var_paper[index],
        var_current=problem.var_current[index],
    )


def _solve_exact_quota(
    problem: _Problem, targets: np.ndarray, objective: np.ndarray
) -> np.ndarray | None:
    """The exact-quota optimum, found on a short list of pairs and proven optimal for all.

    Each member's best few dozen pairs (and every current pair) form the short list. The linear
    relaxation on the short list gives dual prices for members and papers; a pair left out could
    only improve the answer if its score beats the prices of its member and paper (a positive
    reduced profit). Such pairs are added and the list re-solved until none is left: then, by LP
    duality, the short-list optimum is the optimum of the whole problem, and since the constraint
    matrix is totally unimodular, `milp` on the short list returns it as 0/1 values.
    """
    n = problem.n_vars
    if problem.cover or n < PRICING_MIN_VARS:
        return _solve(problem, targets, targets, objective=objective)
    width = 3 * problem.quota + 2 * problem.k + 10
    order = np.lexsort((-objective, problem.var_member))
    member_sorted = problem.var_member[order]
    starts = np.searchsorted(member_sorted, np.arange(len(problem.members)))
    position = np.arange(n) - starts[member_sorted]
    active = np.zeros(n, dtype=bool)
    active[order[position < width]] = True
    active |= problem.var_current
    for _ in range(PRICING_ROUNDS):
        index = np.flatnonzero(active)
        short = _restricted(problem, index)
        relaxed = linprog(
            -objective[index],
            A_ub=short.paper_rows(),
            b_ub=problem.capacity,
            A_eq=short.member_rows(),
            b_eq=targets,
            bounds=(0, 1),
            method="highs-ds",
        )
        if relaxed.status != 0:
            break  # the short list cannot meet the quota: decide on the whole problem
        member_price = relaxed.eqlin.marginals
        paper_price = relaxed.ineqlin.marginals
        reduced = -objective - member_price[problem.var_member] - paper_price[problem.var_paper]
        improving = ~active & (reduced < -1e-9)
        if not improving.any():
            chosen = _solve(short, targets, targets, objective=objective[index])
            if chosen is None:
                break
            full = np.zeros(n, dtype=bool)
            full[index[chosen]] = True
            return full
        active |= improving
    return _solve(problem, targets, targets, objective=objective)


def _feasible(problem: _Problem, member_lo: np.ndarray, member_hi: np.ndarray) -> bool:
    """Whether some 0/1 assignment gives every member at least `member_lo` new papers.

    Upper bounds never block this (they are at least the lower ones), so it is a max-flow
    question: source -> member (capacity lo) -> paper (1) -> sink (free slots) must carry
    sum(lo). With coverage required, the MILP decides instead.
    """
    if problem.cover:
        return _solve(problem, member_lo, member_hi, objective=np.zeros(problem.n_vars)) is not None
    need = np.rint(member_lo).astype(np.int32)
    if need.sum() == 0:
        return True
    n_members, n_papers = len(problem.members), len(problem.papers)
    sink = n_members + n_papers + 1
    tails = np.concatenate(
        [
            np.zeros(n_members, dtype=np.int32),
            1 + problem.var_member,
            1 + n_members + np.arange(n_papers),
        ]
    )
    heads = np.concatenate(
        [1 + np.arange(n_members), 1 + n_members + problem.var_paper, np.full(n_papers, sink)]
    )
    capacity = np.concatenate(
        [need, np.ones(problem.n_vars, dtype=np.int32), problem.capacity.astype(np.int32)]
    )
    graph = sparse.csr_matrix(
        (capacity.astype(np.int32), (tails.astype(np.int32), heads.astype(np.int32))),
        shape=(sink + 1, sink + 1),
    )
    return int(maximum_flow(graph, 0, sink).flow_value) == int(need.sum())


def _targets(problem: _Problem) -> np.ndarray:
    return np.maximum(problem.quota - problem.locked_per_member, 0)


def _balanced_bounds(problem: _Problem, level: int) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on new pairs so that total loads lie in [level, level + 1] where possible."""
    locked = problem.locked_per_member
    open_pairs = np.bincount(problem.var_member, minlength=len(problem.members))
    hi_total = np.maximum(locked, np.minimum(level + 1, problem.quota))
    lo_total = np.minimum(np.maximum(locked, level), locked + open_pairs)
    lo_total = np.minimum(lo_total, hi_total)
    return (lo_total - locked).astype(float), (hi_total - locked).astype(float)


def explain_infeasible(problem: _Problem, max_pairs: int) -> list[str]:
    """Why not every member can get the quota, in terms a person can check."""
    reasons: list[str] = []
    targets = _targets(problem)
    needed = int(targets.sum())
    slots = int(problem.capacity.sum())
    n_members, n_papers = len(problem.members), len(problem.papers)
    if needed > slots:
        taken = n_papers * problem.k - slots
        reasons.append(
            f"too few papers: {n_members} members x quota {problem.quota} need "
            f"{needed} more reading slot(s) beyond those already being read, but {n_papers} papers "
            f"x {problem.k} readers = {n_papers * problem.k} slots, of which {taken} are already "
            f"held, leave {slots} ({needed - slots} short); add papers (`tracker suggest` finds "
            "candidates) or raise readers_per_paper"
        )
    open_pairs = np.bincount(problem.var_member, minlength=n_members)
    for m_index, member in enumerate(problem.members):
        if open_pairs[m_index] < targets[m_index]:
            excluded = problem.excluded_per_member[member.handle]
            reasons.append(
                f"{member.handle} can take only {int(open_pairs[m_index])} more paper(s) but needs "
                f"{int(targets[m_index])}: {len(excluded)} already read/summarised/presented by "
                f"them ({', '.join(excluded[:8])}{', ...' if len(excluded) > 8 else ''}), "
                f"{len(problem.full_papers)} already have {problem.k} readers"
            )
    if not reasons:
        reasons.append(
            f"the papers open to some members are too few to share: at most {max_pairs} of the "
            f"{needed} needed pairs fit together (members compete for the same open papers)"
        )
    if problem.cover:
        reasons.append("cover_every_paper also requires each paper to get a reader")
    return reasons


def assign_reading_quota(
    catalog: Catalog,
    *,
    quota: int | None = None,
    readers_per_paper: int | None = None,
    cover_every_paper: bool | None = None,
    stability_bonus: float = STABILITY_BONUS,
) -> AssignmentResult:
    """The exact relevance-maximising assignment for the catalog's team and papers."""
    import time

    team = catalog.team
    quota = team.quota if quota is None else quota
    k = team.readers_per_paper if readers_per_paper is None else readers_per_paper
    cover = team.cover_every_paper if cover_every_paper is None else cover_every_paper
    if quota < 0 or k < 1:
        raise DataError(f"quota {quota} and readers_per_paper {k}: need quota >= 0 and k >= 1")
    problem = build_problem(
        team, catalog.papers, quota=quota, k=k, cover=cover, bonus=stability_bonus
    )
    started = time.perf_counter()
    objective = problem.objective()
    targets = _targets(problem).astype(float)
    chosen = _solve_exact_quota(problem, targets, objective)
    feasible = chosen is not None
    reasons: list[str] = []
    if chosen is None:
        # Largest level L with every load in [L, L+1] (capped by what each member may take).
        low, high = 0, quota
        while low < high:
            mid = (low + high + 1) // 2
            lo, hi = _balanced_bounds(problem, mid)
            if _feasible(problem, lo, hi):
                low = mid
            else:
                high = mid - 1
        lo, hi = _balanced_bounds(problem, low)
        most = _solve(problem, lo, hi, objective=None)
        if most is None and problem.cover:
            problem.cover = False  # cannot even cover every paper: say so below and drop it
            most = _solve(problem, lo, hi, objective=None)
            reasons.append("not every paper can get a reader under these loads; coverage dropped")
        assert most is not None, "level 0 bounds are always feasible"
        max_pairs = int(most.sum())
        chosen = _solve(problem, lo, hi, objective=objective, min_total=max_pairs)
        assert chosen is not None
        reasons = explain_infeasible(problem, max_pairs + len(problem.locked)) + reasons
        loads = problem.locked_per_member + np.bincount(
            problem.var_member[chosen], minlength=len(problem.members)
        )
        reasons.append(
            f"best feasible instead: loads {int(loads.min())}-{int(loads.max())} "
            f"(level {low}, each member within one of the others where their open papers allow)"
        )
    elapsed = time.perf_counter() - started
    return _result(problem, chosen, feasible, reasons, elapsed)


def _result(
    problem: _Problem, chosen: np.ndarray, feasible: bool, reasons: list[str], elapsed: float
) -> AssignmentResult:
    scores = problem.relevance.scores
    n_members = len(problem.members)
    chosen_pairs = [
        (int(m), int(p))
        for m, p in zip(problem.var_member[chosen], problem.var_paper[chosen], strict=True)
    ]
    current = {
        (int(m), int(p))
        for m, p, c in zip(problem.var_member, problem.var_paper, problem.var_current, strict=True)
        if c
    }
    # Rank = position in the member's own list of papers they could read, best first (ties by
    # paper id, which is also the papers' order here).
    n_papers = len(problem.papers)
    open_mask = np.zeros((n_members, n_papers), dtype=bool)
    open_mask[problem.var_member, problem.var_paper] = True
    locked_mask = np.zeros((n_members, n_papers), dtype=bool)
    for m_index, p_index in problem.locked:
        locked_mask[m_index, p_index] = True
    ranks = np.zeros((n_members, n_papers), dtype=int)
    best_possible = np.zeros(n_members)
    for m_index in range(n_members):
        candidates = np.flatnonzero(open_mask[m_index] | locked_mask[m_index])
        order = candidates[np.argsort(-scores[m_index, candidates], kind="stable")]
        ranks[m_index, order] = np.arange(1, len(order) + 1)
        locked_scores = scores[m_index, locked_mask[m_index]]
        free_scores = np.sort(scores[m_index, open_mask[m_index]])[::-1]
        room = max(problem.quota - len(locked_scores), 0)
        best_possible[m_index] = float(locked_scores.sum() + free_scores[:room].sum())

    pairs: list[Pair] = []
    for origin, items in (
        ("locked", problem.locked),
        ("new", [pair for pair in chosen_pairs]),
    ):
        for m_index, p_index in items:
            pairs.append(
                Pair(
                    member=problem.members[m_index].handle,
                    paper_id=problem.papers[p_index].id,
                    score=float(scores[m_index, p_index]),
                    keywords=problem.relevance.keywords(m_index, p_index),
                    rank=int(ranks[m_index, p_index]),
                    origin="kept" if (m_index, p_index) in current else origin,
                    title=problem.papers[p_index].title,
                )
            )
    pairs.sort(key=lambda p: (p.member, p.rank, p.paper_id))
    summaries = []
    for m_index, member in enumerate(problem.members):
        mine = [p for p in pairs if p.member == member.handle]
        total = float(sum(p.score for p in mine))
        summaries.append(
            MemberSummary(
                handle=member.handle,
                load=len(mine),
                total_relevance=total,
                best_possible=float(best_possible[m_index]),
                regret=max(float(best_possible[m_index]) - total, 0.0),
            )
        )
    chosen_set = set(chosen_pairs)
    removed = sorted(
        (problem.members[m].handle, problem.papers[p].id) for m, p in current - chosen_set
    )
    added = [
        (problem.members[m].handle, problem.papers[p].id) for m, p in sorted(chosen_set - current)
    ]
    kept = len(current & chosen_set)
    moves = _moves(problem, current - chosen_set, chosen_set - current)
    churn = {
        "kept": kept,
        "removed": len(removed),
        "added": len(added),
        "locked": len(problem.locked),
        "removed_pairs": [list(r) for r in removed],
        "churn_rate": round(len(removed) / len(current), 4) if current else 0.0,
    }
    covered = {p.paper_id for p in pairs}
    uncovered = sorted(
        paper.id for paper in problem.papers if paper.id not in covered and not paper.readers
    )
    return AssignmentResult(
        pairs=pairs,
        members=summaries,
        feasible=feasible,
        reasons=reasons,
        churn=churn,
        quota=problem.quota,
        readers_per_paper=problem.k,
        removed=removed,
        uncovered=uncovered,
        solve_seconds=elapsed,
        moves=moves,
    )


def _moves(
    problem: _Problem, lost: set[tuple[int, int]], gained: set[tuple[int, int]]
) -> list[Move]:
    """Each current reader the optimum takes off a paper, with who took the paper and what the
    reader's freed slot went to (their best new paper, one per loss in order)."""
    scores = problem.relevance.scores
    papers, members = problem.papers, problem.members
    takers: dict[int, list[int]] = {}
    new_for: dict[int, list[int]] = {}
    for m_index, p_index in sorted(gained):
        takers.setdefault(p_index, []).append(m_index)
        new_for.setdefault(m_index, []).append(p_index)
    for m_index in new_for:
        new_for[m_index].sort(key=lambda p: (-scores[m_index, p], papers[p].id))
    moves = []
    seen: dict[int, int] = {}
    for m_index, p_index in sorted(lost, key=lambda x: (members[x[0]].handle, papers[x[1]].id)):
        candidates = [t for t in takers.get(p_index, []) if t != m_index]
        taker = max(candidates, key=lambda t: (scores[t, p_index], members[t].handle), default=None)
        if taker is not None:
            takers[p_index].remove(taker)
        # This loss's share of the member's new papers (one each, the rest on the last loss).
        order = seen.get(m_index, 0)
        seen[m_index] = order + 1
        mine = new_for.get(m_index, [])
        share = mine[order : order + 1]
        moves.append(
            Move(
                paper_id=papers[p_index].id,
                title=papers[p_index].title,
                lost_by=members[m_index].handle,
                lost_score=float(scores[m_index, p_index]),
                taken_by=members[taker].handle if taker is not None else None,
                taken_score=float(scores[taker, p_index]) if taker is not None else None,
                instead=[(papers[p].id, papers[p].title, float(scores[m_index, p])) for p in share],
            )
        )
    return moves


def apply_assignment(root: Path, result: AssignmentResult) -> list[str]:
    """Write the proposal's readers into papers/*.md through the store; returns files written.

    Proposed papers that gain readers become `assigned`; a reader the optimiser moved elsewhere
    is taken off that paper. Files that already say the right thing are not touched.
    """
    root = Path(root)
    wanted: dict[str, list[str]] = {}
    for pair in result.pairs:
        wanted.setdefault(pair.paper_id, []).append(pair.member)
    removed: dict[str, set[str]] = {}
    for member, paper_id in result.removed:
        removed.setdefault(paper_id, set()).add(member)
    written: list[str] = []
    for paper_id in sorted(set(wanted) | set(removed)):
        path = store.paper_path(root, paper_id)
        paper = store.read_paper(path)
        readers = [r for r in paper.readers if r not in removed.get(paper_id, set())]
        for member in sorted(wanted.get(paper_id, [])):
            if member not in readers:
                readers.append(member)
        update: dict[str, Any] = {}
        if readers != paper.readers:
            update["readers"] = readers
        if readers and paper.status == Status.proposed:
            update["status"] = Status.assigned
        if not update:
            continue
        changed = paper.model_copy(update=update)
        if store.write_paper(root, changed):
            written.append(str(path.relative_to(root)))
    return written
