"""The Transformer parity suite: our model against `transformers.MarianMTModel`.

Owns `run_checks`: small random Marian models (ReLU, shared embeddings) built offline, copied
into ours with `from_hf`, compared on logits (padded and unpadded sources), the plain and the
label-smoothed loss, every gradient, greedy generation (with and without the pad ban that
Marian checkpoints carry) and beam search, in float64 and float32. It also checks our own
sinusoid table (halves layout) against Marian's.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import torch

from reproductions.common.parity import (
    FLOAT64_TOL,
    by_precision,
    check,
    grad_check,
    grad_noise_floor,
    ids_check,
    init_weights_,
    logits_checks,
    reference_noise_floor,
    run_cases,
    sdpa_check,
    tolerance,
)

from .model import TransformerConfig, sinusoidal_positions
from .reference import build_reference, from_hf

# HF's LabelSmoother sums the smoothing term with dtype=torch.float32, so even a float64 model
# gets a float32-rounded smoothed loss from it.
LABEL_SMOOTHER_TOL = 1e-5


@dataclass(frozen=True)
class Case:
    name: str
    config: TransformerConfig
    batch: int
    src_len: int
    tgt_len: int


# The two stacks differ in heads and widths, so a swapped encoder/decoder weight cannot pass.
_BASE = TransformerConfig(
    vocab_size=53, d_model=16, max_position_embeddings=40, position_layout="halves",
    encoder_layers=2, encoder_attention_heads=2, encoder_ffn_dim=24,
    decoder_layers=2, decoder_attention_heads=4, decoder_ffn_dim=40,
    pad_token_id=52, eos_token_id=0, decoder_start_token_id=52,
)  # fmt: skip


def _cases(quick: bool) -> list[Case]:
    cases = [
        Case("2+2L-scaled", _BASE, 3, 9, 7),
        Case(
            "1+3L-unscaled",
            replace(_BASE, encoder_layers=1, decoder_layers=3, scale_embedding=False),
            2,
            6,
            10,
        ),
    ]
    if not quick:
        cases += [
            Case(
                "3+2L-d32",
                replace(
                    _BASE,
                    d_model=32,
                    encoder_attention_heads=4,
                    encoder_ffn_dim=64,
                    vocab_size=97,
                    pad_token_id=0,
                    eos_token_id=2,
                    decoder_start_token_id=0,
                ),
                4,
                17,
                13,
            ),
        ]
    return cases


def _randomise(hf: torch.nn.Module, seed: int) -> None:
    """std 0.2 weights (HF's 0.02 hides bugs), a random logits bias, and a 3x larger shared
    embedding so the source really steers generation; sinusoid tables are restored after."""
    init_weights_(hf, std=0.2, seed=seed)
    g = torch.Generator().manual_seed(seed + 1000)
    with torch.no_grad():
        hf.model.shared.weight.mul_(3.0)
        bias = torch.randn(hf.final_logits_bias.shape, generator=g, dtype=torch.float64) * 0.5
        hf.final_logits_bias.copy_(bias)
        for side in (hf.model.encoder, hf.model.decoder):
            side.embed_positions.weight.copy_(
                marian_table_float64(*side.embed_positions.weight.shape)
            )


def marian_table_float64(n_pos: int, dim: int) -> torch.Tensor:
    """Marian's `create_weight` formula (sines in the first half, cosines after), kept in float64
    instead of rounded through float32, so the float64 logits compare at 1e-10 against the table
    our `from_hf` computes itself (it never copies Marian's)."""
    import numpy as np

    enc = np.array(
        [[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)]
    )
    sentinel = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    out = torch.empty(n_pos, dim, dtype=torch.float64)
    out[:, :sentinel] = torch.from_numpy(np.sin(enc[:, 0::2]))
    out[:, sentinel:] = torch.from_numpy(np.cos(enc[:, 1::2]))
    return out


def _check_case(case: Case, seed: int) -> list[dict]:
    from transformers.trainer_pt_utils import LabelSmoother

    cfg = case.config
    hf64 = build_reference(cfg, dtype=torch.float64, attn_implementation="eager", seed=seed)
    _randomise(hf64, seed)
    hf32 = copy.deepcopy(hf64).to(torch.float32)

    g = torch.Generator().manual_seed(seed)
    low = 1 if cfg.pad_token_id == 0 else 0
    src = torch.randint(low, cfg.vocab_size - 1, (case.batch, case.src_len), generator=g)
    src = src.masked_fill(src == cfg.pad_token_id, low + 1)
    lengths = torch.randint(case.src_len // 2, case.src_len + 1, (case.batch,), generator=g)
    lengths[0] = case.src_len
    src_mask = (torch.arange(case.src_len)[None, :] < lengths[:, None]).long()
    src_padded = src.masked_fill(src_mask == 0, cfg.pad_token_id)
    tgt = torch.randint(low, cfg.vocab_size - 1, (case.batch, case.tgt_len), generator=g)
    labels = tgt.clone()
    labels[-1, case.tgt_len // 2 :] = -100  # a shorter target in the batch
    probe = torch.randn(case.batch, case.tgt_len, cfg.vocab_size, generator=g, dtype=torch.float64)

    def ref_logits(dtype: torch.dtype, padded: bool) -> torch.Tensor:
        hf = hf64 if dtype == torch.float64 else hf32
        with torch.no_grad():
            if padded:
                return hf(src_padded, attention_mask=src_mask, decoder_input_ids=tgt).logits
            return hf(src, decoder_input_ids=tgt).logits

    results: list[dict] = []
    for dtype, hf in by_precision(hf64, hf32):
        ours = from_hf(hf)
        tag = f"{case.name} "

        def ours_logits(padded: bool, ours: torch.nn.Module = ours) -> torch.Tensor:
            if padded:
                return ours(src_padded, attention_mask=src_mask, decoder_input_ids=tgt).logits
            return ours(src, decoder_input_ids=tgt).logits

        results += logits_checks(tag, dtype, ours_logits, ref_logits)

        # Loss from labels (decoder inputs shifted right from the pad token, -100 ignored).
        with torch.no_grad():
            ref_out = hf(src_padded, attention_mask=src_mask, labels=labels)
            my_out = ours(src_padded, attention_mask=src_mask, labels=labels)
            my_smooth = ours(
                src_padded, attention_mask=src_mask, labels=labels, label_smoothing=0.1
            ).loss
            ref_smooth = LabelSmoother(epsilon=0.1)({"logits": ref_out.logits}, labels)
        loss_tol = FLOAT64_TOL if dtype == torch.float64 else 1e-5
        results.append(check(tag + "loss", my_out.loss, ref_out.loss, dtype=dtype, tol=loss_tol))
        results.append(
            check(
                tag + "label-smoothed loss (eps 0.1)",
                my_smooth,
                ref_smooth,
                dtype=dtype,
                tol=LABEL_SMOOTHER_TOL,
            )
        )

        # Backward through encoder and decoder: the same scalar on both sides, every gradient.
        hf.zero_grad(set_to_none=True)
        ours.zero_grad(set_to_none=True)
        w = probe.to(dtype)
        (hf(src_padded, attention_mask=src_mask, decoder_input_ids=tgt).logits * w).sum().backward()
        (
            ours(src_padded, attention_mask=src_mask, decoder_input_ids=tgt).logits * w
        ).sum().backward()
        gtol = tolerance(dtype, lambda: grad_noise_floor(hf32, hf64))
        param_map = {name: "model." + name for name, _ in ours.named_parameters()}
        # hf64 keeps its gradients: the float32 pass measures its noise floor against them.
        results.append(grad_check(tag + "grads", ours, hf, param_map, dtype=dtype, tol=gtol))

        # Decoding, token for token against hf.generate.
        n_new = 12
        gen_kwargs = {"attention_mask": src_mask, "do_sample": False, "max_new_tokens": n_new}
        ref = hf.generate(src_padded, num_beams=1, **gen_kwargs)
        mine = ours.generate(src_padded, src_mask, max_new_tokens=n_new)
        results.append(ids_check(tag + "greedy generation", mine, ref, dtype))
        ban = [[cfg.pad_token_id]]
        ref = hf.generate(src_padded, num_beams=1, bad_words_ids=ban, **gen_kwargs)
        mine = ours.generate(
            src_padded, src_mask, max_new_tokens=n_new, bad_token_ids=[cfg.pad_token_id]
        )
        results.append(ids_check(tag + "greedy generation, pad banned", mine, ref, dtype))
        ref = hf.generate(
            src_padded, num_beams=4, length_penalty=0.6, bad_words_ids=ban, **gen_kwargs
        )
        mine = ours.generate(
            src_padded,
            src_mask,
            max_new_tokens=n_new,
            num_beams=4,
            length_penalty=0.6,
            bad_token_ids=[cfg.pad_token_id],
        )
        results.append(ids_check(tag + "beam search (4, alpha 0.6)", mine, ref, dtype))

    # Hugging Face's sdpa path against ours, float32.
    hf_sdpa = build_reference(cfg, dtype=torch.float32, attn_implementation="sdpa", seed=seed)
    noise = reference_noise_floor(lambda d: ref_logits(d, True))
    results.append(
        sdpa_check(
            f"{case.name} logits vs HF sdpa",
            hf_sdpa,
            hf32,
            from_hf,
            lambda m: m(src_padded, attention_mask=src_mask, decoder_input_ids=tgt).logits,
            noise,
        )
    )

    # Our own sinusoid table (halves layout) against Marian's; Marian stores float32 values.
    table = hf64.model.encoder.embed_positions.weight
    ours_table = sinusoidal_positions(cfg.max_position_embeddings, cfg.d_model, "halves")
    results.append(
        check(
            f"{case.name} sinusoid table (halves)", ours_table, table, dtype=torch.float32, tol=1e-6
        )
    )
    return results


def run_checks(quick: bool = True) -> list[dict]:
    """The parity suite; quick=True (what CI runs) uses two tiny configs, quick=False three."""
    return run_cases(_cases(quick), _check_case)


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
