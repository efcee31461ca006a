"""Edit-distance baseline: spelling correction on Brown words, and agreement with rapidfuzz.

Owns the runnable baseline. There is nothing to train: "small" takes frequent words from Brown's
valid split, corrupts each with one seeded random edit (insert, delete, substitute or swap two
neighbours), and corrects it to the nearest word of the training vocabulary under Levenshtein
costs and under the textbook costs (substitution 2); it also re-checks every distance it
computed against rapidfuzz. Writes `results/<config>.json`.

Example:
    python -m reproductions.edit_distance.train --config small --out /tmp/ed
"""

from __future__ import annotations

import random
import string
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from tqdm import tqdm

from reproductions.common import cli, data
from reproductions.common.results import read_results
from reproductions.common.spec import RunSpec
from reproductions.common.training import TrainRun

from . import PAPER_ID
from .model import LEVENSHTEIN, TEXTBOOK, Costs, align, edit_distance


@dataclass(frozen=True, kw_only=True)
class CorrectionSpec(RunSpec):
    """A spelling-correction run: nothing is trained."""

    vocab: int  # the most frequent training words, the candidates a typo is corrected to
    queries: int  # valid words corrupted and corrected
    min_len: int  # the shortest word corrupted


CONFIGS = {
    "small": CorrectionSpec(vocab=2000, queries=300, min_len=4),
    "paper": CorrectionSpec(vocab=10000, queries=2000, min_len=3),
}

PAPER_METRICS = {
    "intention_execution_textbook": {
        "value": 8,
        "note": "Jurafsky & Martin, Speech and Language Processing ch. 2: intention -> execution "
        "costs 8 with substitution cost 2 (Levenshtein's unit costs give 5).",
    },
    "intention_execution_levenshtein": {"value": 5, "note": "unit costs, same textbook example"},
}


def corrupt(word: str, rng: random.Random) -> str:
    """One random edit (Damerau's four error types) of a word of length >= 2."""
    i = rng.randrange(len(word))
    kind = rng.choice(["insert", "delete", "substitute", "swap"])
    letter = rng.choice(string.ascii_lowercase)
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        other = rng.choice([c for c in string.ascii_lowercase if c != word[i]])
        return word[:i] + other + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def correct(query: str, vocab: list[str], freq: Counter, costs: Costs) -> tuple[str, list[float]]:
    """Nearest vocabulary word (ties: the more frequent), and every distance computed."""
    best, best_key, seen = "", (float("inf"), 0), []
    for word in vocab:
        if abs(len(word) - len(query)) > 2:  # cannot be within 2 edits of unit cost
            continue
        d = edit_distance(query, word, costs)
        seen.append((word, d))
        key = (d, -freq[word])
        if key < best_key:
            best, best_key = word, key
    return best, [d for _, d in seen]


def run(job: TrainRun) -> Path | None:
    """No training steps here: `--steps` sets the number of corrupted words instead."""
    spec = CONFIGS[job.config]
    if job.steps is not None:
        spec = replace(spec, queries=job.steps)
    seed = job.seed
    words = [w.lower() for s in data.brown_sentences("train") for w in s if w.isalpha()]
    freq = Counter(words)
    vocab = [w for w, _ in freq.most_common(spec.vocab)]
    vocab_set = set(vocab)
    valid = Counter(w.lower() for s in data.brown_sentences("valid") for w in s if w.isalpha())
    pool = [w for w, _ in valid.most_common() if w in vocab_set and len(w) >= spec.min_len]
    rng = random.Random(seed)
    targets = rng.sample(pool, min(spec.queries, len(pool)))
    metrics: dict[str, float] = {}
    mismatches = checked = 0
    for name, costs in (("levenshtein", LEVENSHTEIN), ("textbook", TEXTBOOK)):
        qrng = random.Random(seed + 1)  # the same typos for both cost settings
        right = 0
        for word in tqdm(targets, desc=f"correcting ({name} costs)", unit="word"):
            typo = corrupt(word, qrng)
            guess, _ = correct(typo, vocab, freq, costs)
            right += guess == word
            # Spot-check against rapidfuzz on the pair that decided the answer.
            ref = Levenshtein.distance(typo, guess, weights=(1, 1, int(costs.substitution)))
            checked += 1
            mismatches += ref != edit_distance(typo, guess, costs)
        metrics[f"correction_accuracy_{name}"] = right / len(targets)
    metrics["rapidfuzz_mismatches"] = mismatches
    metrics["rapidfuzz_pairs_checked"] = checked
    metrics["intention_execution_textbook"] = align("intention", "execution", TEXTBOOK)[0]
    metrics["intention_execution_levenshtein"] = align("intention", "execution", LEVENSHTEIN)[0]
    metrics["queries"] = len(targets)
    metrics["vocab"] = len(vocab)
    record = {**spec.record(), "corruption": "one of insert/delete/substitute/swap, seeded"}
    paper = (PAPER_METRICS, PAPER_ID)
    path = job.publish(metrics, {}, paper, config=record, data=data.checksums(["brown"]))
    if path is not None:
        read_results(path)
    return path


main = cli.train_main("edit_distance", run, __doc__)


if __name__ == "__main__":
    main()
