"""Minimum edit distance by dynamic programming, with the backtrace that gives the alignment.

Owns the Wagner-Fischer table D (Jurafsky & Martin, ch. 2, "Minimum Edit Distance"):

    D[i, 0] = i * del,  D[0, j] = j * ins
    D[i, j] = min(D[i-1, j] + del,                          # delete source[i-1]
                  D[i, j-1] + ins,                          # insert target[j-1]
                  D[i-1, j-1] + (0 if source[i-1] == target[j-1] else sub))

Levenshtein's distance is costs (1, 1, 1); the textbook variant charges 2 for a substitution
(so a substitution costs as much as a deletion plus an insertion). Works on any sequences of
hashable items: characters of a string, or words of a sentence (word error rate).
The backtrace keeps, per cell, which of the three moves reached its minimum, and walks back
from D[n, m]; ties prefer the diagonal, then deletion, then insertion.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

OpTag = Literal["replace", "insert", "delete"]


@dataclass(frozen=True)
class Costs:
    """Cost of each edit; `substitution=2` is Jurafsky & Martin's textbook setting."""

    insertion: float = 1.0
    deletion: float = 1.0
    substitution: float = 1.0

    def __post_init__(self) -> None:
        if min(self.insertion, self.deletion, self.substitution) < 0:
            raise ValueError(f"edit costs must be non-negative, got {self}")


LEVENSHTEIN = Costs(1.0, 1.0, 1.0)
TEXTBOOK = Costs(1.0, 1.0, 2.0)


@dataclass(frozen=True)
class EditOp:
    """One edit, positioned like rapidfuzz's `Editop`: `src_pos` indexes the source and
    `dest_pos` the target (for an insertion, where in the target the new item lands)."""

    tag: OpTag
    src_pos: int
    dest_pos: int


# Backpointer codes for the table.
_DIAG, _UP, _LEFT = 0, 1, 2


def distance_table(
    source: Sequence[Hashable], target: Sequence[Hashable], costs: Costs = LEVENSHTEIN
) -> list[list[float]]:
    """The full (len(source)+1) x (len(target)+1) table D of prefix distances."""
    table, _ = _fill(source, target, costs)
    return table


def _fill(
    source: Sequence[Hashable], target: Sequence[Hashable], costs: Costs
) -> tuple[list[list[float]], list[list[int]]]:
    n, m = len(source), len(target)
    ins, dele, sub = costs.insertion, costs.deletion, costs.substitution
    D = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[_DIAG] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        D[i][0] = D[i - 1][0] + dele
        back[i][0] = _UP
    for j in range(1, m + 1):
        D[0][j] = D[0][j - 1] + ins
        back[0][j] = _LEFT
    for i in range(1, n + 1):
        s = source[i - 1]
        row, prev = D[i], D[i - 1]
        brow = back[i]
        for j in range(1, m + 1):
            diag = prev[j - 1] + (0.0 if s == target[j - 1] else sub)
            up = prev[j] + dele
            left = row[j - 1] + ins
            # Ties: diagonal first (a match or one substitution), then deletion, then insertion.
            if diag <= up and diag <= left:
                row[j], brow[j] = diag, _DIAG
            elif up <= left:
                row[j], brow[j] = up, _UP
            else:
                row[j], brow[j] = left, _LEFT
    return D, back


def edit_distance(
    source: Sequence[Hashable], target: Sequence[Hashable], costs: Costs = LEVENSHTEIN
) -> float:
    """Minimum total cost of insertions, deletions and substitutions turning source into target.

    Only two rows are kept: O(len(target)) memory when no alignment is needed.
    """
    ins, dele, sub = costs.insertion, costs.deletion, costs.substitution
    prev = [j * ins for j in range(len(target) + 1)]
    for i, s in enumerate(source, start=1):
        row = [i * dele] + [0.0] * len(target)
        for j, t in enumerate(target, start=1):
            row[j] = min(prev[j - 1] + (0.0 if s == t else sub), prev[j] + dele, row[j - 1] + ins)
        prev = row
    return prev[-1]


def align(
    source: Sequence[Hashable], target: Sequence[Hashable], costs: Costs = LEVENSHTEIN
) -> tuple[float, list[EditOp]]:
    """The distance and one minimum-cost alignment as edit operations, in source order.

    Matches (diagonal moves between equal items) are not listed, as in rapidfuzz's `editops`.
    """
    D, back = _fill(source, target, costs)
    i, j = len(source), len(target)
    ops: list[EditOp] = []
    while i > 0 or j > 0:
        move = back[i][j]
        if move == _DIAG:
            i, j = i - 1, j - 1
            if source[i] != target[j]:
                ops.append(EditOp("replace", i, j))
        elif move == _UP:
            i -= 1
            ops.append(EditOp("delete", i, j))
        else:
            j -= 1
            ops.append(EditOp("insert", i, j))
    ops.reverse()
    return D[len(source)][len(target)], ops


def alignment_cost(ops: Sequence[EditOp], costs: Costs = LEVENSHTEIN) -> float:
    """Total cost of a list of edit operations."""
    price = {"replace": costs.substitution, "insert": costs.insertion, "delete": costs.deletion}
    return float(sum(price[op.tag] for op in ops))


def apply_editops(
    ops: Sequence[EditOp], source: Sequence[Hashable], target: Sequence[Hashable]
) -> list[Hashable]:
    """Replay edit operations (source order, rapidfuzz positions) on source; returns a list.

    Inserted and replacing items are read from the target at `dest_pos`, which is how an
    alignment proves itself: replaying it must yield the target exactly.
    """
    out: list[Hashable] = []
    i = 0
    for op in ops:
        out.extend(source[i : op.src_pos])  # matched items before this edit
        i = op.src_pos
        if op.tag == "insert":
            out.append(target[op.dest_pos])
        elif op.tag == "delete":
            i += 1
        else:
            out.append(target[op.dest_pos])
            i += 1
    out.extend(source[i:])
    return out


def render_alignment(
    source: Sequence[Hashable], target: Sequence[Hashable], ops: Sequence[EditOp]
) -> str:
    """Three lines like the textbook figure: source, target (with * for gaps), and d/i/s marks."""
    top, bottom, marks = [], [], []
    i = j = 0
    pending = list(ops)
    while i < len(source) or j < len(target):
        op = pending[0] if pending else None
        if op is not None and op.src_pos == i and op.dest_pos == j and op.tag == "insert":
            top.append("*")
            bottom.append(str(target[j]))
            marks.append("i")
            j += 1
        elif op is not None and op.src_pos == i and op.tag == "delete":
            top.append(str(source[i]))
            bottom.append("*")
            marks.append("d")
            i += 1
        elif op is not None and op.src_pos == i and op.tag == "replace":
            top.append(str(source[i]))
            bottom.append(str(target[j]))
            marks.append("s")
            i += 1
            j += 1
        else:
            top.append(str(source[i]))
            bottom.append(str(target[j]))
            marks.append(" ")
            i += 1
            j += 1
            continue
        pending.pop(0)
    width = [max(len(a), len(b)) for a, b in zip(top, bottom, strict=True)]
    return "\n".join(
        " ".join(x.ljust(w) for x, w in zip(line, width, strict=True)).rstrip()
        for line in (top, bottom, marks)
    )
