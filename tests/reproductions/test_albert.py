"""ALBERT: parity with Hugging Face (random weights), sharing and factorisation, independence."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from reproductions.albert import AlbertConfig, AlbertForPreTraining
from reproductions.albert.check import QUICK_CONFIGS, run_checks
from reproductions.albert.reference import albert_for_pretraining_from_hf, build_reference
from reproductions.bert.check import make_batches
from reproductions.common.parity import assert_all_passed, init_weights_, max_abs_diff


def _count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_parity_suite_quick_passes_every_check():
    checks = run_checks(quick=True)
    assert len(checks) >= 80
    names = " ".join(c["name"] for c in checks)
    assert "sop_logits" in names and "gradients" in names and "sdpa" in names
    assert_all_passed(checks)


def test_layers_share_parameters_so_depth_adds_none():
    shallow = AlbertForPreTraining(dataclasses.replace(QUICK_CONFIGS[0], num_hidden_layers=1))
    deep = AlbertForPreTraining(dataclasses.replace(QUICK_CONFIGS[0], num_hidden_layers=12))
    assert _count(shallow) == _count(deep)


def test_depth_changes_the_output_even_with_shared_weights():
    # Sharing reuses one layer L times; it must not collapse to a single application.
    config = dataclasses.replace(QUICK_CONFIGS[0], num_hidden_layers=1)
    one = AlbertForPreTraining(config).eval()
    init_weights_(one, std=0.2)
    three = AlbertForPreTraining(dataclasses.replace(config, num_hidden_layers=3)).eval()
    three.load_state_dict(one.state_dict())
    ids = torch.randint(1, config.vocab_size, (2, 7))
    with torch.no_grad():
        assert max_abs_diff(one(ids).sop_logits, three(ids).sop_logits) > 1e-3


def test_factorised_embedding_table_is_vocab_by_e_and_projected_to_h():
    config = AlbertConfig(
        vocab_size=1000, embedding_size=8, hidden_size=64, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=128, max_position_embeddings=16,
    )  # fmt: skip
    model = AlbertForPreTraining(config)
    assert model.albert.embeddings.word_embeddings.weight.shape == (1000, 8)
    assert model.albert.encoder.embedding_hidden_mapping_in.weight.shape == (64, 8)
    out = model.albert(torch.randint(0, 1000, (2, 5)))
    assert out.last_hidden_state.shape == (2, 5, 64)


def test_from_hf_keeps_dtype_and_eval_mode():
    ref = build_reference(QUICK_CONFIGS[0], dtype=torch.float64)
    ours = albert_for_pretraining_from_hf(ref)
    assert not ours.training
    assert {p.dtype for p in ours.parameters()} == {torch.float64}


def test_masked_only_loss_equals_full_forward_loss():
    config = QUICK_CONFIGS[0]
    ref = build_reference(config, dtype=torch.float64)
    init_weights_(ref, std=0.2)
    ours = albert_for_pretraining_from_hf(ref)
    b = make_batches(config.vocab_size, config.type_vocab_size, seed=2)["padded"]
    full = ours(b["ids"], b["segments"], b["mask"], b["labels"], b["pair"]).loss
    fast = ours(
        b["ids"], b["segments"], b["mask"], b["labels"], b["pair"], decode_labelled_only=True
    )
    assert abs((full - fast.loss).item()) < 1e-12


def test_model_module_does_not_import_transformers():
    code = (
        "import sys; import reproductions.albert.model; "
        "assert 'transformers' not in sys.modules, 'model.py pulled in transformers'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    source = Path(sys.modules["reproductions.albert.model"].__file__).read_text(encoding="utf-8")
    assert "import transformers" not in source and "from transformers" not in source


def test_pair_label_is_taken_under_hugging_faces_name_or_positionally():
    config = dataclasses.replace(QUICK_CONFIGS[0], hidden_dropout_prob=0.0)
    model = AlbertForPreTraining(config).eval()
    ids = torch.randint(0, config.vocab_size, (2, 6))
    labels, order = ids.clone(), torch.tensor([0, 1])
    positional = model(ids, None, None, labels, order).loss
    named = model(ids, labels=labels, sentence_order_label=order).loss
    assert torch.equal(positional, named)
    with pytest.raises(TypeError, match="next_sentence_label"):
        model(ids, labels=labels, next_sentence_label=order)
    with pytest.raises(TypeError, match="same argument"):
        model(ids, None, None, labels, order, sentence_order_label=order)
