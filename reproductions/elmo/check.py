"""The ELMo parity suite: each part of our model against its formula, computed explicitly.

Owns `run_checks`, which `tracker repro check elmo` records. On tiny random configurations
(weights N(0, 0.3), so a wrong gate order or a missing residual shows far above rounding) it
compares, in float64 (tolerance 1e-10) and float32 (tolerance from the explicit computation's own
float32-vs-float64 noise): one convolution with max-over-time pooling against a loop over
character windows, the highway layer, the whole character CNN, `nn.LSTM` with projection against a
cell-by-cell loop, every biLM layer and the biLM loss against sentences run one at a time without
padding (the backward LM on the flipped sentence), the scalar mix against its sum, and the
gradients of all parameters of each part.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from reproductions.common.parity import (
    Case,
    grad_check,
    init_weights_,
    max_abs_diff,
    output_check,
    run_cases,
    tolerance,
)

from .model import N_CHARS, PAD_CHAR, BiLM, ElmoConfig, ScalarMix
from .reference import (
    bilm_explicit,
    char_cnn_explicit,
    conv_max_explicit,
    highway_explicit,
    lstm_explicit,
    scalar_mix_explicit,
)

INIT_STD = 0.3


# (name, config, batch, sequence length): the first is the quick suite.
_CASES = [
    Case("2L-proj", ElmoConfig(
        vocab_size=23, char_dim=5, filters=[(1, 4), (2, 3), (3, 5)], n_highway=2, max_chars=8,
        proj_dim=6, hidden=7, n_layers=2, dropout=0.0,
    ), 3, 7),
    Case("3L-noproj", ElmoConfig(
        vocab_size=31, char_dim=4, filters=[(2, 3), (4, 6)], n_highway=1, max_chars=9,
        proj_dim=5, hidden=5, n_layers=3, dropout=0.0,
    ), 4, 9),
]  # fmt: skip


def _cases(quick: bool) -> list[Case]:
    return _CASES[:1] if quick else list(_CASES)


def _inputs(case: Case, seed: int) -> tuple[Tensor, Tensor, Tensor]:
    cfg = case.config
    g = torch.Generator().manual_seed(seed)
    chars = torch.randint(1, N_CHARS, (case.batch, case.seq, cfg.max_chars), generator=g)
    # Tokens of different character lengths: pad each token's tail.
    char_len = torch.randint(3, cfg.max_chars + 1, (case.batch, case.seq), generator=g)
    chars[torch.arange(cfg.max_chars)[None, None, :] >= char_len[..., None]] = PAD_CHAR
    lengths = torch.randint(2, case.seq + 1, (case.batch,), generator=g)
    lengths[0] = case.seq  # one full row
    targets = torch.randint(0, cfg.vocab_size, (case.batch, case.seq), generator=g)
    targets[torch.arange(case.seq)[None, :] >= lengths[:, None]] = -100
    return chars, lengths, targets


def _tol(dtype: torch.dtype, ref: Callable[[torch.dtype], Any]) -> float:
    return tolerance(dtype, lambda: max_abs_diff(ref(torch.float32), ref(torch.float64)))


def _valid(layers: list[Tensor], lengths: Tensor) -> list[Tensor]:
    # Positions past a sentence's length are computed but meaningless: compare only real tokens.
    mask = (torch.arange(layers[0].shape[1])[None, :] < lengths[:, None])[..., None]
    return [h * mask.to(h.dtype) for h in layers]


def _grads(module: torch.nn.Module) -> dict[str, Tensor]:
    return {n: p.grad for n, p in module.named_parameters()}


def _check_case(case: Case, seed: int) -> list[dict]:
    chars, lengths, targets = _inputs(case, seed)
    base = BiLM(case.config)
    init_weights_(base, std=INIT_STD, seed=seed)
    models = {torch.float64: base.double().eval(), torch.float32: copy.deepcopy(base).float()}
    mixes = {}
    mix64 = ScalarMix(case.config.n_layers + 1).double()
    init_weights_(mix64, std=1.0, seed=seed + 100)
    mixes[torch.float64], mixes[torch.float32] = mix64, copy.deepcopy(mix64).float()
    g = torch.Generator().manual_seed(seed + 1)
    probe = torch.randn(
        case.batch, case.seq, 2 * case.config.proj_dim, generator=g, dtype=torch.float64
    )
    enc = {d: m.token_encoder for d, m in models.items()}

    def ref_conv(d: torch.dtype) -> Tensor:
        e = enc[d].char_embeddings(chars.reshape(-1, chars.shape[-1])).transpose(1, 2)
        conv = enc[d].convolutions[-1]
        return conv_max_explicit(e, conv.weight, conv.bias)

    def ref_cnn(d: torch.dtype) -> Tensor:
        return char_cnn_explicit(enc[d], chars)

    def highway_input(d: torch.dtype) -> Tensor:
        gen = torch.Generator().manual_seed(seed + 2)
        x = torch.randn(11, case.config.n_filters, generator=gen, dtype=torch.float64)
        return x.to(d)

    def ref_highway(d: torch.dtype) -> Tensor:
        return highway_explicit(highway_input(d), enc[d].highways[0])

    def lstm_input(d: torch.dtype) -> Tensor:
        gen = torch.Generator().manual_seed(seed + 3)
        x = torch.randn(case.seq, case.config.proj_dim, generator=gen, dtype=torch.float64)
        return x.to(d)

    def ref_lstm(d: torch.dtype) -> Tensor:
        return lstm_explicit(models[d].forward_layers[0], lstm_input(d))

    def ref_bilm(d: torch.dtype) -> tuple[list[Tensor], Tensor]:
        layers, loss = bilm_explicit(models[d], chars, lengths, targets)
        return layers, loss

    def ref_mix(d: torch.dtype) -> Tensor:
        layers, _ = ref_bilm(torch.float64)
        return scalar_mix_explicit([h.detach().to(d) for h in layers], mixes[d])

    tag = f"{case.name} "
    results: list[dict] = []
    for d in (torch.float64, torch.float32):
        model, mix = models[d], mixes[d]
        with torch.no_grad():
            e = enc[d].char_embeddings(chars.reshape(-1, chars.shape[-1])).transpose(1, 2)
            conv = enc[d].convolutions[-1]
            ours_conv = conv(e).max(dim=-1).values
            ours_lstm, _ = model.forward_layers[0](lstm_input(d)[None])
            out = model(chars, lengths, targets)
            layers64 = [h.to(d) for h in ref_bilm(torch.float64)[0]]
            # (what, ours, the explicit computation in either dtype)
            parts = [
                ("conv + max-over-time vs window loop", ours_conv, ref_conv),
                ("highway vs formula", enc[d].highways[0](highway_input(d)), ref_highway),
                ("char CNN token representation", enc[d](chars), ref_cnn),
                ("nn.LSTM(proj) vs cell loop", ours_lstm[0], ref_lstm),
                (
                    "biLM layers vs one sentence at a time",
                    _valid(out.layers, lengths),
                    lambda dd: ref_bilm(dd)[0],
                ),
                ("biLM loss (fwd + bwd NLL)", out.loss, lambda dd: ref_bilm(dd)[1]),
                ("scalar mix vs sum", mix(layers64), ref_mix),
            ]
            results += [output_check(tag + what, ours, ref, dtype=d) for what, ours, ref in parts]

        # Gradients: the same scalar (loss + a probe of every layer) on both sides.
        def objective(layers: list[Tensor], loss: Tensor, dd: torch.dtype) -> Tensor:
            w = probe.to(dd)
            masked = _valid(layers, lengths)
            return loss + sum((h * w).sum() for h in masked) * 0.1

        ours_m, ref_m = copy.deepcopy(model), copy.deepcopy(model)
        out = ours_m(chars, lengths, targets)
        objective(out.layers, out.loss, d).backward()
        ref_layers, ref_loss = bilm_explicit(ref_m, chars, lengths, targets)
        objective(ref_layers, ref_loss, d).backward()

        def grad_noise() -> float:
            r32, r64 = copy.deepcopy(models[torch.float32]), copy.deepcopy(models[torch.float64])
            for rm, dd in ((r32, torch.float32), (r64, torch.float64)):
                la, lo = bilm_explicit(rm, chars, lengths, targets)
                objective(la, lo, dd).backward()
            return max_abs_diff(_grads(r32), _grads(r64))

        gtol = tolerance(d, grad_noise)
        names = {n: n for n, _ in ours_m.named_parameters()}
        results.append(
            grad_check(tag + "biLM grads (all)", ours_m, ref_m, names, dtype=d, tol=gtol)
        )

        def mix_grad_ref(dd: torch.dtype) -> dict[str, Tensor]:
            m = copy.deepcopy(mixes[dd])
            hs = [h.detach().to(dd) for h in ref_bilm(torch.float64)[0]]
            (scalar_mix_explicit(hs, m) * probe.to(dd)).sum().backward()
            return _grads(m)

        ours_mix, ref_mix_m = copy.deepcopy(mix), copy.deepcopy(mix)
        inputs = [h.detach().to(d).requires_grad_(True) for h in ref_bilm(torch.float64)[0]]
        (ours_mix(inputs) * probe.to(d)).sum().backward()
        (scalar_mix_explicit(inputs, ref_mix_m) * probe.to(d)).sum().backward()
        mix_names = {"scalar_parameters": "scalar_parameters", "gamma": "gamma"}
        results.append(
            grad_check(
                tag + "scalar mix grads (s, gamma)",
                ours_mix,
                ref_mix_m,
                mix_names,
                dtype=d,
                tol=_tol(d, mix_grad_ref),
            )
        )
    return results


def run_checks(quick: bool = True) -> list[dict]:
    """The parity suite; quick=True (what CI runs) one tiny config, quick=False two."""
    return run_cases(_cases(quick), _check_case)


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
