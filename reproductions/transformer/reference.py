"""The Hugging Face reference for the Transformer: `MarianMTModel` built offline, and the mapping.

Owns: translating our `TransformerConfig` to a `MarianConfig` (ReLU, shared embeddings, halves
position layout), building the reference with random weights (no hub), and `from_hf`, which
copies a Marian model's weights into ours. Module names match once Marian's `model.` prefix is
stripped; the sinusoid table is copied too, because Marian computes it in float64 but stores it
through a float32 tensor, and a float64 parity check must use the very same numbers.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import torch

from reproductions.common.parity import config_from_fields, load_like_reference, reference_builder

from .model import Transformer, TransformerConfig, sinusoidal_positions

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# Ours alone: the position layout (Marian has only "halves") and the LayerNorm eps (Marian's is
# fixed at our default, 1e-5).
_OURS_ONLY = ("position_layout", "layer_norm_eps")


def config_from_hf(hf_config: Any) -> TransformerConfig:
    """Our config from a `transformers.MarianConfig`, refusing what we do not implement."""
    if hf_config.activation_function != "relu":
        raise ValueError(f"the paper's FFN uses ReLU; got {hf_config.activation_function!r}")
    if not hf_config.share_encoder_decoder_embeddings:
        raise ValueError("only shared source/target embeddings are implemented (paper Sec. 3.4)")
    if hf_config.d_model % 2:
        raise ValueError("d_model must be even")
    eos = hf_config.eos_token_id
    return config_from_fields(
        TransformerConfig,
        hf_config,
        skip=_OURS_ONLY,
        position_layout="halves",
        eos_token_id=eos[0] if isinstance(eos, list) else eos,
    )


def hf_config_from_ours(config: TransformerConfig, attn_implementation: str = "eager") -> Any:
    from transformers import MarianConfig

    if config.position_layout != "halves":
        raise ValueError("Marian only has the halves position layout")
    shared = {k: v for k, v in asdict(config).items() if k not in _OURS_ONLY}
    hf_config = MarianConfig(
        **shared,
        activation_function="relu",
        forced_eos_token_id=config.eos_token_id,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )
    hf_config._attn_implementation = attn_implementation
    return hf_config


build_reference = reference_builder("MarianMTModel", hf_config_from_ours)


# Marian's table went through float32: agreement to float32 rounding of values in [-1, 1].
POSITION_TABLE_TOL = 1e-6


def from_hf(hf_model: Any) -> Transformer:
    """Our `Transformer` holding a `MarianMTModel`'s weights, same dtype and device, eval mode."""
    ref_param = next(hf_model.parameters())
    ours = Transformer(config_from_hf(hf_model.config))
    hf_state = hf_model.state_dict()
    state: dict[str, torch.Tensor] = {}
    for key, value in hf_state.items():
        name = key.removeprefix("model.")
        if name.endswith("embed_positions.weight"):
            continue  # a buffer on our side, copied below
        state[name] = value
    # Marian ties encoder/decoder inputs and the LM head to `shared`; so do we, through one tensor.
    for tied in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight"):
        state.setdefault(tied, state["shared.weight"])
        if not torch.equal(state[tied], state["shared.weight"]):
            raise RuntimeError(f"the reference's {tied} is not tied to its shared embedding")
    load_like_reference(ours, state, hf_model)
    cfg = ours.config
    # Our own sinusoid table (Sec. 3.5, Marian's halves layout), computed in the model's dtype,
    # never Marian's: the logits checks then exercise our positions. Marian stores its table in
    # float32, so the two agree to float32 rounding and no closer.
    table = sinusoidal_positions(cfg.max_position_embeddings, cfg.d_model, cfg.position_layout)
    table = table.to(ref_param.device, ref_param.dtype)
    with torch.no_grad():
        for side in ("encoder", "decoder"):
            reference = hf_state[f"model.{side}.embed_positions.weight"]
            worst = float((reference.to(table.dtype) - table).abs().max())
            if worst > POSITION_TABLE_TOL:
                raise ValueError(
                    f"the reference's {side} position table differs from the halves-layout "
                    f"sinusoid by {worst:.2e} (> {POSITION_TABLE_TOL:.0e})"
                )
            getattr(ours, side).embed_positions.copy_(table)
    return ours.eval()
