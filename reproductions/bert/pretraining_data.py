"""Pre-training examples for BERT and ALBERT: masked tokens and sentence-pair labels.

Owns the data side of the two pre-training tasks. Masked LM (BERT Section 3.1, Task #1):
15% of the real tokens are chosen; of those 80% become [MASK], 10% a random token, 10% stay
as they are, and only chosen positions carry a label. Sentence pairs: BERT's next-sentence
prediction (Task #2: B follows A half the time, label 0 "IsNext"; otherwise B is a sentence
from another document, label 1 "NotNext") and ALBERT's sentence-order prediction (Section
4.6: two consecutive segments, label 1 when their order is swapped). Everything is drawn
from a generator seeded by (seed, step), so a batch depends only on its step.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

Document = list[list[int]]  # sentences of token ids (no special tokens)

IGNORE_INDEX = -100


@dataclass
class SpecialIds:
    cls: int
    sep: int
    pad: int
    mask: int
    vocab_size: int


def encode_documents(documents: Sequence[Sequence[str]], tokenize) -> list[Document]:
    """Each document (a list of sentence strings) as lists of token ids; empty ones dropped."""
    out = []
    for doc in documents:
        sentences = [tokenize(s) for s in doc]
        sentences = [s for s in sentences if s]
        if len(sentences) >= 2:
            out.append(sentences)
    return out


def pack_pair(
    a: list[int], b: list[int], max_len: int, ids: SpecialIds
) -> tuple[list[int], list[int]]:
    """``[CLS] A [SEP] B [SEP]`` with segment ids, trimming the longer segment first."""
    a, b = list(a), list(b)
    while len(a) + len(b) > max_len - 3:
        if len(a) >= len(b):
            a.pop()
        else:
            b.pop()
    tokens = [ids.cls, *a, ids.sep, *b, ids.sep]
    types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
    return tokens, types


def nsp_pair(docs: Sequence[Document], rng: random.Random) -> tuple[list[int], list[int], int]:
    """(A, B, label): label 0 when B is the sentence after A, 1 when B is from another document."""
    d = rng.randrange(len(docs))
    i = rng.randrange(len(docs[d]) - 1)
    a = docs[d][i]
    if rng.random() < 0.5:
        return a, docs[d][i + 1], 0
    other = rng.randrange(len(docs) - 1)
    other += other >= d  # any document but this one
    return a, rng.choice(docs[other]), 1


def sop_pair(docs: Sequence[Document], rng: random.Random) -> tuple[list[int], list[int], int]:
    """(A, B, label): two consecutive sentences, label 1 when they are given in swapped order."""
    d = rng.randrange(len(docs))
    i = rng.randrange(len(docs[d]) - 1)
    first, second = docs[d][i], docs[d][i + 1]
    if rng.random() < 0.5:
        return first, second, 0
    return second, first, 1


def mask_tokens(
    input_ids: torch.Tensor,
    maskable: torch.Tensor,
    ids: SpecialIds,
    generator: torch.Generator,
    probability: float = 0.15,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's 80/10/10 masking. Returns (corrupted ids, labels with -100 where not chosen).

    ``maskable`` is True on real tokens (not [CLS]/[SEP]/[PAD]); only those can be chosen.
    """
    chosen = (torch.rand(input_ids.shape, generator=generator) < probability) & maskable
    labels = torch.where(chosen, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    roll = torch.rand(input_ids.shape, generator=generator)
    to_mask = chosen & (roll < 0.8)
    to_random = chosen & (roll >= 0.8) & (roll < 0.9)  # the last 10% keep their token
    random_ids = torch.randint(ids.vocab_size, input_ids.shape, generator=generator)
    corrupted = torch.where(to_mask, torch.full_like(input_ids, ids.mask), input_ids)
    corrupted = torch.where(to_random, random_ids, corrupted)
    return corrupted, labels


def pair_batch(
    docs: Sequence[Document],
    task: str,
    batch_size: int,
    max_len: int,
    ids: SpecialIds,
    *,
    seed: int,
    step: int,
    mask_probability: float = 0.15,
) -> dict[str, torch.Tensor]:
    """One padded batch for MLM + NSP (``task="nsp"``) or MLM + SOP (``task="sop"``)."""
    if task not in ("nsp", "sop"):
        raise ValueError(f"task must be 'nsp' or 'sop', not {task!r}")
    rng = random.Random(f"{seed}:{step}:{task}")
    make = nsp_pair if task == "nsp" else sop_pair
    rows, types, labels = [], [], []
    for _ in range(batch_size):
        a, b, label = make(docs, rng)
        tokens, segment = pack_pair(a, b, max_len, ids)
        rows.append(tokens)
        types.append(segment)
        labels.append(label)
    T = max(len(r) for r in rows)
    input_ids = torch.full((batch_size, T), ids.pad)
    token_type_ids = torch.zeros(batch_size, T, dtype=torch.long)
    attention_mask = torch.zeros(batch_size, T, dtype=torch.long)
    for k, (r, s) in enumerate(zip(rows, types, strict=True)):
        input_ids[k, : len(r)] = torch.tensor(r)
        token_type_ids[k, : len(s)] = torch.tensor(s)
        attention_mask[k, : len(r)] = 1
    maskable = attention_mask.bool() & (input_ids != ids.cls) & (input_ids != ids.sep)
    # arithmetic, not hash(): str hashing is salted per process and would break resumption
    generator = torch.Generator().manual_seed(
        (seed * 1_000_003 + 2 * step + (task == "sop")) % 2**62
    )
    corrupted, mlm_labels = mask_tokens(input_ids, maskable, ids, generator, mask_probability)
    return {
        "input_ids": corrupted,
        "token_type_ids": token_type_ids,
        "attention_mask": attention_mask,
        "labels": mlm_labels,
        "pair_label": torch.tensor(labels),
    }
