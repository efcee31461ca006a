"""Learnability: each pre-training model learns a small task it can only learn if its gradient,
masks and losses are right. Seconds each, CPU; every threshold is far above chance.

- BERT: next-sentence prediction on synthetic documents with disjoint vocabularies (a sentence
  from another document shares no token with A), through the real pair-batch pipeline.
- ALBERT: sentence-order prediction on two-sentence documents whose opening and closing
  sentences draw on different words, so the order is decidable from the pair alone.
- GPT-2: copying the first half of a sequence into the second, scored by greedy generation
  (a causal mask that leaks the future trains fine under teacher forcing and then fails here).
"""

from __future__ import annotations

import random

import torch

from reproductions.albert.model import AlbertConfig, AlbertForPreTraining
from reproductions.bert.model import BertConfig, BertForPreTraining
from reproductions.bert.pretraining_data import SpecialIds, pair_batch
from reproductions.bert.train import pretraining_forward
from reproductions.gpt2.model import GPT2Config, GPT2LMHeadModel
from tests.helpers.training import adam_steps

FIRST = 4  # ids below are special: pad 0, [CLS] 1, [SEP] 2, [MASK] 3
# The encoder both pair-task models share: 2 layers of 64, 2 heads, pairs up to 24 tokens.
TINY_ENCODER = dict(
    hidden_size=64,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=128,
    max_position_embeddings=24,
)
# Tiny matrices: one thread is faster than two contending ones on a shared machine.
torch.set_num_threads(1)


def _docs_disjoint(n_docs: int, words: int, sentences: int, seed: int) -> list[list[list[int]]]:
    rng = random.Random(seed)
    docs = []
    for d in range(n_docs):
        vocab = list(range(FIRST + d * words, FIRST + (d + 1) * words))
        docs.append([[rng.choice(vocab) for _ in range(6)] for _ in range(sentences)])
    return docs


def _docs_two_part(n_docs: int, seed: int) -> list[list[list[int]]]:
    # Every document is an opening sentence (words of set X) then a closing one (set Y): in order
    # segment A holds X words, swapped it holds Y words, so the order is decidable from the pair
    # and the segment ids alone.
    rng = random.Random(seed)
    opening = list(range(FIRST, FIRST + 8))
    closing = list(range(FIRST + 8, FIRST + 16))
    return [
        [[rng.choice(opening) for _ in range(5)], [rng.choice(closing) for _ in range(5)]]
        for _ in range(n_docs)
    ]


def _train_pairs(model, docs, task: str, ids: SpecialIds, steps: int, lr: float) -> None:
    def loss_at(step: int) -> torch.Tensor:
        return pretraining_forward(
            model, pair_batch(docs, task, 32, 20, ids, seed=0, step=step)
        ).loss

    adam_steps(model, loss_at, steps, lr)


@torch.no_grad()
def _pair_accuracy(model, docs, task: str, ids: SpecialIds) -> tuple[float, float]:
    """(accuracy, largest share predicted for one class) on 512 held-out pairs."""
    right = total = ones = 0
    for k in range(8):
        b = pair_batch(docs, task, 64, 20, ids, seed=99, step=k)
        out = model(b["input_ids"], b["token_type_ids"], b["attention_mask"])
        logits = getattr(out, "seq_relationship_logits", None)
        logits = out.sop_logits if logits is None else logits
        pred = logits.argmax(-1)
        right += int((pred == b["pair_label"]).sum())
        ones += int(pred.sum())
        total += len(pred)
    return right / total, max(ones, total - ones) / total


def test_bert_learns_next_sentence_prediction_on_disjoint_vocabularies() -> None:
    torch.manual_seed(0)
    n_docs, words = 4, 6
    vocab = FIRST + n_docs * words
    ids = SpecialIds(1, 2, 0, 3, vocab)
    cfg = BertConfig(
        vocab_size=vocab,
        **TINY_ENCODER,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    model = BertForPreTraining(cfg)
    _train_pairs(model, _docs_disjoint(n_docs, words, 10, seed=0), "nsp", ids, steps=300, lr=1e-3)
    # held-out documents drawn afresh over the same vocabulary blocks
    acc, top_share = _pair_accuracy(model, _docs_disjoint(n_docs, words, 10, seed=1), "nsp", ids)
    assert acc > 0.9, f"NSP accuracy {acc:.3f}"
    assert top_share < 0.9  # not a constant head


def test_albert_learns_sentence_order_of_two_part_documents() -> None:
    torch.manual_seed(0)
    vocab = FIRST + 16
    ids = SpecialIds(1, 2, 0, 3, vocab)
    cfg = AlbertConfig(
        vocab_size=vocab, embedding_size=32, **TINY_ENCODER, classifier_dropout_prob=0.0
    )
    model = AlbertForPreTraining(cfg)
    _train_pairs(model, _docs_two_part(40, seed=0), "sop", ids, steps=300, lr=1e-3)
    acc, top_share = _pair_accuracy(model, _docs_two_part(40, seed=1), "sop", ids)
    assert acc > 0.9, f"SOP accuracy {acc:.3f}"
    assert top_share < 0.9


def test_gpt2_learns_to_copy_and_generates_the_copy() -> None:
    torch.manual_seed(0)
    V, half = 12, 6
    cfg = GPT2Config(
        vocab_size=V, n_positions=2 * half, n_embd=32, n_layer=2, n_head=2,
        embd_pdrop=0.0, resid_pdrop=0.0, attn_pdrop=0.0,
    )  # fmt: skip
    model = GPT2LMHeadModel(cfg)
    g = torch.Generator().manual_seed(0)

    def loss_at(_: int) -> torch.Tensor:
        first = torch.randint(0, V, (32, half), generator=g)
        seq = torch.cat([first, first], dim=1)
        labels = seq.clone()
        labels[:, :half] = -100  # only the copy is scored
        return model(seq, labels=labels).loss

    adam_steps(model, loss_at, 300, lr=3e-3)
    first = torch.randint(0, V, (64, half), generator=g)
    out = model.generate(first, max_new_tokens=half)[:, half:]
    exact = (out == first).all(dim=1).float().mean()
    assert exact > 0.9, f"only {exact:.0%} of held-out sequences copied exactly"
