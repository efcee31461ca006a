"""Attention heatmaps: the alignment a trained model learned (Bahdanau et al. 2015, Fig. 3).

Owns:
- `greedy_attention`: greedy decoding of one source sentence through `Seq2Seq.greedy` (the
  same path as the test BLEU, so the same output tokens), returning the attention matrix
  (output steps x source positions) and the output ids;
- `pick_sentences`: the test verses to draw, chosen deterministically (the first short ones
  without unknown source words);
- `align_sentence`: tokens and the matrix rounded for a results file;
- `plot_attention`: one PNG per attention arm, one panel per sentence.
"""

from __future__ import annotations

from pathlib import Path

import torch

from reproductions.common.results import pyplot, save_figure
from reproductions.transformer.train import UNK, Vocab

from .model import Seq2Seq

DECIMALS = 3


def greedy_attention(
    model: Seq2Seq,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor | None = None,
    max_new_tokens: int = 50,
) -> tuple[torch.Tensor, list[int]]:
    """Greedy-decode one sentence; (weights (T, S), output ids of length T).

    `input_ids` is (S,) or (1, S), optionally padded with `attention_mask` marking real
    positions. Row t holds the weights α_tj with which output token t was produced: each row
    sums to 1 over the real source positions and is zero at padded ones. The last output id is
    EOS unless decoding was cut at `max_new_tokens`.
    """
    ids = input_ids if input_ids.dim() == 2 else input_ids[None]
    if ids.size(0) != 1:
        raise ValueError(f"one sentence at a time, not a batch of {ids.size(0)}")
    mask = attention_mask
    if mask is not None and mask.dim() == 1:
        mask = mask[None]
    device = next(model.parameters()).device
    out = model.greedy(
        ids.to(device),
        None if mask is None else mask.to(device),
        max_new_tokens=max_new_tokens,
        return_attention=True,
    )
    assert out.attentions is not None
    return out.attentions[0].detach().cpu(), out.tokens[0]


def pick_sentences(
    pairs: list[tuple[str, str]],
    vocab: Vocab,
    n: int = 2,
    min_tokens: int = 8,
    max_tokens: int = 15,
) -> list[tuple[str, str]]:
    """The first `n` pairs whose source has `min_tokens`..`max_tokens` tokens (EOS included) and
    no unknown word; if there are too few, the first in that range with unknown words."""
    fits = [p for p in pairs if min_tokens <= len(vocab.encode(p[0])) <= max_tokens]
    known = [p for p in fits if UNK not in vocab.encode(p[0])]
    return (known + [p for p in fits if p not in known])[:n]


def align_sentence(
    model: Seq2Seq, vocab: Vocab, source: str, cap: int, reference: str | None = None
) -> dict:
    """`{"en", "es", "source", "output", "weights"}`: the tokens the model saw (`<unk>` for
    unknown words, `</s>` for EOS), its greedy output tokens, and the attention matrix
    (len(output) rows x len(source) columns) rounded to `DECIMALS` places."""
    ids = vocab.encode(source)[:cap]
    weights, out = greedy_attention(model, torch.tensor(ids), max_new_tokens=cap)
    record: dict = {"en": source}
    if reference is not None:
        record["es"] = reference
    return record | {
        "source": [vocab.itos[i] for i in ids],
        "output": [vocab.itos[i] for i in out],
        "weights": [[round(float(w), DECIMALS) for w in row] for row in weights.tolist()],
    }


def plot_attention(alignments: list[dict], out_png: Path, title: str) -> Path:
    """One panel per sentence, stacked: source tokens along x, output tokens down y, the
    weight as grey level (white = 1, as in Bahdanau et al.'s Fig. 3), one colour bar each; the
    reference translation above each panel when the alignment has one."""
    plt = pyplot()
    if not alignments:
        raise ValueError("no sentences to plot")
    widest = max(len(a["source"]) for a in alignments)
    rows = [max(1, len(a["output"])) for a in alignments]
    fig, axes = plt.subplots(
        len(alignments),
        1,
        figsize=(max(5.0, 0.38 * widest + 2.6), 0.3 * sum(rows) + 2.2 * len(alignments)),
        gridspec_kw={"height_ratios": rows},
        squeeze=False,
    )
    for ax, a in zip(axes[:, 0], alignments, strict=True):
        image = ax.imshow(
            a["weights"] if a["output"] else [[0.0] * len(a["source"])],
            cmap="gray",
            vmin=0.0,
            vmax=1.0,
            aspect="auto",
            interpolation="nearest",
        )
        ax.set_xticks(range(len(a["source"])), a["source"], rotation=90, fontsize=8)
        ax.set_yticks(range(len(a["output"])), a["output"], fontsize=8)
        ax.set_xlabel("source (English)", fontsize=8)
        ax.set_ylabel("output (greedy)", fontsize=8)
        fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        if "es" in a:
            ax.set_title(f"reference: {a['es']}", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, out_png)
