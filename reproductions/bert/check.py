"""The BERT parity suite: our model against Hugging Face's, number by number.

Owns ``run_checks`` (what CI and ``tracker repro check bert`` run) and ``pretraining_parity``,
the comparison loop that ALBERT's suite reuses with ``pretraining_forwards`` and ``same_names``:
for each batch (unpadded, padded, defaults) it compares every output and the loss in float64
(tol 1e-10) and float32 (tol scaled from the reference's own float32 noise), then
backpropagates the loss through both models and compares every parameter gradient. Weights are drawn with std 0.2 so that a wrong GELU or LayerNorm eps
cannot hide under the tolerance.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import torch

from reproductions.common.parity import (
    FLOAT64_TOL,
    check,
    grad_check,
    init_weights_,
    max_abs_diff,
    tolerance,
)

from .model import BertConfig
from .reference import bert_for_pretraining_from_hf, bert_model_from_hf, build_reference

Batch = dict[str, torch.Tensor | None]


def make_batches(vocab_size: int, type_vocab_size: int, seed: int) -> dict[str, Batch]:
    """Inputs that exercise segments, padding of different lengths, and the None defaults."""
    g = torch.Generator().manual_seed(seed)
    B, T = 3, 11
    ids = torch.randint(5, vocab_size, (B, T), generator=g)
    segments = (torch.arange(T) >= 6).long().expand(B, T) % type_vocab_size
    labels = torch.full((B, T), -100)
    picked = torch.rand(B, T, generator=g) < 0.3
    picked[:, 1] = True  # at least one prediction per row
    labels[picked] = torch.randint(0, vocab_size, (int(picked.sum()),), generator=g)
    pair_label = torch.tensor([0, 1, 1])
    lengths = torch.tensor([T, 7, 3])
    mask = (torch.arange(T)[None, :] < lengths[:, None]).long()
    padded_ids = torch.where(mask.bool(), ids, torch.zeros_like(ids))
    padded_labels = torch.where(mask.bool(), labels, torch.full_like(labels, -100))
    full = torch.ones(B, T, dtype=torch.long)
    return {
        "unpadded": dict(ids=ids, segments=segments, mask=full, labels=labels, pair=pair_label),
        "padded": dict(
            ids=padded_ids, segments=segments, mask=mask, labels=padded_labels, pair=pair_label
        ),
        "defaults": dict(ids=ids, segments=None, mask=None, labels=labels, pair=pair_label),
    }


def pretraining_parity(
    label: str,
    ref64: torch.nn.Module,
    ours_from_hf: Callable[[Any], torch.nn.Module],
    forward_ours: Callable[[torch.nn.Module, Batch], dict[str, torch.Tensor]],
    forward_ref: Callable[[torch.nn.Module, Batch], dict[str, torch.Tensor]],
    batches: dict[str, Batch],
    *,
    param_map: Callable[[torch.nn.Module], dict[str, str]],
) -> list[dict]:
    """Forward outputs, loss and all gradients of ours vs the reference, float64 and float32.

    ``forward_*`` return a dict of named outputs that includes ``"loss"``; ``param_map`` gives
    our parameter name -> the reference's for the gradient comparison.
    """
    ref32 = copy.deepcopy(ref64).float()
    checks: list[dict] = []
    for batch_name, batch in batches.items():
        refs = {}
        grads = {}
        for dtype, ref in ((torch.float64, ref64), (torch.float32, ref32)):
            ref.zero_grad(set_to_none=True)
            out = forward_ref(ref, batch)
            out["loss"].backward()
            refs[dtype] = {k: v.detach() for k, v in out.items()}
            grads[dtype] = {n: p.grad.detach().clone() for n, p in ref.named_parameters()}
        # How far float32 rounding alone moves the reference: the yardstick for float32 tol.
        floors = {
            k: max_abs_diff(refs[torch.float32][k], refs[torch.float64][k])
            for k in refs[torch.float64]
        }
        grad_floor = max(
            max_abs_diff(grads[torch.float32][n], grads[torch.float64][n])
            for n in grads[torch.float64]
        )
        for dtype, ref in ((torch.float64, ref64), (torch.float32, ref32)):
            dname = str(dtype).removeprefix("torch.")
            ours = ours_from_hf(ref)
            got = forward_ours(ours, batch)
            for key, want in refs[dtype].items():
                tol = tolerance(dtype, floors[key])
                checks.append(
                    check(f"{label} {batch_name} {key}", got[key], want, dtype=dtype, tol=tol)
                )
            got["loss"].backward()
            # Restore the reference's gradients of this dtype (the loop above overwrote them).
            for n, p in ref.named_parameters():
                p.grad = grads[dtype][n]
            tol = tolerance(dtype, grad_floor)
            checks.append(
                grad_check(
                    f"{label} {batch_name} gradients ({dname})",
                    ours,
                    ref,
                    param_map(ours),
                    dtype=dtype,
                    tol=tol,
                )
            )
    return checks


def _bert_batch_args(batch: Batch) -> dict[str, Any]:
    return dict(
        input_ids=batch["ids"], token_type_ids=batch["segments"], attention_mask=batch["mask"]
    )


def pretraining_forwards(
    pair_label: str, pair_logits: str
) -> tuple[
    Callable[[torch.nn.Module, Batch], dict[str, torch.Tensor]],
    Callable[[torch.nn.Module, Batch], dict[str, torch.Tensor]],
]:
    """``forward_ours`` and ``forward_ref`` for ``pretraining_parity``.

    Both models take ``labels`` and a sentence-pair label named ``pair_label``
    (``next_sentence_label`` for BERT, ``sentence_order_label`` for ALBERT) and return
    ``prediction_logits``, ``pair_logits`` and ``loss``.
    """
    keys = ("prediction_logits", pair_logits, "loss")

    def forward_ours(model: torch.nn.Module, batch: Batch) -> dict[str, torch.Tensor]:
        out = model(
            batch["ids"],
            batch["segments"],
            batch["mask"],
            labels=batch["labels"],
            **{pair_label: batch["pair"]},
        )
        return {key: getattr(out, key) for key in keys}

    def forward_ref(model: torch.nn.Module, batch: Batch) -> dict[str, torch.Tensor]:
        out = model(
            **_bert_batch_args(batch), labels=batch["labels"], **{pair_label: batch["pair"]}
        )
        return {key: getattr(out, key) for key in keys}

    return forward_ours, forward_ref


_FORWARDS = pretraining_forwards("next_sentence_label", "seq_relationship_logits")


def same_names(ours: torch.nn.Module) -> dict[str, str]:
    """Every parameter of ours maps to the reference's of the same name."""
    return {name: name for name, _ in ours.named_parameters()}


def random_pretraining_parity(
    label: str,
    ref64: torch.nn.Module,
    ours_from_hf: Callable[[Any], torch.nn.Module],
    forwards: tuple[Callable[..., dict[str, torch.Tensor]], Callable[..., dict[str, torch.Tensor]]],
    batches: dict[str, Batch],
    seed: int,
) -> list[dict]:
    """``pretraining_parity`` on ``ref64`` redrawn with std 0.2 weights (HF's 0.02 hides bugs),
    every parameter of ours compared with the reference's of the same name."""
    init_weights_(ref64, std=0.2, seed=seed)
    return pretraining_parity(label, ref64, ours_from_hf, *forwards, batches, param_map=same_names)


QUICK_CONFIGS = [
    BertConfig(
        vocab_size=97,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=16,
    ),
    BertConfig(
        vocab_size=61,
        hidden_size=24,
        num_hidden_layers=3,
        num_attention_heads=2,
        intermediate_size=40,
        max_position_embeddings=12,
        type_vocab_size=3,
    ),
]
FULL_EXTRA_CONFIGS = [
    BertConfig(
        vocab_size=211,
        hidden_size=64,
        num_hidden_layers=4,
        num_attention_heads=8,
        intermediate_size=256,
        max_position_embeddings=32,
    ),
]


def _encoder_checks(
    label: str, ref: Any, batches: dict[str, Batch], dtype: torch.dtype
) -> list[dict]:
    """``bert_model_from_hf`` on HF's bare ``BertModel``: hidden states and pooler."""
    ours = bert_model_from_hf(ref)
    out = []
    with torch.no_grad():
        for batch_name, batch in batches.items():
            a = ours(batch["ids"], batch["segments"], batch["mask"])
            b = ref(**_bert_batch_args(batch))
            for key in ("last_hidden_state", "pooler_output"):
                out.append(
                    check(
                        f"{label} {batch_name} {key}",
                        getattr(a, key),
                        getattr(b, key),
                        dtype=dtype,
                        tol=FLOAT64_TOL,
                    )
                )
    return out


def run_checks(quick: bool = True) -> list[dict]:
    """The BERT parity suite; ``quick`` runs two small random configs (what CI runs)."""
    configs = QUICK_CONFIGS + ([] if quick else FULL_EXTRA_CONFIGS)
    checks: list[dict] = []
    for i, config in enumerate(configs):
        label = f"cfg{i} L{config.num_hidden_layers} H{config.hidden_size}"
        batches = make_batches(config.vocab_size, config.type_vocab_size, seed=i)
        ref = build_reference(config, dtype=torch.float64)
        checks += random_pretraining_parity(
            f"{label} pretraining eager", ref, bert_for_pretraining_from_hf, _FORWARDS, batches, i
        )
        checks += _encoder_checks(f"{label} BertModel eager", ref.bert, batches, torch.float64)
        # HF's sdpa path builds its padding mask differently from eager: check it too.
        sdpa = build_reference(
            config, pretraining=False, attn_implementation="sdpa", dtype=torch.float64
        )
        init_weights_(sdpa, std=0.2, seed=100 + i)
        checks += _encoder_checks(f"{label} BertModel sdpa", sdpa, batches, torch.float64)
    return checks


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
