"""Masked-LM corruption proportions and NSP/SOP pair construction."""

from __future__ import annotations

import random

import torch

from reproductions.bert.pretraining_data import (
    SpecialIds,
    mask_tokens,
    nsp_pair,
    pack_pair,
    pair_batch,
    sop_pair,
)

IDS = SpecialIds(cls=2, sep=3, pad=0, mask=4, vocab_size=1000)


def _docs(n_docs: int = 40, n_sent: int = 6) -> list[list[list[int]]]:
    # Sentence tokens encode (document, position) so pairs can be traced back.
    return [[[1000 + 100 * d + s] * 3 for s in range(n_sent)] for d in range(n_docs)]


def test_masking_picks_15_percent_then_80_10_10():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(10, IDS.vocab_size, (400, 250), generator=g)
    maskable = torch.ones_like(ids, dtype=torch.bool)
    corrupted, labels = mask_tokens(ids, maskable, IDS, g)
    chosen = labels != -100
    n = int(chosen.sum())
    assert abs(n / ids.numel() - 0.15) < 0.005
    as_mask = int((corrupted[chosen] == IDS.mask).sum()) / n
    unchanged = int((corrupted[chosen] == ids[chosen]).sum()) / n
    other = 1 - as_mask - unchanged
    assert abs(as_mask - 0.80) < 0.01
    assert abs(unchanged - 0.10) < 0.01  # (plus the ~0.1% of random draws that hit the same id)
    assert abs(other - 0.10) < 0.01
    assert torch.equal(labels[chosen], ids[chosen])
    assert torch.equal(corrupted[~chosen], ids[~chosen])


def test_special_and_padding_positions_are_never_chosen():
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(10, IDS.vocab_size, (200, 50), generator=g)
    maskable = torch.rand(200, 50, generator=g) < 0.5
    corrupted, labels = mask_tokens(ids, maskable, IDS, g)
    assert bool((labels[~maskable] == -100).all())
    assert torch.equal(corrupted[~maskable], ids[~maskable])


def _sampled_pairs(sample, seed: int) -> list[tuple[int, int, int, int, int]]:
    """2,000 pairs from `sample(docs, rng)` as (doc a, sentence a, doc b, sentence b, label)."""
    docs = _docs()
    rng = random.Random(seed)
    pairs = []
    for _ in range(2000):
        a, b, label = sample(docs, rng)
        pairs.append((*divmod(a[0] - 1000, 100), *divmod(b[0] - 1000, 100), label))
    return pairs


def _assert_labels_balanced(pairs: list[tuple[int, int, int, int, int]]) -> None:
    labels = [label for *_, label in pairs]
    assert abs(sum(labels) / len(labels) - 0.5) < 0.04


def test_nsp_positive_is_the_next_sentence_and_negative_another_document():
    pairs = _sampled_pairs(nsp_pair, seed=0)
    for da, sa, db, sb, label in pairs:
        if label == 0:
            assert (db, sb) == (da, sa + 1)
        else:
            assert db != da
    _assert_labels_balanced(pairs)


def test_sop_uses_consecutive_sentences_and_label_marks_the_swap():
    pairs = _sampled_pairs(sop_pair, seed=1)
    for da, sa, db, sb, label in pairs:
        assert da == db
        assert sb == sa + 1 if label == 0 else sa == sb + 1
    _assert_labels_balanced(pairs)


def test_pack_pair_adds_specials_segments_and_trims_longer_side():
    tokens, types = pack_pair([7] * 10, [8] * 3, 12, IDS)
    assert len(tokens) == 12
    assert tokens[0] == IDS.cls and tokens[-1] == IDS.sep and tokens.count(IDS.sep) == 2
    assert tokens.count(8) == 3 and tokens.count(7) == 6
    assert types == [0] * 8 + [1] * 4


def test_pair_batch_is_a_function_of_the_step():
    docs = _docs()
    one = pair_batch(docs, "sop", 8, 16, IDS, seed=3, step=5)
    two = pair_batch(docs, "sop", 8, 16, IDS, seed=3, step=5)
    other = pair_batch(docs, "sop", 8, 16, IDS, seed=3, step=6)
    assert all(torch.equal(one[k], two[k]) for k in one)
    assert not torch.equal(one["input_ids"], other["input_ids"])
    assert one["attention_mask"].shape == one["input_ids"].shape
