"""Word2Vec checked against gensim: vocabulary, Huffman codes and points, subsampling and noise
tables, hierarchical-softmax scores for the same weights, and the stable command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reproductions.word2vec.model import (
    Word2Vec,
    huffman_codes,
    keep_probability_ints,
    noise_cum_table,
)
from reproductions.word2vec.reference import copy_weights_into_gensim, gensim_codes, gensim_model

REPO = Path(__file__).resolve().parents[2]


def zipf_corpus(seed: int = 0, sentences: int = 400, vocab: int = 300) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocab + 1)
    p = (1 / ranks) / (1 / ranks).sum()
    return [
        [f"w{i}" for i in rng.choice(vocab, size=rng.integers(3, 25), p=p)]
        for _ in range(sentences)
    ]


@pytest.fixture(scope="module")
def corpus() -> list[list[str]]:
    return zipf_corpus()


def test_vocabulary_order_matches_gensim(corpus: list[list[str]]) -> None:
    ours = Word2Vec(min_count=3, hs=True, negative=0)
    ours.build(corpus)
    ref = gensim_model(corpus, ours)
    assert ours.vocab.words == ref.wv.index_to_key
    assert ours.vocab.counts.tolist() == [ref.wv.get_vecattr(w, "count") for w in ours.vocab.words]


def test_huffman_codes_and_points_match_gensim(corpus: list[list[str]]) -> None:
    ours = Word2Vec(min_count=1, hs=True, negative=0)
    ours.build(corpus)
    ref = gensim_model(corpus, ours)
    codes, points = huffman_codes(ours.vocab.counts)
    ref_codes, ref_points = gensim_codes(ref)
    for word, a, b, c, d in zip(
        ours.vocab.words, codes, ref_codes, points, ref_points, strict=True
    ):
        assert a.tolist() == b.tolist(), word
        assert c.tolist() == d.tolist(), word


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=2, max_size=60))
def test_huffman_codes_match_gensim_for_any_counts_with_ties(counts: list[int]) -> None:
    from gensim.models.keyedvectors import KeyedVectors
    from gensim.models.word2vec import _assign_binary_codes

    counts = sorted(counts, reverse=True)
    kv = KeyedVectors(vector_size=2)
    kv.index_to_key = [f"w{i}" for i in range(len(counts))]
    kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
    kv.allocate_vecattrs(attrs=["count"], types=[np.int64])
    for word, count in zip(kv.index_to_key, counts, strict=True):
        kv.set_vecattr(word, "count", count)
    _assign_binary_codes(kv)
    codes, points = huffman_codes(np.array(counts))
    for i, word in enumerate(kv.index_to_key):
        assert codes[i].tolist() == list(kv.get_vecattr(word, "code"))
        assert points[i].tolist() == list(kv.get_vecattr(word, "point"))


def test_frequent_words_sit_near_the_root(corpus: list[list[str]]) -> None:
    ours = Word2Vec(min_count=1, hs=True, negative=0)
    ours.build(corpus)
    lengths = ours.codelens
    assert lengths[0] <= lengths[len(lengths) // 2] <= lengths[-1]
    # A Huffman code is optimal: the expected code length is within 1 bit of the entropy.
    p = ours.vocab.counts / ours.vocab.counts.sum()
    expected = float((p * lengths).sum())
    entropy = float(-(p * np.log2(p)).sum())
    assert entropy <= expected < entropy + 1


def test_subsampling_and_noise_tables_match_gensim(corpus: list[list[str]]) -> None:
    ours = Word2Vec(min_count=2, sample=1e-2, negative=5)
    ours.build(corpus)
    ref = gensim_model(corpus, ours)
    ref_sample = np.array(
        [ref.wv.get_vecattr(w, "sample_int") for w in ours.vocab.words], dtype=np.int64
    )
    assert (ref_sample < 2**32 - 1).sum() >= 5, "the test must subsample some words"
    np.testing.assert_array_equal(
        keep_probability_ints(ours.vocab.counts, 1e-2).astype(np.int64), ref_sample
    )
    np.testing.assert_array_equal(noise_cum_table(ours.vocab.counts), ref.cum_table)


@pytest.mark.parametrize("exact", [False, True])
def test_hierarchical_softmax_scores_match_gensim_for_the_same_weights(
    corpus: list[list[str]], exact: bool
) -> None:
    ours = Word2Vec(min_count=2, sg=True, hs=True, negative=0, window=3, seed=3, dim=16)
    ours.build(corpus)
    rng = np.random.default_rng(0)
    # Weights large enough that many dot products leave the table's ±6 range.
    ours.vectors[:] = rng.normal(0, 0.8, ours.vectors.shape).astype(np.float32)
    ours.syn1[:] = rng.normal(0, 0.8, ours.syn1.shape).astype(np.float32)
    ours.config.exact_sigmoid = exact
    ref = gensim_model(corpus, ours)
    copy_weights_into_gensim(ours, ref)
    sentences = corpus[:40]
    ref_scores = ref.score(sentences, total_sentences=len(sentences))
    ours_scores = np.array([ours.score_sg_hs(s) for s in sentences], dtype=np.float32)
    if exact:
        # The exact form is Σ log σ(±v'·h) over every pair and path node, written out in numpy.
        expected = []
        for sentence in sentences:
            ids = [ours.vocab.index[w] for w in sentence if w in ours.vocab.index]
            total = 0.0
            for i, word in enumerate(ids):
                for j in range(max(0, i - 3), min(len(ids), i + 4)):
                    if j == i:
                        continue
                    for b in range(ours.codelens[word]):
                        f = float(
                            ours.vectors[ids[j]].astype(np.float64)
                            @ ours.syn1[ours.points[word, b]]
                        )
                        sign = -1.0 if ours.codes[word, b] else 1.0
                        total += -np.log1p(np.exp(-sign * f))
            expected.append(total)
        np.testing.assert_allclose(ours_scores, expected, rtol=1e-4)
        assert not np.allclose(ours_scores, ref_scores, rtol=1e-3), "the table drops |f| ≥ 6 terms"
    else:
        np.testing.assert_allclose(ours_scores, ref_scores, rtol=2e-5, atol=1e-3)


def test_trained_vectors_learn_the_corpus_structure() -> None:
    # Two disjoint "topics": words co-occur only within their topic.
    rng = np.random.default_rng(1)
    topic_a = [f"a{i}" for i in range(20)]
    topic_b = [f"b{i}" for i in range(20)]
    sentences = [list(rng.choice(topic_a if k % 2 else topic_b, size=10)) for k in range(3000)]
    for sg in (True, False):
        model = Word2Vec(sg=sg, negative=5, min_count=1, dim=20, epochs=3, workers=2, sample=0)
        model.fit(sentences, progress=False)
        v = model.vectors / np.linalg.norm(model.vectors, axis=1, keepdims=True)
        idx = model.vocab.index
        within = np.mean([v[idx["a1"]] @ v[idx[f"a{i}"]] for i in range(2, 20)])
        across = np.mean([v[idx["a1"]] @ v[idx[f"b{i}"]] for i in range(20)])
        assert within > across + 0.3, (sg, within, across)


def test_command_line_writes_vectors_gensim_loads(tmp_path: Path) -> None:
    from gensim.models import KeyedVectors

    corpus = tmp_path / "corpus.txt"
    corpus.write_text(
        "\n".join(" ".join(s) for s in zipf_corpus(seed=2, sentences=300)) + "\n", encoding="utf-8"
    )
    out = tmp_path / "vectors.txt"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "reproductions.word2vec.train",
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--sg",
            "1",
            "--hs",
            "1",
            "--negative",
            "0",
            "--window",
            "3",
            "--dim",
            "12",
            "--epochs",
            "2",
            "--min-count",
            "2",
            "--sample",
            "0",
            "--workers",
            "2",
            "--seed",
            "7",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    vectors = KeyedVectors.load_word2vec_format(str(out), binary=False)
    assert vectors.vector_size == 12
    assert vectors.index_to_key[0] == "w0"
    assert np.isfinite(vectors.vectors).all()
