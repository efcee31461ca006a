"""LSTM/GRU parity: our layers against `torch.nn.LSTM`/`GRU` after copying weights.

Owns `run_checks`: outputs, final states and every parameter gradient, for one- and two-layer,
uni- and bidirectional LSTMs and GRUs, with and without an initial state, in float64 (1e-12)
and float32 (tolerance from torch's own float32-vs-float64 noise).
"""

from __future__ import annotations

import copy

import torch

from reproductions.common.parity import (
    check,
    grad_check,
    init_weights_,
    max_abs_diff,
    tolerance,
)

from .reference import build_reference, from_torch

FLOAT64_TOL = 1e-12


def _case(kind: str, layers: int, bidir: bool, with_state: bool, seed: int) -> list[dict]:
    D, H, B, T = 5, 7, 3, 6
    ref64 = build_reference(kind, D, H, layers, bidir).double()
    init_weights_(ref64, std=0.3, seed=seed)
    ref32 = copy.deepcopy(ref64).float()
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B, T, D, generator=g, dtype=torch.float64)
    n = layers * (2 if bidir else 1)
    h0 = torch.randn(n, B, H, generator=g, dtype=torch.float64)
    c0 = torch.randn(n, B, H, generator=g, dtype=torch.float64)
    w = torch.randn(B, T, H * (2 if bidir else 1), generator=g, dtype=torch.float64)
    tag = f"{kind} {layers}L {'bi' if bidir else 'uni'}{' h0' if with_state else ''}"

    def state(dtype: torch.dtype):  # type: ignore[no-untyped-def]
        if not with_state:
            return None
        return (h0.to(dtype), c0.to(dtype)) if kind == "lstm" else h0.to(dtype)

    def run(model, dtype):  # type: ignore[no-untyped-def]
        return model(x.to(dtype), state(dtype))

    with torch.no_grad():
        noise = max_abs_diff(run(ref32, torch.float32), run(ref64, torch.float64))
    out = []
    for dtype, ref in ((torch.float64, ref64), (torch.float32, ref32)):
        tol = tolerance(dtype, noise, float64=FLOAT64_TOL)
        ours = from_torch(ref)
        with torch.no_grad():
            out.append(
                check(
                    f"{tag} outputs and final state",
                    run(ours, dtype),
                    run(ref, dtype),
                    dtype=dtype,
                    tol=tol,
                )
            )
        ref.zero_grad(set_to_none=True)
        (run(ref, dtype)[0] * w.to(dtype)).sum().backward()
        (run(ours, dtype)[0] * w.to(dtype)).sum().backward()
        # ref64 kept its float64 gradients: torch's own float32 gradient noise sets the bar.
        g64 = dict(ref64.named_parameters())
        gtol = tolerance(
            dtype,
            lambda g64=g64: max(
                max_abs_diff(p.grad, g64[n].grad) for n, p in ref32.named_parameters()
            ),
            float64=FLOAT64_TOL,
        )
        out.append(
            grad_check(f"{tag} gradients", ours, ref, ours.torch_param_map(), dtype=dtype, tol=gtol)
        )
    return out


def run_checks(quick: bool = True) -> list[dict]:
    cases = [
        ("lstm", 2, True, False),
        ("gru", 2, True, False),
        ("lstm", 1, False, True),
        ("gru", 1, False, True),
    ]
    if not quick:
        cases += [
            ("lstm", 3, True, True),
            ("gru", 3, True, True),
            ("lstm", 1, True, False),
            ("gru", 2, False, False),
        ]
    checks = []
    for i, (kind, layers, bidir, st) in enumerate(cases):
        checks += _case(kind, layers, bidir, st, seed=i)
    return checks


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
