"""The Hugging Face reference for GPT-2, built offline from a config, and the weight mapping.

Owns: building `transformers.GPT2LMHeadModel` with random weights (no hub), translating our
`GPT2Config` to theirs, and `from_hf`, which copies a Hugging Face model's weights into ours.
The only renaming is none: module names match; Hugging Face's `Conv1D` weights are stored
(in, out) and ours are `nn.Linear` (out, in), so those are transposed.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import torch

from reproductions.common.parity import config_from_fields, load_like_reference, reference_builder

from .model import GPT2Config, GPT2LMHeadModel

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Hugging Face Conv1D modules: their weight is (in, out).
_CONV1D_SUFFIXES = (
    "attn.c_attn.weight",
    "attn.c_proj.weight",
    "mlp.c_fc.weight",
    "mlp.c_proj.weight",
)


def config_from_hf(hf_config: Any) -> GPT2Config:
    """Our config from a `transformers.GPT2Config`, refusing options we do not implement."""
    if getattr(hf_config, "activation_function", "gelu_new") != "gelu_new":
        raise ValueError(f"only gelu_new is implemented, got {hf_config.activation_function}")
    for flag in (
        "scale_attn_by_inverse_layer_idx",
        "reorder_and_upcast_attn",
        "add_cross_attention",
    ):
        if getattr(hf_config, flag, False):
            raise ValueError(f"{flag}=True is not part of GPT-2 as published")
    if not getattr(hf_config, "scale_attn_weights", True):
        raise ValueError("scale_attn_weights=False is not implemented")
    # scale_residual_init is our option (GPT-2's 1/sqrt(N) init), not a Hugging Face field.
    return config_from_fields(GPT2Config, hf_config, skip=["scale_residual_init"])


def hf_config_from_ours(config: GPT2Config, attn_implementation: str = "eager") -> Any:
    from transformers import GPT2Config as HFGPT2Config

    kwargs = asdict(config)
    kwargs.pop("scale_residual_init")
    hf_config = HFGPT2Config(**kwargs, activation_function="gelu_new")
    hf_config._attn_implementation = attn_implementation
    return hf_config


build_reference = reference_builder("GPT2LMHeadModel", hf_config_from_ours)


def from_hf(hf_model: Any) -> GPT2LMHeadModel:
    """Our `GPT2LMHeadModel` holding `hf_model`'s weights, same dtype and device, in eval mode."""
    ours = GPT2LMHeadModel(config_from_hf(hf_model.config))
    state = {}
    for key, value in hf_model.state_dict().items():
        if key.endswith(".attn.bias") or key.endswith(".attn.masked_bias"):
            continue  # older transformers kept the causal mask as a buffer
        state[key] = value.t() if key.endswith(_CONV1D_SUFFIXES) else value
    if "lm_head.weight" not in state:
        state["lm_head.weight"] = state["transformer.wte.weight"]
    load_like_reference(ours, state, hf_model)
    if not torch.equal(state["lm_head.weight"], state["transformer.wte.weight"]):
        raise RuntimeError("the reference's LM head is not tied to its token embedding")
    return ours
