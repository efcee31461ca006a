"""The Hugging Face reference for ALBERT, and the weight mapping into our model.

Owns everything that touches ``transformers`` for ALBERT: building ``AlbertForPreTraining``
offline from a config with random weights (no pretrained ALBERT exists in the registries we
can reach) and ``from_hf``. Module names mirror HF's, so the mapping is ``load_state_dict``
minus the MLM decoder, which is tied to the word embeddings and the head's bias.
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from reproductions.common.parity import from_reference

from .model import AlbertConfig, AlbertForPreTraining

# The MLM decoder is tied to the word embeddings and to the head's bias: our head reads those.
_TIED_DECODER = {
    "predictions.decoder.weight": "albert.embeddings.word_embeddings.weight",
    "predictions.decoder.bias": "predictions.bias",
}


def config_from_hf(hf_config: Any) -> AlbertConfig:
    """Our config from a ``transformers.AlbertConfig``."""
    fields = AlbertConfig.__dataclass_fields__
    values = {name: getattr(hf_config, name) for name in fields if hasattr(hf_config, name)}
    if values.get("pad_token_id") is None:
        values["pad_token_id"] = 0
    return AlbertConfig(**values)


def hf_config(config: AlbertConfig) -> Any:
    import transformers

    return transformers.AlbertConfig(**config.to_dict())


def albert_for_pretraining_from_hf(hf_model: Any) -> AlbertForPreTraining:
    """Our ``AlbertForPreTraining`` with an HF ``AlbertForPreTraining``'s weights (same dtype/device, eval)."""
    ours = AlbertForPreTraining(config_from_hf(hf_model.config))
    return from_reference(ours, hf_model, _TIED_DECODER)


# The reference contract every reference.py follows: `from_hf(hf_model)` and `build_reference`.
from_hf = albert_for_pretraining_from_hf


def build_reference(
    config: AlbertConfig,
    *,
    attn_implementation: str = "eager",
    dtype: torch.dtype = torch.float32,
    seed: int = 0,
) -> Any:
    """An HF ``AlbertForPreTraining`` with random weights; config deep-copied, attention asserted."""
    import transformers

    torch.manual_seed(seed)
    model = transformers.AlbertForPreTraining._from_config(
        copy.deepcopy(hf_config(config)), attn_implementation=attn_implementation
    )
    assert model.config._attn_implementation == attn_implementation
    return model.to(dtype).eval()
