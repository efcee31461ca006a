"""The Word2Vec parity suite against gensim, as numbers `tracker repro check word2vec` records.

On a Zipf-distributed synthetic corpus: the vocabulary order, every word's Huffman code and
inner-node path, the subsampling and noise tables, the skip-gram hierarchical-softmax
log-probabilities of 40 sentences for the same weights (the C tool's sigmoid table, float32),
the initial vectors, and the training itself: the weights after one step and after two epochs
(subsampling, dynamic window, decaying α) element by element against gensim's, for skip-gram and
CBOW with hierarchical softmax and with negative sampling, gensim's random choices replayed.
"""

from __future__ import annotations

import numpy as np

from reproductions.word2vec import reference
from reproductions.word2vec.model import (
    Word2Vec,
    huffman_codes,
    keep_probability_ints,
    noise_cum_table,
)

MODES = {
    "skip-gram HS": {"sg": True, "hs": True, "negative": 0},
    "skip-gram NS": {"sg": True, "hs": False, "negative": 5},
    "CBOW HS": {"sg": False, "hs": True, "negative": 0},
    "CBOW NS": {"sg": False, "hs": False, "negative": 5},
}


def zipf_corpus(seed: int = 0, sentences: int = 400, vocab: int = 300) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocab + 1)
    p = (1 / ranks) / (1 / ranks).sum()
    return [
        [f"w{i}" for i in rng.choice(vocab, size=rng.integers(3, 25), p=p)]
        for _ in range(sentences)
    ]


def _exact(name: str, mismatches: int) -> dict:
    return {
        "name": name,
        "dtype": "int",
        "max_abs_diff": float(mismatches),
        "tol": 0.0,
        "passed": mismatches == 0,
    }


def run_checks(quick: bool = True) -> list[dict]:
    checks: list[dict] = []
    for seed in (0,) if quick else (0, 1, 2):
        corpus = zipf_corpus(seed)
        ours = Word2Vec(
            min_count=2, sg=True, hs=True, negative=5, sample=1e-2, window=3, dim=16, seed=seed
        )
        ours.build(corpus)
        ref = reference.gensim_model(corpus, ours)
        checks.append(
            _exact(
                f"vocabulary order (seed {seed})",
                sum(a != b for a, b in zip(ours.vocab.words, ref.wv.index_to_key, strict=True)),
            )
        )
        codes, points = huffman_codes(ours.vocab.counts)
        ref_codes, ref_points = reference.gensim_codes(ref)
        wrong = sum(
            a.tolist() != b.tolist() or c.tolist() != d.tolist()
            for a, b, c, d in zip(codes, ref_codes, points, ref_points, strict=True)
        )
        checks.append(_exact(f"Huffman codes and points (seed {seed})", wrong))
        ref_sample = np.array(
            [ref.wv.get_vecattr(w, "sample_int") for w in ours.vocab.words], dtype=np.int64
        )
        checks.append(
            _exact(
                f"subsampling table (seed {seed})",
                int(np.abs(keep_probability_ints(ours.vocab.counts, 1e-2) - ref_sample).max()),
            )
        )
        checks.append(
            _exact(
                f"noise table (seed {seed})",
                int(
                    np.abs(
                        noise_cum_table(ours.vocab.counts).astype(np.int64) - ref.cum_table
                    ).max()
                ),
            )
        )
        rng = np.random.default_rng(seed)
        ours.vectors[:] = rng.normal(0, 0.8, ours.vectors.shape).astype(np.float32)
        ours.syn1[:] = rng.normal(0, 0.8, ours.syn1.shape).astype(np.float32)
        reference.copy_weights_into_gensim(ours, ref)
        sentences = corpus[:40]
        ref_scores = np.asarray(
            ref.score(sentences, total_sentences=len(sentences)), dtype=np.float64
        )
        ours_scores = np.array([ours.score_sg_hs(s) for s in sentences], dtype=np.float64)
        diff = float(np.abs(ours_scores - ref_scores).max())
        # float32 sums of a few hundred terms of size ~1: a relative 2e-5 of the largest score.
        tol = 2e-5 * float(np.abs(ref_scores).max())
        checks.append(
            {
                "name": f"skip-gram HS log-probability, same weights (seed {seed})",
                "dtype": "float32",
                "max_abs_diff": diff,
                "tol": tol,
                "passed": diff <= tol,
            }
        )
        if seed == 0:
            checks += training_checks(corpus)
    return checks


def training_checks(corpus: list[list[str]]) -> list[dict]:
    """The updated weights against gensim's: one step (tolerance 1e-6) and two epochs (1e-3,
    float32 round-off over ~10,000 updates; the weights move by about 1)."""
    checks = []
    for name, flags in MODES.items():
        for label, train, extra, tol in (
            (
                "one step",
                corpus[:1],
                {"sample": 0, "epochs": 1, "min_alpha": 0.025, "min_count": 1},
                1e-6,
            ),
            (
                "two epochs",
                corpus,
                {"sample": 1e-2, "epochs": 2, "min_alpha": 0.0001, "min_count": 2},
                1e-3,
            ),
        ):
            ours = Word2Vec(**flags, **extra, dim=16, window=3, alpha=0.025, seed=5)
            diffs = reference.train_side_by_side(corpus, train, ours)
            worst = max(v for k, v in diffs.items() if k.endswith("_max_abs_diff"))
            worst = max(worst, diffs["initial_syn0"])
            checks.append(
                {
                    "name": f"{name}: weights after {label} equal gensim's",
                    "dtype": "float32",
                    "max_abs_diff": worst,
                    "tol": tol,
                    "passed": worst <= tol,
                }
            )
    return checks
