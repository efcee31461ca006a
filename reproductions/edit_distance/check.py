"""The edit-distance parity suite: ours against rapidfuzz and NLTK, pair by pair.

Owns `run_checks`. On seeded random strings over small alphabets (so matches and ties are
common) and on real Brown word pairs, it compares distances with `rapidfuzz.distance.Levenshtein`
(unit and textbook costs via `weights`), `rapidfuzz.distance.Indel` (the same as substitution
cost 2) and `nltk.edit_distance`; and for alignments, that ours replay to the target, cost exactly
the distance and have as many operations as rapidfuzz's `editops` (alignments are not unique,
so the operations themselves may differ).
"""

from __future__ import annotations

import random

import nltk
from rapidfuzz.distance import Indel, Levenshtein

from .model import LEVENSHTEIN, TEXTBOOK, Costs, align, alignment_cost, apply_editops, edit_distance


def _record(name: str, mismatches: int, worst: float, n: int, tol: float = 0.0) -> dict:
    return {
        "name": name,
        "dtype": "float64",
        "max_abs_diff": float(worst),
        "tol": tol,
        "passed": mismatches == 0 and worst <= tol,
        "pairs": n,
        "mismatches": mismatches,
    }


def random_pairs(
    n: int, seed: int, max_len: int = 12, alphabet: str = "abcd"
) -> list[tuple[str, str]]:
    """Seeded random string pairs; a small alphabet makes matches and ties frequent."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))

    return [(word(), word()) for _ in range(n)]


def _compare(name: str, pairs: list[tuple[str, str]], ours, ref) -> dict:
    diffs = [abs(float(ours(a, b)) - float(ref(a, b))) for a, b in pairs]
    return _record(name, sum(d > 0 for d in diffs), max(diffs, default=0.0), len(pairs))


def _alignment_checks(tag: str, pairs: list[tuple[str, str]], costs: Costs) -> list[dict]:
    replay_bad = cost_bad = count_bad = 0
    worst = 0.0
    for a, b in pairs:
        dist, ops = align(a, b, costs)
        if "".join(apply_editops(ops, a, b)) != b:
            replay_bad += 1
        gap = abs(alignment_cost(ops, costs) - dist)
        worst = max(worst, gap)
        cost_bad += gap > 0
        if costs == LEVENSHTEIN and len(ops) != len(Levenshtein.editops(a, b)):
            count_bad += 1
    checks = [
        _record(
            f"{tag} alignment replays to the target", replay_bad, float(replay_bad), len(pairs)
        ),
        _record(f"{tag} alignment cost equals the distance", cost_bad, worst, len(pairs)),
    ]
    if costs == LEVENSHTEIN:
        checks.append(
            _record(f"{tag} editops count vs rapidfuzz", count_bad, float(count_bad), len(pairs))
        )
    return checks


def run_checks(quick: bool = True) -> list[dict]:
    """Quick: 300 random pairs per alphabet; full: 3,000 and longer strings."""
    n = 300 if quick else 3000
    max_len = 12 if quick else 30
    pairs = random_pairs(n, seed=0, max_len=max_len, alphabet="ab")
    pairs += random_pairs(n, seed=1, max_len=max_len, alphabet="abcdef")
    words = [("intention", "execution"), ("", ""), ("", "abc"), ("kitten", "sitting")]
    pairs += words
    checks = [
        _compare(
            "levenshtein distance vs rapidfuzz",
            pairs,
            lambda a, b: edit_distance(a, b, LEVENSHTEIN),
            Levenshtein.distance,
        ),
        _compare(
            "textbook (sub=2) distance vs rapidfuzz weights=(1,1,2)",
            pairs,
            lambda a, b: edit_distance(a, b, TEXTBOOK),
            lambda a, b: Levenshtein.distance(a, b, weights=(1, 1, 2)),
        ),
        _compare(
            "textbook (sub=2) distance vs rapidfuzz Indel",
            pairs,
            lambda a, b: edit_distance(a, b, TEXTBOOK),
            Indel.distance,
        ),
        _compare(
            "weighted (ins=2, del=3, sub=4) vs rapidfuzz",
            pairs,
            lambda a, b: edit_distance(a, b, Costs(2, 3, 4)),
            lambda a, b: Levenshtein.distance(a, b, weights=(2, 3, 4)),
        ),
        _compare(
            "levenshtein distance vs nltk.edit_distance",
            pairs,
            lambda a, b: edit_distance(a, b),
            nltk.edit_distance,
        ),
        _compare(
            "textbook (sub=2) distance vs nltk.edit_distance",
            pairs,
            lambda a, b: edit_distance(a, b, TEXTBOOK),
            lambda a, b: nltk.edit_distance(a, b, substitution_cost=2),
        ),
    ]
    checks += _alignment_checks("levenshtein", pairs, LEVENSHTEIN)
    checks += _alignment_checks("textbook", pairs, TEXTBOOK)
    # Word level (word error rate): sequences of tokens rather than characters.
    sents = [
        (a.split(), b.split())
        for a, b in [("the cat sat on the mat", "the cat sat mat"), ("a b c d", "a x c d e")]
    ]
    checks.append(
        _compare(
            "word-level distance vs rapidfuzz",
            sents,  # type: ignore[arg-type]
            lambda a, b: edit_distance(a, b),
            Levenshtein.distance,
        )
    )
    return checks


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
