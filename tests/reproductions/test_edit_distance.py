"""Minimum edit distance: property tests against rapidfuzz and NLTK, the textbook example,
the backtrace, and a tiny real run of the spelling-correction baseline."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import nltk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from reproductions.common import data
from reproductions.common.parity import assert_all_passed
from reproductions.common.results import read_results
from reproductions.edit_distance import LEVENSHTEIN, TEXTBOOK, Costs, align, apply_editops
from reproductions.edit_distance import check as ed_check
from reproductions.edit_distance.model import (
    EditOp,
    alignment_cost,
    distance_table,
    edit_distance,
    render_alignment,
)
from reproductions.edit_distance.train import corrupt, main

# Small alphabets make equal characters, and therefore ties in the table, common.
words = st.text(alphabet="abc", max_size=10)
costs = st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 5)).map(
    lambda t: Costs(*map(float, t))
)


def test_textbook_example_intention_execution() -> None:
    # Jurafsky & Martin: 5 with unit costs, 8 when a substitution costs 2.
    assert edit_distance("intention", "execution") == 5
    dist, ops = align("intention", "execution", TEXTBOOK)
    assert dist == 8
    assert [op.tag for op in ops] == ["delete", "replace", "replace", "insert", "replace"]
    assert render_alignment("intention", "execution", ops).splitlines() == [
        "i n t e * n t i o n",
        "* e x e c u t i o n",
        "d s s   i s",
    ]


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_unit_cost_distance_matches_rapidfuzz_and_nltk(a: str, b: str) -> None:
    assert edit_distance(a, b) == Levenshtein.distance(a, b) == nltk.edit_distance(a, b)


@settings(max_examples=300, deadline=None)
@given(words, words, costs)
def test_weighted_distance_matches_rapidfuzz_weights(a: str, b: str, c: Costs) -> None:
    weights = (int(c.insertion), int(c.deletion), int(c.substitution))
    assert edit_distance(a, b, c) == Levenshtein.distance(a, b, weights=weights)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_textbook_costs_match_nltk_substitution_cost_2(a: str, b: str) -> None:
    assert edit_distance(a, b, TEXTBOOK) == nltk.edit_distance(a, b, substitution_cost=2)


@settings(max_examples=300, deadline=None)
@given(words, words, costs)
def test_backtrace_replays_to_target_at_exactly_the_distance(a: str, b: str, c: Costs) -> None:
    dist, ops = align(a, b, c)
    assert "".join(apply_editops(ops, a, b)) == b
    assert alignment_cost(ops, c) == dist == edit_distance(a, b, c)
    assert dist == distance_table(a, b, c)[-1][-1]


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_unit_cost_alignment_has_as_many_edits_as_rapidfuzz_editops(a: str, b: str) -> None:
    _, ops = align(a, b, LEVENSHTEIN)
    theirs = Levenshtein.editops(a, b)
    assert len(ops) == len(theirs)
    # Our replay reads rapidfuzz's positions the same way: their editops rebuild the target too.
    converted = [EditOp(op.tag, op.src_pos, op.dest_pos) for op in theirs]
    assert "".join(apply_editops(converted, a, b)) == b


@settings(max_examples=200, deadline=None)
@given(words, words, words)
def test_unit_cost_distance_is_a_metric(a: str, b: str, c: str) -> None:
    assert (edit_distance(a, b) == 0) == (a == b)
    assert edit_distance(a, b) == edit_distance(b, a)
    assert edit_distance(a, c) <= edit_distance(a, b) + edit_distance(b, c)


def test_word_level_sequences_are_supported() -> None:
    ref, hyp = ["the", "cat", "sat", "on", "the", "mat"], ["the", "cat", "sat", "mat"]
    dist, ops = align(ref, hyp)
    assert dist == 2 and {op.tag for op in ops} == {"delete"}
    assert apply_editops(ops, ref, hyp) == hyp


def test_negative_costs_are_refused() -> None:
    with pytest.raises(ValueError):
        Costs(insertion=-1)


def test_quick_parity_suite_passes() -> None:
    checks = ed_check.run_checks(quick=True)
    assert len(checks) >= 10
    assert_all_passed(checks)


def test_parity_suite_catches_a_wrong_substitution_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    # Treating every substitution as free must show up as mismatches against the references.
    def broken(a, b, c=LEVENSHTEIN):  # type: ignore[no-untyped-def]
        return edit_distance(a, b, Costs(c.insertion, c.deletion, 0.0))

    monkeypatch.setattr(ed_check, "edit_distance", broken)
    checks = ed_check.run_checks(quick=True)
    assert not any(c["passed"] for c in checks if "distance vs rapidfuzz" in c["name"])


def test_corruption_is_one_edit_away() -> None:
    rng = random.Random(0)
    for word in ["house", "government", "at", "quality"] * 25:
        typo = corrupt(word, rng)
        # A swap of two neighbours is two unit edits; every other corruption is one.
        assert Levenshtein.distance(word, typo) in (1, 2), (word, typo)


def test_tiny_real_run_writes_results(tmp_path: Path) -> None:
    main(["--config", "small", "--steps", "10", "--out", str(tmp_path)])
    record = read_results(tmp_path / "small-10steps.json")
    m = record["metrics"]
    assert m["queries"] == 10 and m["rapidfuzz_mismatches"] == 0
    # The same ten seeded typos, corrected again with rapidfuzz's distance in place of ours (same
    # vocabulary, same tie-break on frequency): the recorded accuracy is this hand count.
    words = [w.lower() for s in data.brown_sentences("train") for w in s if w.isalpha()]
    freq = Counter(words)
    vocab = [w for w, _ in freq.most_common(2000)]
    in_vocab = set(vocab)
    valid = Counter(w.lower() for s in data.brown_sentences("valid") for w in s if w.isalpha())
    pool = [w for w, _ in valid.most_common() if w in in_vocab and len(w) >= 4]
    targets = random.Random(0).sample(pool, 10)
    for name, sub in (("levenshtein", 1), ("textbook", 2)):
        qrng = random.Random(1)
        right = 0
        for word in targets:
            typo = corrupt(word, qrng)
            guess = min(
                (w for w in vocab if abs(len(w) - len(typo)) <= 2),
                key=lambda w: (Levenshtein.distance(typo, w, weights=(1, 1, sub)), -freq[w]),
            )
            right += guess == word
        assert m[f"correction_accuracy_{name}"] == right / 10, name
    assert (
        m["intention_execution_textbook"]
        == record["paper_metrics"]["intention_execution_textbook"]["value"]
    )
    assert record["provenance"]["data"]["brown"]


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "Example:" in capsys.readouterr().out
