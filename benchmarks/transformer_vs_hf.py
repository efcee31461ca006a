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

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from reproductions.common.results import provenance  # noqa: E402
from reproductions.transformer.model import TransformerConfig  # noqa: E402
from reproductions.transformer.reference import build_reference, from_hf  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "transformer.json"


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_it(fn, device: torch.device, warmup: int, repeats: int, label: str) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in tqdm(range(repeats), desc=label, leave=False):
        _sync(device)
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Time our Transformer against Hugging Face's Marian (sdpa): forward, forward+backward.",
        epilog="Example: python benchmarks/transformer_vs_hf.py --repeats 5",
    )
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--src-len", type=int, default=64)
    parser.add_argument("--tgt-len", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--small", action="store_true", help="d_model 128, 2+2 layers instead of base"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    common = {
        "vocab_size": 8000,
        "position_layout": "halves",
        "dropout": 0.0,
        "max_position_embeddings": 256,
    }
    if args.small:
        cfg = TransformerConfig(
            d_model=128,
            encoder_layers=2,
            decoder_layers=2,
            encoder_attention_heads=4,
            decoder_attention_heads=4,
            encoder_ffn_dim=512,
            decoder_ffn_dim=512,
            **common,
        )
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

    def fwd(model):
        def run():
            with torch.no_grad():
                model(src, attention_mask=mask, decoder_input_ids=tgt)

        return run

    def fwd_bwd(model):
        def run():
            model.zero_grad(set_to_none=True)
            model(src, attention_mask=mask, decoder_input_ids=tgt).logits.square().mean().backward()

        return run

    rows = {}
    for name, maker in (("forward", fwd), ("forward+backward", fwd_bwd)):
        hf.train(name != "forward")
        ours.train(name != "forward")
        t_hf = time_it(maker(hf), device, args.warmup, args.repeats, f"HF {name}")
        t_ours = time_it(maker(ours), device, args.warmup, args.repeats, f"ours {name}")
        rows[name] = {"ours_s": t_ours, "hf_s": t_hf, "ratio": t_ours / t_hf}

    shape = "small" if args.small else "base"
    print(
        f"Transformer {shape} shape, batch {args.batch}, src {args.src_len}, tgt {args.tgt_len}, {device}"
    )
    print(f"{'pass':<18} {'ours (s)':>10} {'HF sdpa (s)':>12} {'ours/HF':>8}")
    for name, r in rows.items():
        print(f"{name:<18} {r['ours_s']:10.4f} {r['hf_s']:12.4f} {r['ratio']:8.3f}")
    config = {
        **vars(args),
        "out": str(args.out),
        "shape": shape,
        "device": str(device),
        "reference": "transformers MarianMTModel, sdpa",
    }
    record = {
        "benchmark": "transformer_vs_hf",
        "results": rows,
        "provenance": provenance(
            config,
            seed=0,
            data=None,
            started_at=started,
            command="python benchmarks/transformer_vs_hf.py",
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
