"""The ALBERT parity suite: our model against HF's ``AlbertForPreTraining`` (random weights).

Owns ``run_checks``. It reuses BERT's comparison loop (``pretraining_parity``): MLM logits,
SOP logits and the summed loss, float64 and float32, unpadded, padded and with the default
inputs, then every parameter gradient, which for ALBERT sums over all L uses of the one
shared layer group. Configs cover tanh and erf GELU and more than one layer group.
"""

from __future__ import annotations

import torch

from reproductions.bert.check import (
    make_batches,
    pretraining_forwards,
    random_pretraining_parity,
)

from .model import AlbertConfig
from .reference import albert_for_pretraining_from_hf, build_reference

_FORWARDS = pretraining_forwards("sentence_order_label", "sop_logits")


QUICK_CONFIGS = [
    AlbertConfig(
        vocab_size=89,
        embedding_size=16,
        hidden_size=32,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=16,
    ),
    AlbertConfig(
        vocab_size=71,
        embedding_size=8,
        hidden_size=24,
        num_hidden_layers=4,
        num_hidden_groups=2,
        inner_group_num=2,
        num_attention_heads=3,
        intermediate_size=48,
        hidden_act="gelu",
        max_position_embeddings=12,
    ),
]
FULL_EXTRA_CONFIGS = [
    AlbertConfig(
        vocab_size=257,
        embedding_size=32,
        hidden_size=64,
        num_hidden_layers=6,
        num_attention_heads=8,
        intermediate_size=256,
        max_position_embeddings=32,
    ),
]


def run_checks(quick: bool = True) -> list[dict]:
    """The ALBERT parity suite; ``quick`` runs two small random configs (what CI runs)."""
    configs = QUICK_CONFIGS + ([] if quick else FULL_EXTRA_CONFIGS)
    checks: list[dict] = []
    for i, config in enumerate(configs):
        label = f"cfg{i} L{config.num_hidden_layers} E{config.embedding_size} H{config.hidden_size}"
        batches = make_batches(config.vocab_size, config.type_vocab_size, seed=10 + i)
        for attn in ("eager", "sdpa"):
            ref = build_reference(config, attn_implementation=attn, dtype=torch.float64)
            checks += random_pretraining_parity(
                f"{label} {attn}", ref, albert_for_pretraining_from_hf, _FORWARDS, batches, i
            )
    return checks


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
