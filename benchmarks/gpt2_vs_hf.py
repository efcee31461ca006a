"""Benchmark: our GPT-2 against Hugging Face's (sdpa attention), same weights, same run.

Times forward and forward+backward at the 124M GPT-2 shape (batch 4 x 256 tokens by default),
takes the median of several repeats after warm-up, prints a table with the ratio ours/HF, and
writes `benchmarks/results/gpt2.json` with provenance.

Example:
    python benchmarks/gpt2_vs_hf.py --repeats 5
    python benchmarks/gpt2_vs_hf.py --small --repeats 3   # a tiny shape, for a quick look
"""

from __future__ import annotations

import time

import torch
from hf_timing import compare_and_report, passes, timing_parser

from reproductions.gpt2.model import GPT2Config
from reproductions.gpt2.reference import build_reference, from_hf


def main(argv: list[str] | None = None) -> dict:
    parser = timing_parser(
        "Time our GPT-2 against Hugging Face's sdpa GPT-2 (forward, forward+backward).",
        "python benchmarks/gpt2_vs_hf.py --repeats 5",
        "gpt2.json",
        {"batch": 4, "seq": 256},
        small="a 2-layer 128-wide shape instead of 124M",
    )
    args = parser.parse_args(argv)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.small:
        cfg = GPT2Config(vocab_size=50257, n_positions=1024, n_embd=128, n_layer=2, n_head=4)
    else:
        cfg = GPT2Config()  # 124M: 12 layers, 768 wide, 12 heads
    cfg.embd_pdrop = cfg.resid_pdrop = cfg.attn_pdrop = 0.0  # dropout off: time the same math
    started = time.time()
    hf = build_reference(cfg, dtype=torch.float32, attn_implementation="sdpa").to(device)
    ours = from_hf(hf)
    ids = torch.randint(0, cfg.vocab_size, (args.batch, args.seq), device=device)

    run = passes(lambda model: model(ids), lambda out: out.logits.float().square().mean())
    shape = "small" if args.small else "124M"
    title = f"GPT-2 {shape} shape, batch {args.batch} x {args.seq}, {device}"
    config = {
        "shape": shape,
        "device": str(device),
        "reference": "transformers GPT2LMHeadModel, sdpa",
    }
    return compare_and_report("gpt2_vs_hf", title, (ours, hf), run, args, started, config)


if __name__ == "__main__":
    main()
