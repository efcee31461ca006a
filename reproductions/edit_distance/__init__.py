"""Minimum edit distance (Levenshtein, 1966; Wagner & Fischer, 1974) with a backtrace."""

from __future__ import annotations

from .model import (
    LEVENSHTEIN,
    TEXTBOOK,
    Costs,
    EditOp,
    align,
    apply_editops,
    distance_table,
    edit_distance,
)

PAPER_ID = "levenshtein-1966"
TITLE = "Binary codes capable of correcting deletions, insertions, and reversals"

__all__ = [
    "LEVENSHTEIN",
    "PAPER_ID",
    "TEXTBOOK",
    "TITLE",
    "Costs",
    "EditOp",
    "align",
    "apply_editops",
    "distance_table",
    "edit_distance",
]
