"""BERT: parity with Hugging Face (random weights), loss paths, and model.py's independence."""

from __future__ import annotations

import pytest
import torch

from reproductions.bert import BertConfig, BertForPreTraining, BertModel
from reproductions.bert.check import QUICK_CONFIGS, make_batches, run_checks
from reproductions.bert.reference import (
    bert_for_pretraining_from_hf,
    bert_model_from_hf,
    build_reference,
)
from reproductions.common.parity import assert_all_passed, init_weights_, max_abs_diff


def test_parity_suite_quick_passes_every_check():
    checks = run_checks(quick=True)
    assert len(checks) >= 40
    assert {c["dtype"] for c in checks} == {"float64", "float32"}
    assert any("padded" in c["name"] and "gradients" in c["name"] for c in checks)
    assert_all_passed(checks)


def _reference_and_ours(config: BertConfig) -> tuple[torch.nn.Module, BertForPreTraining]:
    ref = build_reference(config, dtype=torch.float64)
    init_weights_(ref, std=0.2, seed=3)
    return ref, bert_for_pretraining_from_hf(ref)


def test_tanh_gelu_would_be_caught_by_the_float64_tolerance():
    # Pins that the parity setup is sensitive: BERT's erf GELU swapped for GPT-2's tanh one
    # must move the logits far beyond 1e-10.
    config = QUICK_CONFIGS[0]
    ref, ours = _reference_and_ours(config)
    batch = make_batches(config.vocab_size, config.type_vocab_size, seed=0)["unpadded"]
    for layer in ours.bert.encoder.layer:
        layer.intermediate.act = torch.nn.GELU(approximate="tanh")
    with torch.no_grad():
        a = ours(batch["ids"], batch["segments"]).prediction_logits
        b = ref(input_ids=batch["ids"], token_type_ids=batch["segments"]).prediction_logits
    assert max_abs_diff(a, b) > 1e-6


def test_wrong_layernorm_eps_would_be_caught():
    config = QUICK_CONFIGS[0]
    ref, ours = _reference_and_ours(config)
    batch = make_batches(config.vocab_size, config.type_vocab_size, seed=0)["unpadded"]
    ours.bert.embeddings.LayerNorm.eps = 1e-5
    with torch.no_grad():
        a = ours(batch["ids"], batch["segments"]).prediction_logits
        b = ref(input_ids=batch["ids"], token_type_ids=batch["segments"]).prediction_logits
    assert max_abs_diff(a, b) > 1e-10


def test_from_hf_keeps_dtype_and_returns_eval_mode():
    ref = build_reference(QUICK_CONFIGS[1], dtype=torch.float64)
    ours = bert_for_pretraining_from_hf(ref)
    assert not ours.training
    assert all(p.dtype == torch.float64 for p in ours.parameters())
    enc = bert_model_from_hf(ref.bert)
    assert isinstance(enc, BertModel) and not enc.training


def test_mlm_decoder_is_tied_to_word_embeddings():
    model = BertForPreTraining(QUICK_CONFIGS[0])
    ids = torch.randint(0, QUICK_CONFIGS[0].vocab_size, (2, 5))
    model.bert.embeddings.word_embeddings.weight.grad = None
    model(ids).prediction_logits.sum().backward()
    # the decoder's gradient lands on the embedding rows of every vocabulary entry
    grad = model.bert.embeddings.word_embeddings.weight.grad
    assert grad is not None and bool((grad.abs().sum(1) > 0).all())


def test_masked_only_loss_equals_full_forward_loss():
    config = QUICK_CONFIGS[0]
    _, ours = _reference_and_ours(config)
    batch = make_batches(config.vocab_size, config.type_vocab_size, seed=1)["padded"]
    full = ours(batch["ids"], batch["segments"], batch["mask"], batch["labels"], batch["pair"]).loss
    fast = ours(
        batch["ids"],
        batch["segments"],
        batch["mask"],
        batch["labels"],
        batch["pair"],
        decode_labelled_only=True,
    )
    assert fast.prediction_logits.shape == (int((batch["labels"] != -100).sum()), config.vocab_size)
    assert abs((full - fast.loss).item()) < 1e-12


def test_padding_does_not_change_real_token_outputs():
    config = QUICK_CONFIGS[0]
    _, ours = _reference_and_ours(config)
    ids = torch.randint(5, config.vocab_size, (1, 6))
    padded = torch.cat([ids, torch.zeros(1, 4, dtype=torch.long)], 1)
    mask = torch.cat([torch.ones(1, 6), torch.zeros(1, 4)], 1).long()
    with torch.no_grad():
        a = ours.bert(ids).last_hidden_state
        b = ours.bert(padded, attention_mask=mask).last_hidden_state[:, :6]
    assert max_abs_diff(a, b) < 1e-12


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_reference_uses_the_requested_attention_path(attn):
    ref = build_reference(QUICK_CONFIGS[0], attn_implementation=attn)
    assert ref.config._attn_implementation == attn
