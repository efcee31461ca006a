"""Transformer reproduction: Marian parity, position layouts, masks, label smoothing, LR schedule."""

from __future__ import annotations

import math
import os
import subprocess
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest  # noqa: E402
import torch  # noqa: E402

from reproductions.common.parity import assert_all_passed  # noqa: E402
from reproductions.transformer import Transformer, TransformerConfig  # noqa: E402
from reproductions.transformer.check import run_checks  # noqa: E402
from reproductions.transformer.model import (  # noqa: E402
    label_smoothed_cross_entropy,
    noam_lr,
    sinusoidal_positions,
)

TINY = TransformerConfig(
    vocab_size=31,
    d_model=16,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=32,
    decoder_ffn_dim=32,
    max_position_embeddings=32,
    dropout=0.0,
)


def test_quick_parity_suite_against_marian_passes() -> None:
    checks = run_checks(quick=True)
    names = " ".join(c["name"] for c in checks)
    for part in (
        "logits padded",
        "grads",
        "label-smoothed",
        "greedy generation, pad banned",
        "beam search",
    ):
        assert part in names
    assert {c["dtype"] for c in checks} == {"float64", "float32"}
    assert_all_passed(checks)


def test_model_module_does_not_import_transformers() -> None:
    code = (
        "import sys, reproductions.transformer.model; "
        "assert 'transformers' not in sys.modules, 'model.py pulled in transformers'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_interleaved_positions_follow_the_paper_formula() -> None:
    pe = sinusoidal_positions(50, 8, "interleaved")
    pos, i = 7, 2
    assert pe[pos, 2 * i].item() == pytest.approx(math.sin(pos / 10000 ** (2 * i / 8)))
    assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(pos / 10000 ** (2 * i / 8)))
    assert pe[0, 0::2].abs().max().item() == 0.0 and torch.all(pe[0, 1::2] == 1.0)


def test_halves_layout_is_a_permutation_of_the_interleaved_one() -> None:
    inter = sinusoidal_positions(20, 12, "interleaved")
    halves = sinusoidal_positions(20, 12, "halves")
    torch.testing.assert_close(halves[:, :6], inter[:, 0::2])
    torch.testing.assert_close(halves[:, 6:], inter[:, 1::2])


def test_encoder_output_ignores_padded_source_tokens() -> None:
    torch.manual_seed(0)
    model = Transformer(TINY).eval()
    src = torch.randint(1, 31, (1, 8))
    mask = torch.ones_like(src)
    mask[0, 5:] = 0
    other = src.clone()
    other[0, 5:] = (other[0, 5:] + 3) % 30 + 1
    tgt = torch.randint(1, 31, (1, 4))
    with torch.no_grad():
        a = model(src, attention_mask=mask, decoder_input_ids=tgt).logits
        b = model(other, attention_mask=mask, decoder_input_ids=tgt).logits
    torch.testing.assert_close(a, b)


def test_decoder_is_causal() -> None:
    torch.manual_seed(0)
    model = Transformer(TINY).eval()
    src = torch.randint(1, 31, (1, 6))
    tgt = torch.randint(1, 31, (1, 6))
    changed = tgt.clone()
    changed[0, 4:] = (changed[0, 4:] + 1) % 30 + 1
    with torch.no_grad():
        a = model(src, decoder_input_ids=tgt).logits
        b = model(src, decoder_input_ids=changed).logits
    torch.testing.assert_close(a[:, :4], b[:, :4])
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_embeddings_are_shared_three_ways() -> None:
    model = Transformer(TINY)
    assert model.encoder.embed_tokens.weight is model.shared.weight
    assert model.decoder.embed_tokens.weight is model.shared.weight
    assert model.lm_head.weight is model.shared.weight


def test_label_smoothing_matches_hand_computed_value() -> None:
    # Two classes, logits (0, 0): p = (1/2, 1/2), every term is -log(1/2).
    logits = torch.zeros(1, 1, 2)
    labels = torch.tensor([[0]])
    assert label_smoothed_cross_entropy(logits, labels, 0.1).item() == pytest.approx(math.log(2))
    # Logits (log 3, 0): p = (3/4, 1/4); loss = 0.9 * -log(3/4) + 0.1 * mean(-log 3/4, -log 1/4).
    logits = torch.tensor([[[math.log(3.0), 0.0]]])
    want = 0.9 * -math.log(0.75) + 0.1 * 0.5 * (-math.log(0.75) - math.log(0.25))
    assert label_smoothed_cross_entropy(logits, labels, 0.1).item() == pytest.approx(want)


def test_label_smoothing_ignores_positions_labelled_minus_100() -> None:
    logits = torch.randn(2, 3, 5)
    labels = torch.tensor([[1, 2, -100], [0, -100, -100]])
    full = label_smoothed_cross_entropy(logits, labels, 0.1)
    kept = label_smoothed_cross_entropy(
        logits[labels != -100][None], labels[labels != -100][None], 0.1
    )
    assert full.item() == pytest.approx(kept.item())


def test_warmup_schedule_peaks_at_warmup_steps_with_the_papers_value() -> None:
    # d_model 512, warmup 4000: peak = 1 / sqrt(512 * 4000) = 6.9877e-4 (computed by hand).
    assert noam_lr(4000, 512, 4000) == pytest.approx(6.9877e-4, rel=1e-4)
    assert noam_lr(2000, 512, 4000) == pytest.approx(noam_lr(4000, 512, 4000) / 2)  # linear warm-up
    assert noam_lr(16000, 512, 4000) == pytest.approx(
        noam_lr(4000, 512, 4000) / 2
    )  # step^-0.5 decay


def test_beam_of_one_is_greedy_and_beams_start_from_the_start_token() -> None:
    torch.manual_seed(1)
    model = Transformer(TINY).eval()
    src = torch.randint(1, 31, (2, 6))
    greedy = model.generate(src, max_new_tokens=8)
    assert torch.equal(model.generate(src, max_new_tokens=8, num_beams=1), greedy)
    beam = model.generate(src, max_new_tokens=8, num_beams=4, length_penalty=0.0)
    assert beam.shape[0] == 2 and beam[:, 0].eq(TINY.decoder_start_token_id).all()
