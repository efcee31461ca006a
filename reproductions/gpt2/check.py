"""The GPT-2 parity suite: our model against `transformers.GPT2LMHeadModel`, number by number.

Owns `run_checks`, which builds small random references offline (std 0.2 weights so a wrong
GELU or eps cannot hide), copies them into our model with `from_hf` and compares logits
(padded and unpadded), the LM loss, every parameter gradient and greedy generation, in float64
and float32. float32 tolerances come from the reference's own float32-vs-float64 noise.
"""

from __future__ import annotations

import copy

import torch

from reproductions.common.parity import (
    Case,
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

from .model import GPT2Config
from .reference import build_reference, from_hf

# Hugging Face's ForCausalLMLoss upcasts logits with `.float()`, so its loss is float32 even when
# the model runs in float64: the loss comparison cannot be tighter than float32 rounding.
HF_LOSS_TOL = 1e-5

_CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def _cases(quick: bool) -> list[Case]:
    cases = [
        Case(
            "2L-3H",
            GPT2Config(vocab_size=101, n_positions=32, n_embd=24, n_layer=2, n_head=3),
            3,
            13,
        ),
        Case(
            "1L-2H-inner40",
            GPT2Config(vocab_size=67, n_positions=20, n_embd=16, n_layer=1, n_head=2, n_inner=40),
            2,
            20,
        ),
    ]
    if not quick:
        cases += [
            Case(
                "3L-4H",
                GPT2Config(vocab_size=257, n_positions=64, n_embd=32, n_layer=3, n_head=4),
                4,
                48,
            ),
            Case(
                "2L-1H-eps1e-3",
                GPT2Config(
                    vocab_size=50,
                    n_positions=16,
                    n_embd=8,
                    n_layer=2,
                    n_head=1,
                    layer_norm_epsilon=1e-3,
                ),
                5,
                16,
            ),
        ]
    return cases


def _grad_map(model: torch.nn.Module) -> dict[str, str]:
    # lm_head.weight is the same tensor as wte.weight on both sides; compare it once.
    return {
        name: name + ".T" if name.endswith(_CONV1D) else name
        for name, _ in model.named_parameters()
    }


def _check_case(case: Case, seed: int) -> list[dict]:
    cfg = case.config
    hf64 = build_reference(cfg, dtype=torch.float64, attn_implementation="eager", seed=seed)
    init_weights_(hf64, std=0.2, seed=seed)
    hf32 = copy.deepcopy(hf64).to(torch.float32)

    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, cfg.vocab_size, (case.batch, case.seq), generator=g)
    lengths = torch.randint(case.seq // 2, case.seq + 1, (case.batch,), generator=g)
    lengths[0] = case.seq  # at least one full row
    mask = (torch.arange(case.seq)[None, :] < lengths[:, None]).long()
    labels = ids.masked_fill(mask == 0, -100)
    probe = torch.randn(case.batch, case.seq, cfg.vocab_size, generator=g, dtype=torch.float64)

    def ref_logits(dtype: torch.dtype, padded: bool) -> torch.Tensor:
        hf = hf64 if dtype == torch.float64 else hf32
        with torch.no_grad():
            return hf(ids, attention_mask=mask if padded else None).logits

    results: list[dict] = []
    for dtype, hf in by_precision(hf64, hf32):
        ours = from_hf(hf)
        tag = f"{case.name} "
        # Padded: positions past a row's length see only padding-masked keys after them; both
        # models still compute them, so every position is compared.
        results += logits_checks(
            tag,
            dtype,
            lambda padded, ours=ours: ours(ids, attention_mask=mask if padded else None).logits,
            ref_logits,
        )

        # LM loss with -100 on padding, against Hugging Face's own loss.
        with torch.no_grad():
            ref_loss = hf(ids, attention_mask=mask, labels=labels).loss
            my_loss = ours(ids, attention_mask=mask, labels=labels).loss
        results.append(check(tag + "loss", my_loss, ref_loss, dtype=dtype, tol=HF_LOSS_TOL))

        # Backward: the same scalar of the logits on both sides, then every gradient.
        hf.zero_grad(set_to_none=True)
        ours.zero_grad(set_to_none=True)
        w = probe.to(dtype)
        (hf(ids, attention_mask=mask).logits * w).sum().backward()
        (ours(ids, attention_mask=mask).logits * w).sum().backward()
        gtol = tolerance(dtype, lambda: grad_noise_floor(hf32, hf64))
        # hf64 keeps its gradients: the float32 pass measures its noise floor against them.
        results.append(grad_check(tag + "grads", ours, hf, _grad_map(ours), dtype=dtype, tol=gtol))

        # Greedy generation, token for token (HF pads finished rows with eos when pad is unset).
        eos = 3
        prompt = ids[:, : max(2, case.seq // 3)]
        new = min(8, cfg.n_positions - prompt.shape[1])
        ref_gen = hf.generate(
            prompt,
            attention_mask=torch.ones_like(prompt),
            do_sample=False,
            num_beams=1,
            max_new_tokens=new,
            eos_token_id=eos,
            pad_token_id=eos,
        )
        my_gen = ours.generate(prompt, new, eos_token_id=eos)
        results.append(ids_check(tag + "greedy generation", my_gen, ref_gen, dtype))

    # Hugging Face's sdpa path should agree with its eager path and with ours.
    hf_sdpa = build_reference(cfg, dtype=torch.float32, attn_implementation="sdpa", seed=seed)
    noise = reference_noise_floor(lambda d: ref_logits(d, False))
    results.append(
        sdpa_check(
            f"{case.name} logits vs HF sdpa", hf_sdpa, hf32, from_hf, lambda m: m(ids).logits, noise
        )
    )
    return results


def run_checks(quick: bool = True) -> list[dict]:
    """The parity suite; quick=True (what CI runs) uses two tiny configs, quick=False four."""
    return run_cases(_cases(quick), _check_case)


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
