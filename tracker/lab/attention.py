"""Attention maps of all-MiniLM-L6-v2 (real weights) through our own `reproductions.bert.BertModel`.

Owns reading the attention probabilities out of our model (a forward hook on each
`BertSelfAttention` takes its input and recomputes softmax(QK^T/sqrt(d_k) + mask) with that
module's own `query`/`key` weights: the model itself uses fused SDPA and never materialises
them), what each head mostly attends to, and the attention mass on [CLS] and [SEP] per layer.
The test holds these maps equal to Hugging Face's `output_attentions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

MARKS = ("cls", "sep", "prev", "next", "self", "same_word")


@dataclass
class AttentionRun:
    tokens: list[str]
    attentions: np.ndarray  # (L, A, T, T): row = query token, column = key token, rows sum to 1
    word_ids: list[int]  # which word each token belongs to ([CLS]/[SEP] get their own)

    @property
    def layers(self) -> int:
        return self.attentions.shape[0]

    @property
    def heads(self) -> int:
        return self.attentions.shape[1]


def load_minilm() -> tuple[Any, Any]:
    """(our BertModel with the MiniLM weights, its WordPiece tokenizer), offline."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from reproductions.bert.reference import bert_model_from_hf, load_local_bert
    from reproductions.bert.tokenizer import WordPieceTokenizer
    from reproductions.common import data

    folder = data.minilm_dir()
    ours = bert_model_from_hf(load_local_bert(folder)).eval()
    return ours, WordPieceTokenizer.from_vocab_file(folder / "vocab.txt")


def attention_probs(model: Any, input_ids: Any, attention_mask: Any = None) -> Any:
    """(L, B, A, T, T) attention probabilities of our BertModel for a batch."""
    import torch

    captured: list[tuple[Any, Any]] = []

    def keep_inputs(module: Any, args: tuple[Any, ...]) -> None:
        captured.append((module, args))

    handles = [
        layer.attention.self.register_forward_pre_hook(keep_inputs) for layer in model.encoder.layer
    ]
    try:
        with torch.no_grad():
            model(input_ids, torch.zeros_like(input_ids), attention_mask)
            maps = []
            for module, (x, mask) in captured:
                B, T, _ = x.shape
                q = module.query(x).view(B, T, module.n_head, module.head_dim).transpose(1, 2)
                k = module.key(x).view(B, T, module.n_head, module.head_dim).transpose(1, 2)
                scores = q @ k.transpose(-1, -2) / math.sqrt(module.head_dim)  # (B, nh, T, T)
                if mask is not None:  # (B, 1, 1, T) boolean, True on real keys
                    scores = scores.masked_fill(~mask, float("-inf"))
                maps.append(torch.softmax(scores, dim=-1))
    finally:
        for handle in handles:
            handle.remove()
    return torch.stack(maps)


def word_ids(tokens: list[str]) -> list[int]:
    """Word index per WordPiece token: a `##` piece continues the word before it."""
    ids, current = [], -1
    for token in tokens:
        if not token.startswith("##") or current < 0:
            current += 1
        ids.append(current)
    return ids


def run_sentence(model: Any, tokenizer: Any, sentence: str, max_tokens: int = 64) -> AttentionRun:
    """One sentence through the model: its tokens and every layer × head map."""
    import torch

    ids = tokenizer.encode(sentence).input_ids
    if len(ids) > max_tokens:
        ids = ids[: max_tokens - 1] + [tokenizer.sep_id]
    tokens = tokenizer.convert_ids_to_tokens(ids)
    from tracker.lab import one_thread

    with one_thread():
        probs = attention_probs(model, torch.tensor([ids]))[:, 0]  # (L, A, T, T)
    return AttentionRun(tokens, probs.double().numpy(), word_ids(tokens))


def mark_masses(run: AttentionRun) -> np.ndarray:
    """(L, A, len(MARKS)): mean attention per query token on each kind of key.

    cls/sep: the special tokens; prev/next/self: the key one before, one after, or the query
    itself; same_word: the other pieces of the query's own word (0 where no word is split).
    """
    T = len(run.tokens)
    masks = np.zeros((len(MARKS), T, T))
    cls = [i for i, t in enumerate(run.tokens) if t == "[CLS]"]
    sep = [i for i, t in enumerate(run.tokens) if t == "[SEP]"]
    masks[0][:, cls] = 1
    masks[1][:, sep] = 1
    masks[2] = np.eye(T, k=-1)
    masks[3] = np.eye(T, k=1)
    masks[4] = np.eye(T)
    w = np.array(run.word_ids)
    masks[5] = (w[:, None] == w[None, :]) & ~np.eye(T, dtype=bool)
    # (L, A, T, T) · (M, T, T) summed over keys, averaged over queries
    return np.einsum("lhqk,mqk->lhm", run.attentions, masks) / T


def head_marks(run: AttentionRun, threshold: float = 0.4) -> list[list[str]]:
    """Per layer and head, the kind of key taking the most attention (or "broad" below threshold)."""
    masses = mark_masses(run)
    out = []
    for layer in masses:
        row = []
        for head in layer:
            best = int(head.argmax())
            row.append(MARKS[best] if head[best] >= threshold else "broad")
        out.append(row)
    return out


def cls_mass_per_layer(run: AttentionRun) -> dict[str, list[float]]:
    """Mean attention on [CLS] and on [SEP] per layer (over heads and query tokens)."""
    masses = mark_masses(run)  # (L, A, M)
    return {
        "cls": [float(x) for x in masses[:, :, 0].mean(axis=1)],
        "sep": [float(x) for x in masses[:, :, 1].mean(axis=1)],
    }
