"""Seq2seq parity: encoder vs torch.nn.GRU, attention vs loops and SDPA, beam vs greedy/exhaustive.

Owns `run_checks`:
- the bidirectional encoder against a packed bidirectional `torch.nn.GRU` with copied weights,
  on a padded batch: annotations, final states, every GRU gradient and the input gradient;
- Bahdanau (additive) and Luong (dot, general) attention against `reference.py`'s loops over
  sentences and positions (softmax over real positions only): context, weights, gradients of
  the attention parameters, the query and the annotations; dot also against torch's
  `scaled_dot_product_attention` (scale 1) with a boolean padding mask;
- padding: a sentence's teacher-forced logits alone and padded inside a batch (both variants);
- decoding: beam search with one beam equals greedy decoding, and with a beam wide enough to
  keep every hypothesis it finds the best length-normalised sequence of exhaustive search.
Float64 at 1e-10 (decoding: tokens exactly), float32 at 50x the reference's own float32 noise.
"""

from __future__ import annotations

import copy

import torch

from reproductions.common.parity import (
    FLOAT64_TOL,
    check,
    grad_check,
    init_weights_,
    max_abs_diff,
    tolerance,
)

from .model import AdditiveAttention, LuongAttention, Seq2Seq, Seq2SeqConfig
from .reference import (
    LoopAdditiveAttention,
    LoopLuongAttention,
    bigru_from_torch,
    build_reference_gru,
    exhaustive_search,
    run_packed_gru,
    sdpa_dot_attention,
)

STD = 0.3


def _leaf(t: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return t.detach().to(dtype).clone().requires_grad_()


def _grad_noise(ref32: torch.nn.Module, ref64: torch.nn.Module, extra: list) -> float:
    g64 = dict(ref64.named_parameters())
    noise = [max_abs_diff(p.grad, g64[n].grad) for n, p in ref32.named_parameters()]
    return max(noise + extra)


def encoder_checks(seed: int = 0, lengths: tuple[int, ...] = (7, 3, 5, 1)) -> list[dict]:
    D, H, T = 5, 6, max(lengths)
    B = len(lengths)
    ref64 = build_reference_gru(D, H).double()
    init_weights_(ref64, std=STD, seed=seed)
    ref32 = copy.deepcopy(ref64).float()
    g = torch.Generator().manual_seed(seed)
    x64 = torch.randn(B, T, D, generator=g, dtype=torch.float64)
    w = torch.randn(B, T, 2 * H, generator=g, dtype=torch.float64)
    wf, wb = torch.randn(2, B, H, generator=g, dtype=torch.float64)
    lens = torch.tensor(lengths)
    tag = f"encoder bi-GRU lengths {list(lengths)}"

    def loss(outs, dtype):  # type: ignore[no-untyped-def]
        out, fwd, bwd = outs
        return (out * w.to(dtype)).sum() + (fwd * wf.to(dtype)).sum() + (bwd * wb.to(dtype)).sum()

    runs = {}
    for dtype, ref in ((torch.float64, ref64), (torch.float32, ref32)):
        x_ref = _leaf(x64, dtype)
        outs = run_packed_gru(ref, x_ref, lens)
        loss(outs, dtype).backward()
        runs[dtype] = (ref, x_ref, outs)
    noise = max_abs_diff(runs[torch.float32][2], runs[torch.float64][2])
    gnoise = _grad_noise(
        ref32, ref64, [max_abs_diff(runs[torch.float32][1].grad, runs[torch.float64][1].grad)]
    )
    out = []
    for dtype in (torch.float64, torch.float32):
        ref, x_ref, ref_outs = runs[dtype]
        tol = tolerance(dtype, noise)
        gtol = tolerance(dtype, gnoise)
        ours = bigru_from_torch(ref)
        x = _leaf(x64, dtype)
        our_outs = ours(x, lens)
        out.append(
            check(f"{tag}: annotations, final states", our_outs, ref_outs, dtype=dtype, tol=tol)
        )
        loss(our_outs, dtype).backward()
        out.append(
            grad_check(
                f"{tag}: GRU gradients", ours, ref, ours.torch_param_map(), dtype=dtype, tol=gtol
            )
        )
        out.append(check(f"{tag}: input gradient", x.grad, x_ref.grad, dtype=dtype, tol=gtol))
    return out


def _attention_module(kind: str, q: int, k: int) -> torch.nn.Module:
    if kind == "bahdanau":
        return AdditiveAttention(q, k, attention_dim=4)
    return LuongAttention(q, k, score=kind)


def attention_checks(kind: str, seed: int = 0) -> list[dict]:
    """kind: "bahdanau" (additive), "dot" or "general" (Luong)."""
    B, S, K = 4, 6, 6
    Q = K if kind == "dot" else 5
    lengths = torch.tensor([6, 2, 4, 1])
    mask = torch.arange(S)[None, :] < lengths[:, None]
    g = torch.Generator().manual_seed(100 + seed)
    query64 = torch.randn(B, Q, generator=g, dtype=torch.float64)
    memory64 = torch.randn(B, S, K, generator=g, dtype=torch.float64)
    wc, ww = (
        torch.randn(B, K, generator=g, dtype=torch.float64),
        torch.randn(B, S, generator=g, dtype=torch.float64),
    )
    ours64 = _attention_module(kind, Q, K).double()
    if list(ours64.parameters()):
        init_weights_(ours64, std=0.5, seed=seed)
    name = {"bahdanau": "Bahdanau additive", "dot": "Luong dot", "general": "Luong general"}[kind]

    def run(module, dtype):  # type: ignore[no-untyped-def]
        q = _leaf(query64, dtype)
        m = _leaf(memory64, dtype)
        ctx, weights = module(q, m, mask)
        ((ctx * wc.to(dtype)).sum() + (weights * ww.to(dtype)).sum()).backward()
        return (ctx, weights), q, m

    def loop_for(dtype):  # type: ignore[no-untyped-def]
        loop = LoopAdditiveAttention if kind == "bahdanau" else LoopLuongAttention
        return loop(copy.deepcopy(ours64).to(dtype))

    ref64, ref32 = loop_for(torch.float64), loop_for(torch.float32)
    r64, r32 = run(ref64, torch.float64), run(ref32, torch.float32)
    noise = max_abs_diff(r32[0], r64[0])
    gnoise = max(max_abs_diff(r32[1].grad, r64[1].grad), max_abs_diff(r32[2].grad, r64[2].grad))
    if list(ref64.parameters()):
        gnoise = max(gnoise, _grad_noise(ref32, ref64, []))
    pmap = {
        "bahdanau": {
            "W_a.weight": "W_a",
            "U_a.weight": "U_a",
            "v_a.weight": ("v_a", lambda t: t[None, :]),
        },
        "general": {"W_a.weight": "W_a"},
        "dot": {},
    }[kind]
    out = []
    for dtype, ref_run, ref in ((torch.float64, r64, ref64), (torch.float32, r32, ref32)):
        tol = tolerance(dtype, noise)
        gtol = tolerance(dtype, gnoise)
        ours = copy.deepcopy(ours64).to(dtype)
        mine, q, m = run(ours, dtype)
        out.append(
            check(
                f"{name} attention: context, weights (masked)",
                mine,
                ref_run[0],
                dtype=dtype,
                tol=tol,
            )
        )
        out.append(
            check(
                f"{name} attention: query, annotation grads",
                (q.grad, m.grad),
                (ref_run[1].grad, ref_run[2].grad),
                dtype=dtype,
                tol=gtol,
            )
        )
        if pmap:
            out.append(
                grad_check(
                    f"{name} attention: weight grads", ours, ref, pmap, dtype=dtype, tol=gtol
                )
            )
        if kind == "dot":
            with torch.no_grad():
                sdpa = sdpa_dot_attention(query64.to(dtype), memory64.to(dtype), mask)
                ctx = ours(query64.to(dtype), memory64.to(dtype), mask)[0]
            out.append(
                check("Luong dot context vs torch SDPA (scale 1)", ctx, sdpa, dtype=dtype, tol=tol)
            )
    return out


def tiny_model(
    attention: str, vocab: int = 9, seed: int = 0, std: float = 0.5, **overrides: object
) -> Seq2Seq:
    """A float64 eval-mode model with every weight ~ N(0, std); `attention` is "bahdanau",
    "dot" or "general"."""
    cfg = Seq2SeqConfig(
        src_vocab_size=vocab,
        tgt_vocab_size=vocab,
        embed_dim=6,
        encoder_hidden=5,
        decoder_hidden=10,
        attention="bahdanau" if attention == "bahdanau" else "luong",
        score=attention if attention in ("dot", "general") else "general",
        attention_dim=7,
        maxout_dim=4,
        **overrides,  # type: ignore[arg-type]
    )
    torch.manual_seed(seed)
    model = Seq2Seq(cfg).double()
    init_weights_(model, std=std, seed=seed)
    return model.eval()


def search_model(attention: str, vocab: int) -> Seq2Seq:
    """For the decoding checks: std 1 and no biases outside the GRUs, so the next-word
    distribution depends on the source and the prefix and greedy, beam and exhaustive search
    disagree on some sentences (the tests assert that they do, or the checks would prove little)."""
    model = tiny_model(attention, vocab=vocab, seed=4, std=1.0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") and ".rnn." not in name:
                p.zero_()
    return model


def search_sources(vocab: int) -> torch.Tensor:
    return _sources(vocab, [6, 2, 4, 5, 3], seed=4)


def _sources(vocab: int, lengths: list[int], seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    src = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for b, n in enumerate(lengths):
        src[b, : n - 1] = torch.randint(3, vocab, (n - 1,), generator=g)
        src[b, n - 1] = 1  # EOS
    return src


def padding_checks(attention: str) -> list[dict]:
    model = tiny_model(attention, vocab=11)
    src = _sources(11, [8, 3, 5], seed=1)
    g = torch.Generator().manual_seed(2)
    dec = torch.randint(1, 11, (3, 6), generator=g)
    dec[:, 0] = 0
    with torch.no_grad():
        batch = model(src, src != 0, decoder_input_ids=dec)
        alone = [
            model(src[b : b + 1, : int((src[b] != 0).sum())], decoder_input_ids=dec[b : b + 1])
            for b in range(3)
        ]
    ours = [batch.logits[b] for b in range(3)]
    ref = [a.logits[0] for a in alone]
    pads = (src == 0)[:, None, :].expand_as(batch.attentions)
    pad_weight = float(batch.attentions[pads].abs().max())
    return [
        check(
            f"{attention}: logits padded in a batch = alone",
            ours,
            ref,
            dtype=torch.float64,
            tol=1e-12,
        ),
        check(
            f"{attention}: attention weight on pads", pad_weight, 0.0, dtype=torch.float64, tol=0.0
        ),
    ]


def decoding_checks(attention: str, exhaustive: bool = True) -> list[dict]:
    model = search_model(attention, vocab=5 if exhaustive else 9)
    V = model.config.tgt_vocab_size
    src = search_sources(V)
    mask = src != 0
    out = []
    greedy = model.greedy(src, mask, max_new_tokens=8)
    beam1 = model.beam_search(src, mask, num_beams=1, max_new_tokens=8)
    out.append(
        check(
            f"{attention}: beam 1 = greedy (tokens)",
            beam1.tokens,
            greedy.tokens,
            dtype=torch.float64,
            tol=0.0,
        )
    )
    out.append(
        check(
            f"{attention}: beam 1 = greedy (scores)",
            beam1.scores,
            greedy.scores,
            dtype=torch.float64,
            tol=FLOAT64_TOL,
        )
    )
    if exhaustive:
        L = 4
        best_tokens, best_scores = exhaustive_search(model, src, max_len=L)
        beam = model.beam_search(src, mask, num_beams=V**L, max_new_tokens=L)
        out.append(
            check(
                f"{attention}: wide beam = exhaustive (tokens)",
                beam.tokens,
                best_tokens,
                dtype=torch.float64,
                tol=0.0,
            )
        )
        out.append(
            check(
                f"{attention}: wide beam = exhaustive (scores)",
                beam.scores,
                best_scores,
                dtype=torch.float64,
                tol=FLOAT64_TOL,
            )
        )
    return out


def run_checks(quick: bool = True) -> list[dict]:
    checks = encoder_checks(seed=0)
    if not quick:
        checks += encoder_checks(seed=1, lengths=(4, 4, 4))  # no padding
        checks += encoder_checks(seed=2, lengths=(9, 1, 2, 8, 5))
    for kind in ("bahdanau", "dot", "general"):
        checks += attention_checks(kind)
    for attention in ("bahdanau", "general"):
        checks += padding_checks(attention)
        checks += decoding_checks(attention)
    if not quick:
        checks += padding_checks("dot") + decoding_checks("dot")
    return checks


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
