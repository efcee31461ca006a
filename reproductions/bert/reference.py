"""The Hugging Face reference for BERT, and the weight mapping into our model.

This module owns everything that touches ``transformers`` for BERT: building reference models
offline from a config (random weights, nothing downloaded), loading a local checkpoint
directory such as all-MiniLM-L6-v2, and ``from_hf`` (our module names mirror HF's, so the
mapping is a ``load_state_dict`` minus the tied decoder).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import torch

from reproductions.common.parity import config_from_fields, from_reference

from .model import BertConfig, BertForPreTraining, BertModel

# The MLM decoder is tied to the word embeddings (weight) and to cls.predictions.bias (bias);
# our head reads those two tensors directly, so the decoder has no parameters of its own.
_TIED_DECODER = {
    "cls.predictions.decoder.weight": "bert.embeddings.word_embeddings.weight",
    "cls.predictions.decoder.bias": "cls.predictions.bias",
}


def config_from_hf(hf_config: Any) -> BertConfig:
    """Our config from a ``transformers.BertConfig``; refuses settings we do not implement."""
    kind = getattr(hf_config, "position_embedding_type", "absolute")
    if kind not in (None, "absolute"):
        raise ValueError(f"only absolute position embeddings are implemented, not {kind!r}")
    if getattr(hf_config, "is_decoder", False):
        raise ValueError("BERT as a decoder (causal mask) is not part of this reproduction")
    pad = hf_config.pad_token_id
    return config_from_fields(BertConfig, hf_config, pad_token_id=pad if pad is not None else 0)


def hf_config(config: BertConfig) -> Any:
    """A ``transformers.BertConfig`` with the same hyper-parameters as ``config``."""
    import transformers

    return transformers.BertConfig(**config.to_dict())


def from_hf(hf_model: Any) -> BertModel | BertForPreTraining:
    """Our model holding an HF ``BertForPreTraining``'s or ``BertModel``'s weights, on its dtype
    and device, in eval mode (the reference contract every ``reference.py`` follows)."""
    if hasattr(hf_model, "cls"):
        return bert_for_pretraining_from_hf(hf_model)
    return bert_model_from_hf(hf_model)


def bert_model_from_hf(hf_model: Any) -> BertModel:
    """Our ``BertModel`` with the weights of an HF ``BertModel`` (same dtype/device, eval)."""
    ours = BertModel(config_from_hf(hf_model.config), add_pooling_layer=hf_model.pooler is not None)
    return from_reference(ours, hf_model)


def bert_for_pretraining_from_hf(hf_model: Any) -> BertForPreTraining:
    """Our ``BertForPreTraining`` with the weights of an HF ``BertForPreTraining``."""
    ours = BertForPreTraining(config_from_hf(hf_model.config))
    return from_reference(ours, hf_model, _TIED_DECODER)


def build_reference(
    config: BertConfig,
    *,
    pretraining: bool = True,
    attn_implementation: str = "eager",
    dtype: torch.dtype = torch.float32,
    seed: int = 0,
) -> Any:
    """An HF ``BertForPreTraining`` (or ``BertModel``) from ``config`` with random weights.

    The config is deep-copied because transformers 5.x shares one config object between the
    models built from it, and the attention path is asserted because a silent fallback
    from "eager" to "sdpa" (or back) would make the comparison mean something else.
    """
    import transformers

    torch.manual_seed(seed)
    cls = transformers.BertForPreTraining if pretraining else transformers.BertModel
    model = cls._from_config(
        copy.deepcopy(hf_config(config)), attn_implementation=attn_implementation
    )
    assert model.config._attn_implementation == attn_implementation
    return model.to(dtype).eval()


def load_local_bert(directory: str | Path, attn_implementation: str = "eager") -> Any:
    """An HF ``BertModel`` from a local checkpoint directory (e.g. all-MiniLM-L6-v2), offline."""
    import transformers

    model = transformers.BertModel.from_pretrained(
        str(directory), local_files_only=True, attn_implementation=attn_implementation
    )
    assert model.config._attn_implementation == attn_implementation
    return model.eval()
