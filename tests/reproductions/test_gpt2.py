"""GPT-2 reproduction: parity with Hugging Face, the scaled init, tying, and import hygiene."""

from __future__ import annotations

import pytest
import torch

from reproductions.common.parity import assert_all_passed
from reproductions.gpt2 import GPT2Config, GPT2LMHeadModel
from reproductions.gpt2 import model as gpt2_model
from reproductions.gpt2.check import run_checks

TINY = GPT2Config(vocab_size=61, n_positions=16, n_embd=16, n_layer=2, n_head=2)


def test_quick_parity_suite_passes_in_float64_and_float32() -> None:
    checks = run_checks(quick=True)
    assert {c["dtype"] for c in checks} == {"float64", "float32"}
    assert any("padded" in c["name"] for c in checks)
    assert any("grads" in c["name"] for c in checks)
    assert_all_passed(checks)


def test_parity_detects_erf_gelu_in_place_of_tanh_gelu(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite must be able to fail: the erf GELU differs from GPT-2's tanh one by ~1e-3.
    monkeypatch.setattr(gpt2_model, "gelu_new", torch.nn.functional.gelu)
    checks = [c for c in run_checks(quick=True) if c["name"].endswith("logits")]
    assert checks and not any(c["passed"] for c in checks)


def test_from_hf_keeps_dtype_and_returns_eval_mode() -> None:
    from reproductions.gpt2.reference import build_reference, from_hf

    hf = build_reference(TINY, dtype=torch.float64)
    ours = from_hf(hf)
    assert not ours.training
    assert next(ours.parameters()).dtype == torch.float64


def test_lm_head_shares_the_token_embedding() -> None:
    model = GPT2LMHeadModel(TINY)
    assert model.lm_head.weight is model.transformer.wte.weight


@pytest.mark.parametrize("scaled", [True, False])
def test_residual_projection_init_is_scaled_by_inverse_sqrt_of_2n_layer(scaled: bool) -> None:
    torch.manual_seed(0)
    cfg = GPT2Config(
        vocab_size=61, n_positions=16, n_embd=64, n_layer=8, n_head=2, scale_residual_init=scaled
    )
    model = GPT2LMHeadModel(cfg)
    proj = torch.cat(
        [p.flatten() for n, p in model.named_parameters() if n.endswith("c_proj.weight")]
    )
    other = model.transformer.h[0].attn.c_attn.weight
    expected = 0.02 / 4.0 if scaled else 0.02  # sqrt(2 * 8) = 4
    assert proj.std().item() == pytest.approx(expected, rel=0.05)
    assert other.std().item() == pytest.approx(0.02, rel=0.05)


def test_causal_mask_keeps_earlier_logits_independent_of_later_tokens() -> None:
    torch.manual_seed(0)
    model = GPT2LMHeadModel(TINY).eval()
    a = torch.randint(0, 61, (1, 10))
    b = a.clone()
    b[0, 6:] = (b[0, 6:] + 1) % 61
    with torch.no_grad():
        la, lb = model(a).logits, model(b).logits
    torch.testing.assert_close(la[:, :6], lb[:, :6])
    assert not torch.allclose(la[:, 6:], lb[:, 6:])
