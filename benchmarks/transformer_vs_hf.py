"""Benchmark: our Transformer against Hugging Face's MarianMTModel (sdpa), same weights, same run.

Times forward and forward+backward at a base-ish shape (d_model 512, 6+6 layers, 8 heads,
d_ff 2048, shared vocabulary 8000; batch 8, source 64 and target 64 tokens, by default), takes
the median of several repeats after warm-up, prints the ratio ours/HF and writes
`benchmarks/results/transformer.json` with provenance.

Example:
    python benchmarks/transformer_vs_hf.py --repeats 5
    python benchmarks/transformer_vs_hf.py --small --repeats 3   # a tiny shape, for a quick look
"""

from __future__ import annotations

import time

import torch
from hf_timing import compare_and_report, passes, timing_parser

from reproductions.transformer.model import TransformerConfig
from reproductions.transformer.reference import build_reference, from_hf


def main(argv: list[str] | None = None) -> dict:
    parser = timing_parser(
        "Time our Transformer against Hugging Face's Marian (sdpa): forward, forward+backward.",
        "python benchmarks/transformer_vs_hf.py --repeats 5",
        "transformer.json",
        {"batch": 8, "src_len": 64, "tgt_len": 64},
        small="d_model 128, 2+2 layers instead of base",
    )
    args = parser.parse_args(argv)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    common = {
        "vocab_size": 8000,
        "position_layout": "halves",
        "dropout": 0.0,
        "max_position_embeddings": 256,
    }
    if args.small:
        cfg = TransformerConfig.stacks(d_model=128, layers=2, heads=4, ffn_dim=512, **common)
    else:
        cfg = TransformerConfig(**common)  # base: 512 wide, 6+6 layers, 8 heads, d_ff 2048
    started = time.time()
    hf = build_reference(cfg, dtype=torch.float32, attn_implementation="sdpa").to(device)
    ours = from_hf(hf)
    g = torch.Generator().manual_seed(0)
    src = torch.randint(3, cfg.vocab_size, (args.batch, args.src_len), generator=g).to(device)
    tgt = torch.randint(3, cfg.vocab_size, (args.batch, args.tgt_len), generator=g).to(device)
    mask = torch.ones_like(src)
    mask[: args.batch // 2, args.src_len * 3 // 4 :] = (
        0  # half the batch padded: masks are exercised
    )

    run = passes(
        lambda model: model(src, attention_mask=mask, decoder_input_ids=tgt),
        lambda out: out.logits.square().mean(),
    )
    shape = "small" if args.small else "base"
    title = (
        f"Transformer {shape} shape, batch {args.batch}, src {args.src_len}, "
        f"tgt {args.tgt_len}, {device}"
    )
    config = {
        "shape": shape,
        "device": str(device),
        "reference": "transformers MarianMTModel, sdpa",
    }
    return compare_and_report("transformer_vs_hf", title, (ours, hf), run, args, started, config)


if __name__ == "__main__":
    main()
