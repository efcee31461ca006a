"""The references the seq2seq model is checked against, written independently of `model.py`.

Owns:
- the encoder reference: a bidirectional `torch.nn.GRU` run on packed sequences
  (`pack_padded_sequence`), and copying its weights into our `BiGRU`;
- attention written the straightforward way: Python loops over sentences and source positions,
  a softmax over the real positions only (no -inf masking), and Luong's dot score through
  `torch.nn.functional.scaled_dot_product_attention` with scale 1;
- exhaustive search: every target sequence up to a length, scored by the teacher-forced model.
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .model import AdditiveAttention, BiGRU, LuongAttention, Seq2Seq

# --- encoder ---------------------------------------------------------------------------------


def build_reference_gru(input_size: int, hidden_size: int) -> nn.GRU:
    return nn.GRU(input_size, hidden_size, bidirectional=True, batch_first=True)


def bigru_from_torch(ref: nn.GRU) -> BiGRU:
    """Our BiGRU with `ref`'s weights, dtype and device."""
    p = next(ref.parameters())
    ours = BiGRU(ref.input_size, ref.hidden_size).to(dtype=p.dtype, device=p.device)
    return ours.load_from_torch(ref)


def run_packed_gru(
    ref: nn.GRU, x: torch.Tensor, lengths: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """torch's answer for padded input: (outputs zero at pads, final →h, final ←h)."""
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    out, h_n = ref(packed)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
    return out, h_n[0], h_n[1]


# --- attention, the long way -----------------------------------------------------------------


class LoopAdditiveAttention(nn.Module):
    """e_j = v_a^T tanh(W_a s + U_a h_j), one sentence and one position at a time."""

    def __init__(self, ours: AdditiveAttention) -> None:
        super().__init__()
        self.W_a = nn.Parameter(ours.W_a.weight.detach().clone())
        self.U_a = nn.Parameter(ours.U_a.weight.detach().clone())
        self.v_a = nn.Parameter(ours.v_a.weight.detach()[0].clone())

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        return torch.dot(self.v_a, torch.tanh(self.W_a @ query + self.U_a @ key))

    def forward(self, query, memory, mask):  # type: ignore[no-untyped-def]
        return _loop_attend(self.score, query, memory, mask)


class LoopLuongAttention(nn.Module):
    """score = h_t . h̄_s (dot) or h_t . (W_a h̄_s) (general), one position at a time."""

    def __init__(self, ours: LuongAttention) -> None:
        super().__init__()
        self.general = ours.W_a is not None
        if self.general:
            self.W_a = nn.Parameter(ours.W_a.weight.detach().clone())

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        return torch.dot(query, self.W_a @ key) if self.general else torch.dot(query, key)

    def forward(self, query, memory, mask):  # type: ignore[no-untyped-def]
        return _loop_attend(self.score, query, memory, mask)


def _loop_attend(score, query, memory, mask):  # type: ignore[no-untyped-def]
    """Softmax over the real positions of each sentence only; pads get weight exactly 0."""
    contexts, weights = [], []
    for b in range(query.size(0)):
        real = [j for j in range(memory.size(1)) if bool(mask[b, j])]
        e = torch.stack([score(query[b], memory[b, j]) for j in real])
        a = torch.exp(e - e.max())
        a = a / a.sum()
        row = memory.new_zeros(memory.size(1))
        row[real] = a
        contexts.append(sum(a[i] * memory[b, j] for i, j in enumerate(real)))
        weights.append(row)
    return torch.stack(contexts), torch.stack(weights)


def sdpa_dot_attention(
    query: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """Luong's dot-score context via torch's scaled_dot_product_attention with scale = 1."""
    q = query[:, None, None, :]  # (B, heads=1, L=1, D)
    kv = memory[:, None, :, :]  # (B, 1, S, D)
    out = F.scaled_dot_product_attention(q, kv, kv, attn_mask=mask[:, None, None, :], scale=1.0)
    return out[:, 0, 0]


# --- exhaustive search -----------------------------------------------------------------------


@torch.no_grad()
def exhaustive_search(
    model: Seq2Seq,
    input_ids: torch.Tensor,
    max_len: int,
    length_penalty: float = 1.0,
) -> tuple[list[list[int]], list[float]]:
    """The best sequence per sentence by Σ log p / len^length_penalty over ALL candidates.

    Candidates: w_1..w_n with w_n = EOS and no earlier EOS (n <= max_len), and the sequences of
    exactly max_len non-EOS words. Every candidate is scored by one teacher-forced forward pass
    of the whole sequence (not by stepwise decoding). Pad and BOS are never candidates.
    """
    cfg = model.config
    words = [
        w
        for w in range(cfg.tgt_vocab_size)
        if w not in (cfg.pad_token_id, cfg.bos_token_id, cfg.eos_token_id)
    ]
    candidates = []
    for n in range(1, max_len + 1):
        for prefix in itertools.product(words, repeat=n - 1):
            candidates.append([*prefix, cfg.eos_token_id])
    candidates += [list(p) for p in itertools.product(words, repeat=max_len)]
    best_tokens, best_scores = [], []
    for b in range(input_ids.size(0)):
        src = input_ids[b : b + 1]
        src = src[:, : int((src != cfg.pad_token_id).sum())]  # this sentence alone, unpadded
        scored = []
        for n in range(1, max_len + 1):  # one teacher-forced batch per candidate length
            group = [c for c in candidates if len(c) == n]
            labels = torch.tensor(group)  # (N, n)
            bos = torch.full((len(group), 1), cfg.bos_token_id)
            dec_in = torch.cat([bos, labels[:, :-1]], dim=1)
            logits = model(src.expand(len(group), -1), decoder_input_ids=dec_in).logits
            logp = torch.log_softmax(logits, dim=-1).gather(2, labels[:, :, None])[..., 0]
            for cand, total in zip(group, logp.sum(1).tolist(), strict=True):
                scored.append((total / n**length_penalty, cand))
        score, tokens = max(scored, key=lambda item: item[0])
        best_tokens.append(tokens)
        best_scores.append(score)
    return best_tokens, best_scores
