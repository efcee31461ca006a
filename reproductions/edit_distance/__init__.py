"""Minimum edit distance (Levenshtein, 1966; Wagner & Fischer, 1974) with a backtrace."""

from __future__ import annotations

from reproductions.common.about import paper_of

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

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

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
