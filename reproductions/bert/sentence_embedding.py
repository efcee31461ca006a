"""Sentence embeddings the sentence-transformers way: attention-mask-weighted mean, L2-normalised.

Owns turning sentences into vectors with our BERT and our tokenizer (all-MiniLM-L6-v2 was
trained for exactly this pooling), used by the real-weights checks and the feature-based
sentiment baseline.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .model import BertModel
from .tokenizer import WordPieceTokenizer


def batch_encode(
    tokenizer: WordPieceTokenizer, texts: Sequence[str], max_len: int = 128
) -> dict[str, torch.Tensor]:
    """Padded ``input_ids``/``token_type_ids``/``attention_mask`` for single sentences."""
    rows = []
    for text in texts:
        ids = tokenizer.encode(text).input_ids
        if len(ids) > max_len:
            ids = ids[: max_len - 1] + [tokenizer.sep_id]
        rows.append(ids)
    T = max(len(r) for r in rows)
    input_ids = torch.full((len(rows), T), tokenizer.pad_id)
    mask = torch.zeros(len(rows), T, dtype=torch.long)
    for i, r in enumerate(rows):
        input_ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return {
        "input_ids": input_ids,
        "token_type_ids": torch.zeros_like(input_ids),
        "attention_mask": mask,
    }


def mean_pool(
    hidden: torch.Tensor, attention_mask: torch.Tensor, normalize: bool = True
) -> torch.Tensor:
    """sum_t m_t h_t / sum_t m_t over real tokens, then unit length (cosine = dot product)."""
    m = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return F.normalize(pooled, dim=-1) if normalize else pooled


@torch.no_grad()
def embed(
    model: BertModel,
    tokenizer: WordPieceTokenizer,
    texts: Sequence[str],
    batch_size: int = 64,
    normalize: bool = True,
) -> torch.Tensor:
    """(N, H) sentence embeddings."""
    out = []
    for start in range(0, len(texts), batch_size):
        enc = batch_encode(tokenizer, texts[start : start + batch_size])
        h = model(enc["input_ids"], enc["token_type_ids"], enc["attention_mask"]).last_hidden_state
        out.append(mean_pool(h, enc["attention_mask"], normalize))
    return torch.cat(out)
